import { ProviderError } from '../errors.js';
import type { EmbeddingRequest, EmbeddingResponse } from '../types.js';

/**
 * An embedding attempt's answer, before it is taken: one vector per input, every vector of one length, and of the
 * length asked when `dimensions` was. Vectors of two lengths in one answer, or of another length than asked (a
 * server that ignores `dimensions`), are no caller's to use: an index of fixed dimensions refuses them on insert,
 * and vectors of two lengths are not comparable. As a missing vector is, that is the provider's `server_error`: the
 * call fails over to another provider of the same model, and nothing is cached. Whatever the provider (a wire's
 * parser, an AI SDK model, one of the caller's own). Pure.
 */
export function checkEmbeddingVectors(response: EmbeddingResponse, request: EmbeddingRequest, providerId: string): void {
  const { embeddings } = response;
  const unusable = (message: string): ProviderError => new ProviderError({ provider: providerId, reason: 'server_error', message });
  if (embeddings.length !== request.inputs.length) throw unusable(`an answer of ${embeddings.length} vectors for ${request.inputs.length} inputs`);
  const expected = request.dimensions ?? embeddings[0]?.length ?? 0;
  for (let index = 0; index < embeddings.length; index += 1) {
    const { length } = embeddings[index]!;
    if (length === expected && length > 0) continue;
    throw unusable(
      request.dimensions !== undefined
        ? `an answer whose vector ${index} has ${length} dimensions where ${request.dimensions} were asked`
        : `an answer whose vectors are not all of one length (vector 0 has ${expected} dimensions, vector ${index} ${length})`,
    );
  }
}
