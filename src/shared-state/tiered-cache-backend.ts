/**
 * Two caches, the fast one in front: typically the in-process LRU before Redis. A get asks the first, then
 * the second, and copies a second-level hit into the first. That copy keeps the entry's remaining TTL when
 * the second level can tell it in the same round trip (RedisCacheBackend reads GET and PTTL in one
 * pipeline); otherwise it is kept `fillTtlSecondsWhenUnknown` (60 s). A set writes both levels.
 *
 * Removals reach every instance's first level: when the second level tells of entries removed elsewhere
 * (RedisCacheBackend with a subscriber: another instance's delete or clear, or a subscription made again after
 * messages may have been lost), they are dropped from the first. A read from the second level that was in flight
 * during any removal answers its caller but is not copied into the first: it may hold what was just removed.
 * A hit in the first level costs nothing more than before.
 */

import type { CacheBackend, CacheEntry } from '../cache/cache-backend.js';
import type { CacheInvalidation, CacheInvalidationSource } from './cache-invalidation.js';
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
  readonly #stopHearingRemovals: (() => void) | undefined;
  /**
   * Counts removals, here or heard of, as each starts and as ours ends: a read of the second level that saw it
   * change does not fill the first.
   */
  #removals = 0;
  /**
   * Our removals not yet done in the second level. A clear takes round trips (SCAN, then UNLINK), and a read
   * between them still finds entries: while one is running, no read fills the first level.
   */
  #removalsRunning = 0;

  constructor(first: CacheBackend, second: CacheBackend) {
    this.#first = first;
    this.#second = second;
    this.#secondWithTtl = readsRemainingTtl(second) ? second : undefined;
    this.#stopHearingRemovals = toldOfRemovals(second) ? second.onInvalidation((invalidation) => this.#dropFromFirst(invalidation)) : undefined;
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    const near = await this.#first.get(key);
    if (near !== undefined) return near;
    const removalsBefore = this.#removals;
    if (this.#secondWithTtl) {
      const found = await this.#secondWithTtl.getWithRemainingTtl(key);
      if (found === undefined) return undefined;
      const ttlSeconds = found.remainingTtlMs !== undefined ? found.remainingTtlMs / 1_000 : fillTtlSecondsWhenUnknown;
      if (this.#mayFill(removalsBefore)) await this.#first.set(key, found.value, ttlSeconds);
      return found.value;
    }
    const far = await this.#second.get(key);
    if (far !== undefined && this.#mayFill(removalsBefore)) await this.#first.set(key, far, fillTtlSecondsWhenUnknown);
    return far;
  }

  async set(key: string, value: CacheEntry, ttlSeconds: number): Promise<void> {
    await Promise.all([this.#first.set(key, value, ttlSeconds), this.#second.set(key, value, ttlSeconds)]);
  }

  delete(key: string): Promise<void> {
    return this.#removing(() => Promise.all([this.#first.delete(key), this.#second.delete(key)]));
  }

  clear(): Promise<void> {
    return this.#removing(() => Promise.all([this.#first.clear(), this.#second.clear()]));
  }

  async #removing(removal: () => Promise<unknown>): Promise<void> {
    this.#removals += 1;
    this.#removalsRunning += 1;
    try {
      await removal();
    } finally {
      this.#removalsRunning -= 1;
      this.#removals += 1;
    }
  }

  /** A value read from the second level since `removalsBefore` may go into the first: no removal began or ran meanwhile. */
  #mayFill(removalsBefore: number): boolean {
    return this.#removals === removalsBefore && this.#removalsRunning === 0;
  }

  async close(): Promise<void> {
    this.#stopHearingRemovals?.();
    await Promise.all([this.#first.close(), this.#second.close()]);
  }

  #dropFromFirst(invalidation: CacheInvalidation): void {
    this.#removals += 1;
    const dropped = 'key' in invalidation ? this.#first.delete(invalidation.key) : this.#first.clear();
    // A first level that cannot drop an entry has nothing better to do about it; its TTL still ends it.
    dropped.catch(() => undefined);
  }
}

function readsRemainingTtl(backend: CacheBackend): backend is CacheBackend & RemainingTtlReader {
  return typeof (backend as Partial<RemainingTtlReader>).getWithRemainingTtl === 'function';
}

function toldOfRemovals(backend: CacheBackend): backend is CacheBackend & CacheInvalidationSource {
  return typeof (backend as Partial<CacheInvalidationSource>).onInvalidation === 'function';
}
