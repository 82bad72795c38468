/**
 * The response cache in Redis, shared by every instance using the same Redis and prefix.
 *
 * Each operation has a small time budget (default 50 ms): a get that takes longer, or fails, is a miss;
 * a set or delete is skipped. Nothing here ever throws into a call, except a bad `ttlSeconds` (a caller's
 * bug) and `clear()`, an explicit request whose failure the caller must hear about.
 * Keys: `<prefix>:cache:v1:<key>`; values: `{"v":1,"entry":…}` (see `cache-entry-codec.ts`); every entry
 * has a TTL (PX).
 */

import type { CacheBackend, CachedCompletion } from '../cache/cache-backend.js';
import { type Clock, systemClock } from '../clock.js';
import { InvalidArgumentError } from '../errors.js';
import { decodeCacheEntry, encodeCacheEntry } from './cache-entry-codec.js';
import type { RedisConnection } from './create-redis-client.js';
import { scanKeys } from './scan-keys.js';
import { sharedStateKeys, type SharedStateKeys } from './shared-state-keys.js';
import { withinBudget } from './within-budget.js';

export const defaultOperationTimeoutMs = 50;

export interface RedisCacheBackendOptions {
  /** A connection made with `createRedisClient` (no offline queue, short command timeout). */
  readonly client: RedisConnection;
  /** Namespace of every key. Default 'backup-models'. */
  readonly prefix?: string;
  /** Time budget of one get, set or delete. Default 50 ms. */
  readonly operationTimeoutMs?: number;
  /** Times the budget. Default: the system clock. */
  readonly clock?: Clock;
  /** Quit the client on `close()`. Default false: whoever made the client closes it. */
  readonly ownsClient?: boolean;
}

/** A cached completion with how long Redis will still keep it. */
export interface CacheEntryWithTtl {
  readonly value: CachedCompletion;
  /** Milliseconds left, or undefined when Redis did not say. */
  readonly remainingTtlMs: number | undefined;
}

const scanBatchSize = 1_000;

export class RedisCacheBackend implements CacheBackend {
  readonly #client: RedisConnection;
  readonly #keys: SharedStateKeys;
  readonly #budget: { budgetMs: number; clock: Clock };
  readonly #ownsClient: boolean;

  constructor(options: RedisCacheBackendOptions) {
    this.#client = options.client;
    this.#keys = sharedStateKeys(options.prefix);
    const budgetMs = options.operationTimeoutMs ?? defaultOperationTimeoutMs;
    if (!(Number.isFinite(budgetMs) && budgetMs > 0)) {
      throw new InvalidArgumentError({ argument: 'operationTimeoutMs', message: 'operationTimeoutMs must be > 0' });
    }
    this.#budget = { budgetMs, clock: options.clock ?? systemClock };
    this.#ownsClient = options.ownsClient ?? false;
  }

  async get(key: string): Promise<CachedCompletion | undefined> {
    return (await this.getWithRemainingTtl(key))?.value;
  }

  /** The entry and its remaining TTL, read in one round trip (GET and PTTL in a pipeline). */
  getWithRemainingTtl(key: string): Promise<CacheEntryWithTtl | undefined> {
    const redisKey = this.#keys.cacheEntry(key);
    const operation = this.#client
      .pipeline()
      .get(redisKey)
      .pttl(redisKey)
      .exec()
      .then((results): CacheEntryWithTtl | undefined => {
        const [textResult, ttlResult] = results ?? [];
        if (!textResult || textResult[0] !== null || typeof textResult[1] !== 'string') return undefined;
        const value = decodeCacheEntry(textResult[1]);
        if (value === undefined) return undefined;
        const ttl = ttlResult && ttlResult[0] === null ? ttlResult[1] : undefined;
        return { value, remainingTtlMs: typeof ttl === 'number' && ttl > 0 ? ttl : undefined };
      });
    return withinBudget(operation, { ...this.#budget, fallback: undefined });
  }

  set(key: string, value: CachedCompletion, ttlSeconds: number): Promise<void> {
    if (!(Number.isFinite(ttlSeconds) && ttlSeconds > 0)) {
      return Promise.reject(
        new InvalidArgumentError({ argument: 'ttlSeconds', message: 'ttlSeconds must be a finite number > 0' }),
      );
    }
    const ttlMs = Math.max(1, Math.round(ttlSeconds * 1_000));
    const operation = this.#client.set(this.#keys.cacheEntry(key), encodeCacheEntry(value), 'PX', ttlMs).then(() => undefined);
    return withinBudget(operation, { ...this.#budget, fallback: undefined });
  }

  delete(key: string): Promise<void> {
    const operation = this.#client.del(this.#keys.cacheEntry(key)).then(() => undefined);
    return withinBudget(operation, { ...this.#budget, fallback: undefined });
  }

  /**
   * Remove every cache entry of this prefix (SCAN and UNLINK, node by node on a cluster). Rejects when Redis
   * cannot be reached.
   */
  async clear(): Promise<void> {
    await scanKeys(this.#client, { pattern: this.#keys.cachePattern, batchSize: scanBatchSize }, async (node, keys) => {
      // One UNLINK per key: on a cluster node, keys of different slots cannot share a command.
      const pipeline = node.pipeline();
      for (const key of keys) pipeline.unlink(key);
      await pipeline.exec();
    });
  }

  async close(): Promise<void> {
    if (!this.#ownsClient) return;
    await withinBudget(this.#client.quit(), { ...this.#budget, fallback: 'OK' });
    this.#client.disconnect();
  }
}
