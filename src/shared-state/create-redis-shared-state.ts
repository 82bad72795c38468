/**
 * One call to share a router's state through Redis: the response cache (in-process LRU in front of Redis)
 * and circuits, cooldowns, probes and health-check turns, which each router is given:
 *
 *   const shared = createRedisSharedState({ url: process.env.REDIS_URL });
 *   const router = new BackupModelRouter({ cacheBackend: shared.cacheBackend, stateSync: shared.stateSync });
 *   …
 *   await router.close();
 *   await shared.close();
 *
 * One shared state per router: an instance ignores its own updates, so two routers on one shared state
 * would not hear each other. Redis being down, slow or restarted never fails a call; see the backends. The rest is
 * a gateway's (`serve` gives it to its gateway): keys' quotas, failed key attempts, dashboard sign-outs and the
 * Responses items it answered.
 */

import type { CacheBackend } from '../cache/cache-backend.js';
import { MemoryCacheBackend } from '../cache/memory-cache-backend.js';
import { type Clock, systemClock } from '../clock.js';
import { InvalidArgumentError, registerSecret } from '../errors.js';
import { ListenerSet } from '../resilience/listener-set.js';
import { createRedisClient, defaultRedisUrl, type RedisConnectionEvent } from './create-redis-client.js';
import { defaultOperationTimeoutMs, RedisCacheBackend } from './redis-cache-backend.js';
import { RedisFailedKeyAttempts } from './redis-failed-key-attempts.js';
import { RedisProviderStateSync } from './redis-provider-state-sync.js';
import { defaultPrefix } from './shared-state-keys.js';
import { RedisQuotaStore } from './redis-quota-store.js';
import { RedisResponseStore } from './redis-response-store.js';
import { RedisSessionRevocations } from './redis-session-revocations.js';
import { TieredCacheBackend } from './tiered-cache-backend.js';

export interface RedisSharedStateOptions {
  /** `redis://[:password@]host:port[/db]`; the CLI and gateway pass REDIS_URL. Default redis://127.0.0.1:6379. */
  readonly url?: string;
  /**
   * A Redis Cluster instead of `url`: some of its nodes as `redis://[user:password@]host:port` (the rest are
   * discovered); the CLI and gateway pass REDIS_CLUSTER_NODES, comma-separated.
   */
  readonly clusterNodes?: readonly string[];
  /** Namespace of every key and channel. Default 'backup-models'. */
  readonly prefix?: string;
  /** Budget of each Redis operation on the request path. Default 50 ms. */
  readonly operationTimeoutMs?: number;
  /** Default: a random UUID. */
  readonly instanceId?: string;
  /** How often provider state is read again in case a message was lost. Default 1_000. */
  readonly resyncIntervalMs?: number;
  /** Size of the in-process cache in front of Redis. Default 1000. */
  readonly memoryCacheMaxEntries?: number;
  /** Cap on the wait between reconnection attempts. Default 2_000. */
  readonly maxReconnectDelayMs?: number;
  readonly clock?: Clock;
}

export interface RedisSharedState {
  /**
   * Give to `BackupModelRouter({ cacheBackend })`. A delete or clear on it reaches every instance's in-memory level.
   * Its `close()` leaves the Redis connections open.
   */
  readonly cacheBackend: CacheBackend;
  /** Give to `BackupModelRouter({ stateSync })`. */
  readonly stateSync: RedisProviderStateSync;
  /** Gateway keys' quotas (requests a minute, spend a day), counted once for every instance. */
  readonly quotaStore: RedisQuotaStore;
  /**
   * Dashboard sign-outs, honoured by every instance (`serve` gives them to its dashboard), and heard at once by
   * each, which ends the session's open event streams.
   */
  readonly sessionRevocations: RedisSessionRevocations;
  /**
   * Failed gateway key attempts per client address, counted once for every instance (`serve` gives them to its
   * gateway: `createGateway({ sharedFailedKeyAttempts })`).
   */
  readonly failedKeyAttempts: RedisFailedKeyAttempts;
  /**
   * The Responses API items the gateways answered, so that each resolves the others' (`serve` gives it to its gateway:
   * `createGateway({ responseStore })`).
   */
  readonly responseStore: RedisResponseStore;
  readonly instanceId: string;
  /** Both connections are up (sharing works now). */
  isReady(): boolean;
  /** Connections going up and down, and their errors (messages redacted): for the gateway's logs. */
  onConnectionEvent(listener: (event: RedisConnectionEvent) => void): () => void;
  /** Stop sharing and close both connections (the subscriber the cache, the provider state, the sign-outs and the failed key attempts listen on). */
  close(): Promise<void>;
}

