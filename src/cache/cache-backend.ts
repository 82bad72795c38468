/**
 * Where finished completions are kept: one small interface, a memory and (later) a Redis implementation,
 * all held to the same shared suite (`cache-backend.case.ts`).
 */

import type { ChatResponse, EmbeddingResponse } from '../types.js';

/** A finished completion as stored: who answered, what, and when. */
export interface CachedCompletion {
  readonly provider: string;
  readonly response: ChatResponse;
  readonly storedAtMs: number;
}

/** Finished embeddings as stored: who answered, the vectors, and when. */
export interface CachedEmbeddings {
  readonly provider: string;
  readonly embeddings: EmbeddingResponse;
  readonly storedAtMs: number;
}

/**
 * What a backend keeps: a completion or embeddings, under keys that never meet (an embeddings key hashes what an
 * embedding call asks, marked as such). A backend stores either as it is; the router reads back only the kind it
 * wrote under that key.
 */
export type CacheEntry = CachedCompletion | CachedEmbeddings;

/** The entry is a completion (an embeddings entry has `embeddings` instead of `response`). */
export function isCachedCompletion(entry: CacheEntry): entry is CachedCompletion {
  return (entry as Partial<CachedCompletion>).response !== undefined;
}

/**
 * The router never lets a backend fail or hold up a call: a `get` that rejects, or that has not answered within
 * a tenth of the call's time left (at most 1 s), is a miss, and a `set` that rejects is skipped, each reported as
 * a `cache-error` router event; a `set` is never waited for. A backend need not swallow its own failures.
 */
export interface CacheBackend {
  /** The entry under `key`, or undefined when absent or expired. */
  get(key: string): Promise<CacheEntry | undefined>;
  /** Store `value` under `key` for `ttlSeconds` (> 0), replacing any entry and its TTL. */
  set(key: string, value: CacheEntry, ttlSeconds: number): Promise<void>;
  /** Remove `key`; no error when absent. */
  delete(key: string): Promise<void>;
  /** Remove every entry this backend owns. */
  clear(): Promise<void>;
  /** Release connections and timers. */
  close(): Promise<void>;
}
