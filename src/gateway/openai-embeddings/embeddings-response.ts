/**
 * The router's embedding result as OpenAI's answer: `{ object: 'list', data: [{ object: 'embedding', index,
 * embedding }], model, usage }`, each vector as numbers or, asked `encoding_format: base64` (the OpenAI SDKs' own
 * default), as its float32 values' bytes, little-endian, in base64: what openai-node's `embeddings.create` decodes
 * (`toFloat32Array`) when its caller named no format. Pure.
 */
import type { EmbeddingResult } from '../../routing/embedding-options.js';
import type { EmbeddingEncodingFormat } from './parse-embeddings-request.js';

export function embeddingsAnswerBody(result: EmbeddingResult, encodingFormat: EmbeddingEncodingFormat): string {
  const data = result.embeddings.map((vector, index) => ({
    object: 'embedding',
    index,
    embedding: encodingFormat === 'base64' ? float32Base64(vector) : vector,
  }));
  // The provider's count; one that told none is counted 0, as the answer must hold usage.
  const promptTokens = result.usage?.inputTokens ?? 0;
  return JSON.stringify({ object: 'list', data, model: result.model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } });
}

/** A vector as base64 of its float32 values, little-endian (as OpenAI sends it). */
export function float32Base64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  for (let index = 0; index < vector.length; index += 1) bytes.writeFloatLE(vector[index]!, index * 4);
  return bytes.toString('base64');
}
