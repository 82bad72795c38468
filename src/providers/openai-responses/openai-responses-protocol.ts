import { parseOpenAICompatibleError } from '../openai-compatible/openai-compatible-error.js';
import { buildOpenAIModelsListRequest } from '../openai-compatible/openai-compatible-protocol.js';
import type { WireProtocol } from '../wire-protocol.js';
import { buildOpenAIResponsesRequest } from './build-openai-responses-request.js';
import { createOpenAIResponsesStreamDecoder } from './openai-responses-stream-decoder.js';
import { parseOpenAIResponsesResponse } from './parse-openai-responses-response.js';

/**
 * OpenAI's Responses API (`POST /responses`), spoken to the models of an OpenAI-wire provider the catalog marks
 * `openAIWire: 'responses'` (OpenAI's GPT-6 tiers, which refuse function tools with reasoning on chat completions).
 * Same keys, base URL and models list as chat completions.
 */
export const openAIResponsesProtocol: WireProtocol = {
  id: 'openai-responses',
  buildChatRequest: buildOpenAIResponsesRequest,
  parseChatResponse: parseOpenAIResponsesResponse,
  parseError: parseOpenAICompatibleError,
  createStreamDecoder: createOpenAIResponsesStreamDecoder,
  buildModelsListRequest: buildOpenAIModelsListRequest,
};
