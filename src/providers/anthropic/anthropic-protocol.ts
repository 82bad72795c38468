import type { WireProtocol } from '../wire-protocol.js';
import { buildAnthropicChatRequest, buildAnthropicModelsListRequest } from './build-anthropic-request.js';
import { parseAnthropicError } from './anthropic-error.js';
import { createAnthropicStreamDecoder } from './anthropic-stream-decoder.js';
import { parseAnthropicResponse } from './parse-anthropic-response.js';

/** The Anthropic Messages API (`POST /v1/messages`), as pure converters. */
export const anthropicProtocol: WireProtocol = {
  id: 'anthropic',
  buildChatRequest: buildAnthropicChatRequest,
  parseChatResponse: parseAnthropicResponse,
  parseError: parseAnthropicError,
  createStreamDecoder: createAnthropicStreamDecoder,
  buildModelsListRequest: buildAnthropicModelsListRequest,
};
