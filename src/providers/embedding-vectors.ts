/** What every wire's embeddings parser shares: reading a vector of numbers, and refusing a 200 that holds none. */
import { ProviderError } from '../errors.js';
import { asArray } from '../json-value.js';

/** A vector from a non-empty list of finite numbers; undefined for anything else. */
export function readNumberVector(value: unknown): number[] | undefined {
  const list = asArray(value);
  if (list === undefined || list.length === 0) return undefined;
  const vector = new Array<number>(list.length);
  for (let index = 0; index < list.length; index += 1) {
    const number = list[index];
    if (typeof number !== 'number' || !Number.isFinite(number)) return undefined;
    vector[index] = number;
  }
  return vector;
}

/**
 * A 200 that holds no usable answer (no vectors, another count of them than of inputs, a vector unreadable): a
 * `server_error` that fails over, never a result, as a missing vector must never be taken for another input's.
 */
export function unusableEmbeddingsAnswer(providerId: string, message: string): ProviderError {
  return new ProviderError({ provider: providerId, reason: 'server_error', statusCode: 200, message });
}
