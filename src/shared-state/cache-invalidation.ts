/**
 * What an instance tells the others when it removes cache entries, so that they drop them from their in-memory
 * level too: one key (a delete) or every entry (a clear). On the wire, `{"v":1,"from":"<instance>","key":"…"}` or
 * `{"v":1,"from":"<instance>","all":true}` on the cache channel. Anything else decodes to undefined and is ignored.
 */

import { isRecord } from '../json-value.js';

/** Entries removed elsewhere: one key, or every entry (a clear, or a subscription that may have missed messages). */
export type CacheInvalidation = { readonly key: string } | { readonly all: true };

/** A cache that tells when entries it held may have been removed by someone else. */
export interface CacheInvalidationSource {
  /** Returns the disposer. */
  onInvalidation(listener: (invalidation: CacheInvalidation) => void): () => void;
}

export const cacheInvalidationVersion = 1;

export function encodeCacheInvalidation(from: string, invalidation: CacheInvalidation): string {
  return JSON.stringify('key' in invalidation ? { v: cacheInvalidationVersion, from, key: invalidation.key } : { v: cacheInvalidationVersion, from, all: true });
}

export function decodeCacheInvalidation(text: string): { from: string; invalidation: CacheInvalidation } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || parsed.v !== cacheInvalidationVersion || typeof parsed.from !== 'string') return undefined;
  if (typeof parsed.key === 'string') return { from: parsed.from, invalidation: { key: parsed.key } };
  if (parsed.all === true) return { from: parsed.from, invalidation: { all: true } };
  return undefined;
}