export function createRedisSharedState(options: RedisSharedStateOptions = {}): RedisSharedState {
  const url = options.url ?? defaultRedisUrl;
  const operationTimeoutMs = options.operationTimeoutMs ?? defaultOperationTimeoutMs;
  if (!(Number.isFinite(operationTimeoutMs) && operationTimeoutMs > 0)) {
    throw new InvalidArgumentError({ argument: 'operationTimeoutMs', message: 'operationTimeoutMs must be > 0' });
  }
  for (const nodeUrl of [url, ...(options.clusterNodes ?? [])]) registerUrlPassword(nodeUrl);
  const clock = options.clock ?? systemClock;
  const prefix = options.prefix ?? defaultPrefix;
  const events = new ListenerSet<RedisConnectionEvent>();
  const onEvent = (event: RedisConnectionEvent): void => events.emit(event);
  const reconnect = options.maxReconnectDelayMs !== undefined ? { maxReconnectDelayMs: options.maxReconnectDelayMs } : {};
  const server = options.clusterNodes !== undefined ? { clusterNodes: options.clusterNodes } : { url };
  const client = createRedisClient({ ...server, role: 'commands', commandTimeoutMs: operationTimeoutMs, onEvent, ...reconnect });
  const subscriber = createRedisClient({ ...server, role: 'subscriber', onEvent, ...reconnect });

  const stateSync = new RedisProviderStateSync({
    client,
    subscriber,
    prefix,
    operationTimeoutMs,
    clock,
    ...(options.instanceId !== undefined ? { instanceId: options.instanceId } : {}),
    ...(options.resyncIntervalMs !== undefined ? { resyncIntervalMs: options.resyncIntervalMs } : {}),
  });
  // One subscriber for both: the cache hears on it which entries the other instances removed.
  const cacheBackend = new TieredCacheBackend(
    new MemoryCacheBackend({ clock, maxEntries: options.memoryCacheMaxEntries ?? 1000 }),
    new RedisCacheBackend({ client, subscriber, instanceId: stateSync.instanceId, prefix, operationTimeoutMs, clock }),
  );

  const quotaStore = new RedisQuotaStore({ client, prefix, operationTimeoutMs, clock });
  // On the one subscriber too: a sign-out at another instance ends this one's event streams of that session.
  const sessionRevocations = new RedisSessionRevocations({ client, subscriber, instanceId: stateSync.instanceId, prefix, operationTimeoutMs, clock });
  const failedKeyAttempts = new RedisFailedKeyAttempts({ client, subscriber, prefix, operationTimeoutMs, clock });
  const responseStore = new RedisResponseStore({ client, prefix, operationTimeoutMs, clock });

  let closing: Promise<void> | undefined;
  return {
    cacheBackend,
    stateSync,
    quotaStore,
    sessionRevocations,
    failedKeyAttempts,
    responseStore,
    instanceId: stateSync.instanceId,
    isReady: () => client.status === 'ready' && subscriber.status === 'ready',
    onConnectionEvent: (listener) => events.subscribe(listener),
    close: () => {
      closing ??= (async () => {
        stateSync.close();
        quotaStore.close();
        sessionRevocations.close();
        failedKeyAttempts.close();
        await cacheBackend.close();
        await Promise.all([quit(client), quit(subscriber)]);
      })();
      return closing;
    },
  };
}

/** QUIT politely when connected (bounded), then drop the socket and stop reconnecting. */
async function quit(client: ReturnType<typeof createRedisClient>): Promise<void> {
  if (client.status === 'ready') {
    await Promise.race([client.quit().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 200).unref())]);
  }
  client.disconnect(false);
}

function registerUrlPassword(url: string): void {
  try {
    const password = decodeURIComponent(new URL(url).password);
    if (password.length > 0) registerSecret(password);
  } catch {
    // Not a URL ioredis would take either: it reports it as a connection error.
  }
}
