/**
 * Where finished completions are kept: one small interface, a memory and (later) a Redis implementation,
 * all held to the same shared suite (`cache-backend.case.ts`).
 */

import type { ChatResponse } from '../types.js';

/** A finished completion as stored: who answered, what, and when. */
export interface CachedCompletion {
  readonly provider: string;
  readonly response: ChatResponse;
  readonly storedAtMs: number;
}

/**
 * The router never lets a backend fail or hold up a call: a `get` that rejects, or that has not answered within
 * a tenth of the call's time left (at most 1 s), is a miss, and a `set` that rejects is skipped, each reported as
 * a `cache-error` router event; a `set` is never waited for. A backend need not swallow its own failures.
 */
export interface CacheBackend {
  /** The entry under `key`, or undefined when absent or expired. */
  get(key: string): Promise<CachedCompletion | undefined>;
  /** Store `value` under `key` for `ttlSeconds` (> 0), replacing any entry and its TTL. */
  set(key: string, value: CachedCompletion, ttlSeconds: number): Promise<void>;
  /** Remove `key`; no error when absent. */
  delete(key: string): Promise<void>;
  /** Remove every entry this backend owns. */
  clear(): Promise<void>;
  /** Release connections and timers. */
  close(): Promise<void>;
}
