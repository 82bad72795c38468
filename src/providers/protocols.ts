import { anthropicProtocol } from './anthropic/anthropic-protocol.js';
import { geminiProtocol } from './gemini/gemini-protocol.js';
import { openAICompatibleProtocol } from './openai-compatible/openai-compatible-protocol.js';
import { openAIResponsesProtocol } from './openai-responses/openai-responses-protocol.js';
import type { WireProtocol, WireProtocolName } from './wire-protocol.js';

/** The HTTP wire protocols, by name. A `custom` provider brings its own ModelProvider instead. */
export const wireProtocols: Readonly<Record<WireProtocolName, WireProtocol>> = {
  'openai-compatible': openAICompatibleProtocol,
  'openai-responses': openAIResponsesProtocol,
  anthropic: anthropicProtocol,
  gemini: geminiProtocol,
};
