import type { HttpRequestSpec } from '../../http/types.js';
import type { EndpointConfig, WireProtocol } from '../wire-protocol.js';
import { buildOpenAIChatRequest, buildOpenAIHeaders } from './build-openai-chat-request.js';
import { buildOpenAIEmbeddingsRequest } from './build-openai-embeddings-request.js';
import { parseOpenAICompatibleError } from './openai-compatible-error.js';
import { createOpenAIStreamDecoder } from './openai-stream-decoder.js';
import { parseOpenAIChatResponse } from './parse-openai-chat-response.js';
import { parseOpenAIEmbeddingsResponse } from './parse-openai-embeddings-response.js';

/** The OpenAI chat-completions (and embeddings) protocol, spoken by OpenAI, Groq, Together, Moonshot and local servers. */
export const openAICompatibleProtocol: WireProtocol = {
  id: 'openai-compatible',
  buildChatRequest: buildOpenAIChatRequest,
  parseChatResponse: parseOpenAIChatResponse,
  parseError: parseOpenAICompatibleError,
  createStreamDecoder: createOpenAIStreamDecoder,
  buildModelsListRequest: buildOpenAIModelsListRequest,
  buildEmbeddingsRequest: buildOpenAIEmbeddingsRequest,
  parseEmbeddingsResponse: parseOpenAIEmbeddingsResponse,
};

/** `GET {baseUrl}/models`: cheap, and fails exactly when the key or the endpoint is wrong. */
export function buildOpenAIModelsListRequest(endpoint: EndpointConfig): HttpRequestSpec {
  return {
    method: 'GET',
    url: `${endpoint.baseUrl}/models`,
    headers: { ...buildOpenAIHeaders(endpoint), accept: 'application/json' },
  };
}
