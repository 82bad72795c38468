import type { WireProtocolId } from '../types.js';
import { anthropicProtocol } from './anthropic/anthropic-protocol.js';
import { geminiProtocol } from './gemini/gemini-protocol.js';
import { openAICompatibleProtocol } from './openai-compatible/openai-compatible-protocol.js';
import type { WireProtocol } from './wire-protocol.js';

/** The HTTP wire protocols, by id. A `custom` provider brings its own ModelProvider instead. */
export const wireProtocols: Readonly<Record<Exclude<WireProtocolId, 'custom'>, WireProtocol>> = {
  'openai-compatible': openAICompatibleProtocol,
  anthropic: anthropicProtocol,
  gemini: geminiProtocol,
};
