import { asArray, asRecord, readNumber, readString } from '../../json-value.js';
import { readTokenCount } from '../../token-count.js';
import type { EmbeddingResponse, Mutable } from '../../types.js';
import { readNumberVector, unusableEmbeddingsAnswer } from '../embedding-vectors.js';
import { requestIdOf } from '../request-id.js';
import type { ParseEmbeddingsOptions } from '../wire-protocol.js';
import { errorInsideSuccess, readOpenAIErrorDetails } from './openai-compatible-error.js';

/**
 * A 200 of `POST /embeddings` in our terms: `data[]`, each `{ index, embedding }`, put in the inputs' order by
 * `index`; an embedding as base64 (what we ask: float32 bytes, little-endian) or as a list of numbers (a server
 * that answers floats whatever was asked). A 200 that carries an error, or not exactly one vector of numbers per
 * input, is a ProviderError: a vector missing or unreadable must never be taken for another input's.
 */
export function parseOpenAIEmbeddingsResponse(body: unknown, options: ParseEmbeddingsOptions): EmbeddingResponse {
  const record = asRecord(body);
  const data = asArray(record?.data);
  if (record === undefined || data === undefined) {
    const details = readOpenAIErrorDetails(body);
    if (details !== undefined) throw errorInsideSuccess(details, options.providerId);
    throw unusableEmbeddingsAnswer(options.providerId, 'HTTP 200 without `data` in the body');
  }
  if (data.length !== options.inputCount) {
    throw unusableEmbeddingsAnswer(options.providerId, `HTTP 200 with ${data.length} vectors for ${options.inputCount} inputs`);
  }
  const embeddings: (readonly number[])[] = new Array<readonly number[]>(data.length);
  for (const entry of data) {
    const item = asRecord(entry);
    const index = readNumber(item?.index);
    if (index === undefined || !Number.isInteger(index) || index < 0 || index >= data.length || embeddings[index] !== undefined) {
      throw unusableEmbeddingsAnswer(options.providerId, 'HTTP 200 whose vectors do not each have an index of their own');
    }
    const vector = readVector(item?.embedding);
    if (vector === undefined) throw unusableEmbeddingsAnswer(options.providerId, `HTTP 200 whose vector ${index} is neither base64 float32 nor a list of numbers`);
    embeddings[index] = vector;
  }
  const response: Mutable<EmbeddingResponse> = { embeddings, model: readString(record.model) ?? options.model };
  const inputTokens = readTokenCount(asRecord(record.usage)?.prompt_tokens);
  if (inputTokens !== undefined) response.usage = { inputTokens };
  const requestId = requestIdOf(options.headers);
  if (requestId !== undefined) response.requestId = requestId;
  return response;
}

/** A vector from base64 float32 (little-endian) or a list of finite numbers; undefined for anything else. */
function readVector(value: unknown): number[] | undefined {
  return typeof value === 'string' ? decodeFloat32Base64(value) : readNumberVector(value);
}

/** OpenAI's base64 vectors: the float32 values' bytes, little-endian (what openai-node's `toFloat32Array` reads). */
export function decodeFloat32Base64(text: string): number[] | undefined {
  if (text === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0 || bytes.length % 4 !== 0) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vector = new Array<number>(bytes.length / 4);
  for (let index = 0; index < vector.length; index += 1) {
    const value = view.getFloat32(index * 4, true);
    if (!Number.isFinite(value)) return undefined;
    vector[index] = value;
  }
  return vector;
}
