import { asArray, asRecord } from '../../json-value.js';
import type { EmbeddingResponse, Mutable } from '../../types.js';
import { readNumberVector, unusableEmbeddingsAnswer } from '../embedding-vectors.js';
import { requestIdOf } from '../request-id.js';
import type { ParseEmbeddingsOptions } from '../wire-protocol.js';

/**
 * A 200 of `batchEmbedContents` in our terms: `{ embeddings: [{ values: [...] }] }`, one per text in the request's
 * order (Google's answer has no index to sort by). It names no model, so the one asked is reported, and it counts no
 * tokens (the recorded answer holds `embeddings` and nothing else, test/fixtures/gemini): `usage` is left absent, for
 * the caller to estimate. Not exactly one vector of numbers per text is a `server_error`, never a result.
 */
export function parseGeminiEmbeddingsResponse(body: unknown, options: ParseEmbeddingsOptions): EmbeddingResponse {
  const items = asArray(asRecord(body)?.embeddings);
  if (items === undefined) throw unusableEmbeddingsAnswer(options.providerId, 'HTTP 200 without `embeddings` in the body');
  if (items.length !== options.inputCount) {
    throw unusableEmbeddingsAnswer(options.providerId, `HTTP 200 with ${items.length} vectors for ${options.inputCount} inputs`);
  }
  const embeddings = new Array<readonly number[]>(items.length);
  for (let index = 0; index < items.length; index += 1) {
    const vector = readNumberVector(asRecord(items[index])?.values);
    if (vector === undefined) throw unusableEmbeddingsAnswer(options.providerId, `HTTP 200 whose vector ${index} is not a list of numbers`);
    embeddings[index] = vector;
  }
  const response: Mutable<EmbeddingResponse> = { embeddings, model: options.model };
  const requestId = requestIdOf(options.headers);
  if (requestId !== undefined) response.requestId = requestId;
  return response;
}
