import type { HttpRequestSpec } from '../../http/types.js';
import type { EmbeddingRequest, Mutable } from '../../types.js';
import type { EndpointConfig } from '../wire-protocol.js';
import { buildGeminiHeaders, stripModelsPrefix } from './build-gemini-request.js';
import type { GeminiBatchEmbedContentsRequestBody, GeminiEmbedContentRequest } from './gemini-api-types.js';

/**
 * The most texts one `batchEmbedContents` takes: Google answers more with a 400 "BatchEmbedContentsRequest.requests:
 * at most 100 requests can be in one batch" (vercel/ai packages/google/src/__fixtures__/
 * google-embedding-batch-limit-error.json; vercel/ai#16575 lowered its own limit to 100 for it, as weaviate/weaviate#11277
 * did). A call with more is sent as consecutive requests of at most this many (`maxEmbeddingInputsPerRequest`).
 */
export const geminiMaxEmbeddingInputsPerRequest = 100;

/**
 * `POST {baseUrl}/v1beta/models/{model}:batchEmbedContents`, one request per text, each naming the model again as
 * `models/{model}`, its text as a user content's one part, `outputDimensionality` for our `dimensions` and `taskType`
 * for ours, in each text's request: the shape pydantic-ai's recorded request (test/fixtures/SOURCES.md: one text,
 * `outputDimensionality: 768`, `taskType: RETRIEVAL_QUERY`) and the AI SDK's Google provider send. Without a task
 * type none is sent (Google's default). The key goes in `x-goog-api-key` only.
 */
export function buildGeminiEmbeddingsRequest(request: EmbeddingRequest, endpoint: EndpointConfig): HttpRequestSpec {
  const model = stripModelsPrefix(request.model);
  const modelName = `models/${model}`;
  const requests = request.inputs.map((text): GeminiEmbedContentRequest => {
    const one: Mutable<GeminiEmbedContentRequest> = { model: modelName, content: { parts: [{ text }], role: 'user' } };
    if (request.dimensions !== undefined) one.outputDimensionality = request.dimensions;
    if (request.taskType !== undefined) one.taskType = request.taskType;
    return one;
  });
  const body: GeminiBatchEmbedContentsRequestBody = { requests };
  const headers = buildGeminiHeaders(endpoint);
  headers['content-type'] = 'application/json';
  return {
    method: 'POST',
    url: `${endpoint.baseUrl}/v1beta/models/${encodeURIComponent(model)}:batchEmbedContents`,
    headers,
    body: JSON.stringify(body),
  };
}
