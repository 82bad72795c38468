/**
 * Two caches, the fast one in front: typically the in-process LRU before Redis. A get asks the first, then
 * the second, and copies a second-level hit into the first. That copy keeps the entry's remaining TTL when
 * the second level can tell it in the same round trip (RedisCacheBackend reads GET and PTTL in one
 * pipeline); otherwise it is kept `fillTtlSecondsWhenUnknown` (60 s). A set writes both levels.
 */

import type { CacheBackend, CachedCompletion } from '../cache/cache-backend.js';
import type { CacheEntryWithTtl } from './redis-cache-backend.js';

/** A cache that can say how long an entry has left, with the entry. */
export interface RemainingTtlReader {
  getWithRemainingTtl(key: string): Promise<CacheEntryWithTtl | undefined>;
}

export const fillTtlSecondsWhenUnknown = 60;

export class TieredCacheBackend implements CacheBackend {
  readonly #first: CacheBackend;
  readonly #second: CacheBackend;
  readonly #secondWithTtl: RemainingTtlReader | undefined;

  constructor(first: CacheBackend, second: CacheBackend) {
    this.#first = first;
    this.#second = second;
    this.#secondWithTtl = readsRemainingTtl(second) ? second : undefined;
  }

  async get(key: string): Promise<CachedCompletion | undefined> {
    const near = await this.#first.get(key);
    if (near !== undefined) return near;
    if (this.#secondWithTtl) {
      const found = await this.#secondWithTtl.getWithRemainingTtl(key);
      if (found === undefined) return undefined;
      const ttlSeconds = found.remainingTtlMs !== undefined ? found.remainingTtlMs / 1_000 : fillTtlSecondsWhenUnknown;
      await this.#first.set(key, found.value, ttlSeconds);
      return found.value;
    }
    const far = await this.#second.get(key);
    if (far !== undefined) await this.#first.set(key, far, fillTtlSecondsWhenUnknown);
    return far;
  }

  async set(key: string, value: CachedCompletion, ttlSeconds: number): Promise<void> {
    await Promise.all([this.#first.set(key, value, ttlSeconds), this.#second.set(key, value, ttlSeconds)]);
  }

  async delete(key: string): Promise<void> {
    await Promise.all([this.#first.delete(key), this.#second.delete(key)]);
  }

  async clear(): Promise<void> {
    await Promise.all([this.#first.clear(), this.#second.clear()]);
  }

  async close(): Promise<void> {
    await Promise.all([this.#first.close(), this.#second.close()]);
  }
}

function readsRemainingTtl(backend: CacheBackend): backend is CacheBackend & RemainingTtlReader {
  return typeof (backend as Partial<RemainingTtlReader>).getWithRemainingTtl === 'function';
}
