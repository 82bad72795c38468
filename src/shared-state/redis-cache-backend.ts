/**
 * The response cache in Redis, shared by every instance using the same Redis and prefix.
 *
 * Each operation has a small time budget (default 50 ms): a get that takes longer, or fails, is a miss;
 * a set or delete is skipped. Nothing here ever throws into a call, except a bad `ttlSeconds` (a caller's
 * bug) and `clear()`, an explicit request whose failure the caller must hear about.
 * Keys: `<prefix>:cache:v1:<key>`; values: `{"v":1,"entry":…}` (see `cache-entry-codec.ts`); every entry
 * has a TTL (PX).
 *
 * A delete or a clear is told on the cache channel (`<prefix>:cache:v1`), after the entries are gone from Redis,
 * so that every instance's in-memory level in front of Redis drops them too (`TieredCacheBackend`). With a
 * `subscriber`, this backend hears the others' (`onInvalidation`).
 */

import { randomUUID } from 'node:crypto';
import type { CacheBackend, CacheEntry } from '../cache/cache-backend.js';
import { type Clock, systemClock } from '../clock.js';
import { InvalidArgumentError } from '../errors.js';
import { decodeCacheEntry, encodeCacheEntry } from './cache-entry-codec.js';
import { encodeCacheInvalidation, type CacheInvalidation, type CacheInvalidationSource } from './cache-invalidation.js';
import type { RedisConnection } from './create-redis-client.js';
import { RedisCacheInvalidations } from './redis-cache-invalidations.js';
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
  /**
   * A connection for SUBSCRIBE, to hear which entries other instances deleted or cleared (`onInvalidation`). It
   * may be shared with `RedisProviderStateSync`. Without one, this backend still tells the others of its own.
   */
  readonly subscriber?: RedisConnection;
  /** Names this backend's messages on the cache channel, so it ignores its own. Default: a random UUID. */
  readonly instanceId?: string;
  /** Quit the client, and the subscriber, on `close()`. Default false: whoever made the connections closes them. */
  readonly ownsClient?: boolean;
}

/** A cached completion with how long Redis will still keep it. */
export interface CacheEntryWithTtl {
  readonly value: CacheEntry;
  /** Milliseconds left, or undefined when Redis did not say. */
  readonly remainingTtlMs: number | undefined;
}

const scanBatchSize = 1_000;

export class RedisCacheBackend implements CacheBackend, CacheInvalidationSource {
  readonly #client: RedisConnection;
  readonly #subscriber: RedisConnection | undefined;
  readonly #keys: SharedStateKeys;
  readonly #budget: { budgetMs: number; clock: Clock };
  readonly #ownsClient: boolean;
  readonly #instanceId: string;
  readonly #invalidations: RedisCacheInvalidations | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: RedisCacheBackendOptions) {
    this.#client = options.client;
    this.#keys = sharedStateKeys(options.prefix);
    const budgetMs = options.operationTimeoutMs ?? defaultOperationTimeoutMs;
    if (!(Number.isFinite(budgetMs) && budgetMs > 0)) {
      throw new InvalidArgumentError({ argument: 'operationTimeoutMs', message: 'operationTimeoutMs must be > 0' });
    }
    this.#budget = { budgetMs, clock: options.clock ?? systemClock };
    this.#ownsClient = options.ownsClient ?? false;
    this.#instanceId = options.instanceId ?? randomUUID();
    this.#subscriber = options.subscriber;
    this.#invalidations = options.subscriber
      ? new RedisCacheInvalidations({ subscriber: options.subscriber, channel: this.#keys.cacheChannel, instanceId: this.#instanceId })
      : undefined;
  }

  /**
   * Entries other instances removed, and `{ all: true }` each time the subscription is made (messages sent while
   * it was down are lost). Nothing without a `subscriber`. Returns the disposer.
   */
  onInvalidation(listener: (invalidation: CacheInvalidation) => void): () => void {
    return this.#invalidations?.subscribe(listener) ?? noop;
  }

  async get(key: string): Promise<CacheEntry | undefined> {
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

  set(key: string, value: CacheEntry, ttlSeconds: number): Promise<void> {
    if (!(Number.isFinite(ttlSeconds) && ttlSeconds > 0)) {
      return Promise.reject(
        new InvalidArgumentError({ argument: 'ttlSeconds', message: 'ttlSeconds must be a finite number > 0' }),
      );
    }
    const ttlMs = Math.max(1, Math.round(ttlSeconds * 1_000));
    const operation = this.#client.set(this.#keys.cacheEntry(key), encodeCacheEntry(value), 'PX', ttlMs).then(() => undefined);
    return withinBudget(operation, { ...this.#budget, fallback: undefined });
  }

  /** DEL, then tell the others, in one round trip (after: one that hears it and reads Redis again must miss). */
  delete(key: string): Promise<void> {
    const operation = this.#client
      .pipeline()
      .del(this.#keys.cacheEntry(key))
      .publish(this.#keys.cacheChannel, encodeCacheInvalidation(this.#instanceId, { key }))
      .exec()
      .then(() => undefined);
    return withinBudget(operation, { ...this.#budget, fallback: undefined });
  }

  /**
   * Remove every cache entry of this prefix (SCAN and UNLINK, node by node on a cluster), then tell the others.
   * Rejects when Redis cannot be reached.
   */
  async clear(): Promise<void> {
    await scanKeys(this.#client, { pattern: this.#keys.cachePattern, batchSize: scanBatchSize }, async (node, keys) => {
      // One UNLINK per key: on a cluster node, keys of different slots cannot share a command.
      const pipeline = node.pipeline();
      for (const key of keys) pipeline.unlink(key);
      await pipeline.exec();
    });
    await this.#client.publish(this.#keys.cacheChannel, encodeCacheInvalidation(this.#instanceId, { all: true }));
  }

  /** Stop hearing the others; quit the connections when they are ours. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#invalidations?.close();
      if (!this.#ownsClient) return;
      await Promise.all([this.#client, this.#subscriber].map((connection) => (connection ? this.#quit(connection) : undefined)));
    })();
    return this.#closing;
  }

  async #quit(connection: RedisConnection): Promise<void> {
    if (connection.status === 'ready') await withinBudget(connection.quit(), { ...this.#budget, fallback: 'OK' });
    connection.disconnect();
  }
}

function noop(): void {}
