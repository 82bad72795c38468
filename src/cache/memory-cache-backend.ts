/**
 * An in-process LRU with per-entry TTL. A hit moves the entry to the most recent end (Map order is
 * insertion order: delete then set); when full, the least recently used entry goes. An expired entry is
 * dropped when read, or evicted in its turn like any other. No timers. Values are kept by reference:
 * they are readonly by type, and copying them would cost every hit.
 */

import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import { InvalidArgumentError } from '../errors.js';
import type { CacheBackend, CacheEntry } from './cache-backend.js';

interface Entry {
  readonly value: CacheEntry;
  readonly expiresAtMs: number;
}

export interface MemoryCacheBackendOptions {
  clock?: Clock;
  /** Default 1000. */
  maxEntries?: number;
}

const miss: Promise<undefined> = Promise.resolve(undefined);
const done: Promise<void> = Promise.resolve();

export class MemoryCacheBackend implements CacheBackend {
  private readonly clock: Clock;
  private readonly maxEntries: number;
  private readonly entries = new Map<string, Entry>();

  constructor(options: MemoryCacheBackendOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.maxEntries = options.maxEntries ?? 1000;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new InvalidArgumentError({ argument: 'maxEntries', message: 'maxEntries must be an integer >= 1' });
    }
  }

  /** Entries held, expired ones not yet dropped included. */
  get size(): number {
    return this.entries.size;
  }

  get(key: string): Promise<CacheEntry | undefined> {
    const entry = this.entries.get(key);
    if (entry === undefined) return miss;
    this.entries.delete(key);
    if (entry.expiresAtMs <= this.clock.now()) return miss;
    this.entries.set(key, entry);
    return Promise.resolve(entry.value);
  }

  set(key: string, value: CacheEntry, ttlSeconds: number): Promise<void> {
    if (!(Number.isFinite(ttlSeconds) && ttlSeconds > 0)) {
      return Promise.reject(
        new InvalidArgumentError({ argument: 'ttlSeconds', message: 'ttlSeconds must be a finite number > 0' }),
      );
    }
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAtMs: this.clock.now() + ttlSeconds * 1_000 });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
    return done;
  }

  delete(key: string): Promise<void> {
    this.entries.delete(key);
    return done;
  }

  clear(): Promise<void> {
    this.entries.clear();
    return done;
  }

  close(): Promise<void> {
    this.entries.clear();
    return done;
  }
}
