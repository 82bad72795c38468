import type { HttpRequestSpec } from '../../http/types.js';
import type { EmbeddingRequest } from '../../types.js';
import { type EndpointConfig, endpointUrl } from '../wire-protocol.js';
import { buildOpenAIHeaders } from './build-openai-chat-request.js';

/** The JSON body of `POST {baseUrl}/embeddings`. */
export interface OpenAIEmbeddingsRequestBody {
  readonly model: string;
  readonly input: readonly string[];
  readonly encoding_format: 'base64';
  readonly dimensions?: number;
}

/**
 * `POST {baseUrl}/embeddings`, the inputs always as a list. The vectors are asked as base64 (little-endian float32
 * bytes), as OpenAI's own SDKs ask them (openai-node's `embeddings.create`, openai/openai-node#1312; openai-python
 * likewise, as pydantic-ai's recordings in test/fixtures/openai show): a quarter of the bytes of the decimal text.
 * Together takes it too (ogx-ai/ogx#3559); a server that ignores it and answers floats is read all the same. The key
 * goes in the authorization header and nowhere else. A `taskType` is not sent: OpenAI's API has no such field and
 * answers an unknown one with a 400 "Unrecognized request argument supplied" (nashsu/llm_wiki#336 quotes it), and
 * the word for it differs among the servers that take one (NVIDIA NIM's and Voyage's `input_type`).
 */
export function buildOpenAIEmbeddingsRequest(request: EmbeddingRequest, endpoint: EndpointConfig): HttpRequestSpec {
  const headers: Record<string, string> = buildOpenAIHeaders(endpoint);
  headers['content-type'] = 'application/json';
  headers.accept = 'application/json';
  const body: { -readonly [K in keyof OpenAIEmbeddingsRequestBody]: OpenAIEmbeddingsRequestBody[K] } = {
    model: request.model,
    input: request.inputs,
    encoding_format: 'base64',
  };
  if (request.dimensions !== undefined) body.dimensions = request.dimensions;
  return { method: 'POST', url: endpointUrl(endpoint, '/embeddings'), headers, body: JSON.stringify(body) };
}
