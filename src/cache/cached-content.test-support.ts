/** Test support: the answer's text of a cache entry a test stored as a completion (undefined for a miss, or embeddings). */
import { type CacheEntry, isCachedCompletion } from './cache-backend.js';

export function cachedContent(entry: CacheEntry | undefined): string | undefined {
  return entry !== undefined && isCachedCompletion(entry) ? entry.response.content : undefined;
}
