/**
 * A Redis connection that can never hold a call up: no offline queue (a command while disconnected fails
 * at once), no retry of a command after a disconnect, a command timeout, and reconnection forever with
 * capped exponential backoff and jitter. Connection events go to `onEvent`; ioredis itself prints nothing.
 * One server (`url`) or a Redis Cluster (`clusterNodes`: a few of its nodes; the rest are discovered).
 *
 * On a cluster, "no retry after a disconnect" holds for the cluster as a whole, not for a node's connection
 * (ioredis 5, cluster/index.js `handleError`, with its defaults, left as they are): when the connection to a node
 * closes with a command written to it and not answered, ioredis's Cluster rejects it with "Connection is
 * closed." to itself and, while the Cluster is still `ready` (its connection to some node is up), sends it
 * again after `retryDelayOnFailover` (100 ms) and a refresh of the slots, up to `maxRedirections` (16) tries,
 * MOVED and ASK included; a caller still waiting gets the new answer. It does so even when the caller's command
 * timeout has already rejected it (a timed-out command stays queued on the node's connection until an answer
 * or the close), and then nobody hears the answer. A script that ran but whose answer was lost with the
 * connection thus runs twice. The two that count (a key's request taken, a failed key attempt) carry an operation
 * id their script keeps beside the count, so their second run counts nothing and answers as the first did
 * (operation-ids.ts). Running totals (spend, requests counted alone) and the other writes (a state, a cache
 * entry, a sign-out, a refusal kept, a model marked missing) change nothing when repeated. A command that did not
 * run (its node's connection was not up, a MOVED, ASK, TRYAGAIN or CLUSTERDOWN answer) is tried again the
 * same way, and runs once. One server's connection (`maxRetriesPerRequest: 0`) never sends a command again.
 */

import { Cluster, type ClusterNode, Redis, type RedisOptions } from 'ioredis';
import { InvalidArgumentError, redactSecrets } from '../errors.js';
import { backoffDelayMs } from '../resilience/backoff.js';

/** A connection to one Redis server or to a Redis Cluster: the shared state works on either. */
export type RedisConnection = Redis | Cluster;

export const defaultRedisUrl = 'redis://127.0.0.1:6379';

/** Which of the shared state's connections: commands, or the dedicated subscriber. */
export type RedisConnectionRole = 'commands' | 'subscriber';

export type RedisConnectionEvent =
  | { readonly type: 'ready'; readonly connection: RedisConnectionRole }
  | { readonly type: 'disconnected'; readonly connection: RedisConnectionRole }
  | { readonly type: 'error'; readonly connection: RedisConnectionRole; readonly message: string };

export interface CreateRedisClientOptions {
  /** `redis://[:password@]host:port[/db]` or `rediss://…`. Default redis://127.0.0.1:6379. */
  readonly url?: string;
  /**
   * Some nodes of a Redis Cluster, as `redis://[user:password@]host:port` (or `rediss://`): the cluster is
   * used instead of `url`. The credentials and TLS of the first apply to every node.
   */
  readonly clusterNodes?: readonly string[];
  readonly role: RedisConnectionRole;
  /** Timeout of each command; none when undefined (the subscriber connection). */
  readonly commandTimeoutMs?: number;
  /** Default 1_000. */
  readonly connectTimeoutMs?: number;
  /** Cap on the wait between reconnection attempts. Default 2_000. */
  readonly maxReconnectDelayMs?: number;
  readonly onEvent?: (event: RedisConnectionEvent) => void;
}

export function createRedisClient(options: CreateRedisClientOptions): RedisConnection {
  const maxReconnectDelayMs = options.maxReconnectDelayMs ?? 2_000;
  const connectionOptions: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: options.connectTimeoutMs ?? 1_000,
    // The shared state subscribes again itself on each 'ready', then reads the state it may have missed.
    autoResubscribe: false,
    retryStrategy: (attempt) => reconnectDelayMs(attempt, maxReconnectDelayMs),
  };
  if (options.commandTimeoutMs !== undefined) connectionOptions.commandTimeout = options.commandTimeoutMs;
  const client =
    options.clusterNodes === undefined
      ? new Redis(checkedServerUrl(options.url ?? defaultRedisUrl), connectionOptions)
      : createClusterClient(options.clusterNodes, connectionOptions, maxReconnectDelayMs);
  const { role, onEvent } = options;
  // One report per kind of failure per outage: ioredis emits the same error at every reconnection attempt.
  let lastErrorMessage: string | undefined;
  // Without an 'error' listener ioredis prints every failed reconnection to the console.
  client.on('error', (error: unknown) => {
    const message = redactSecrets(error instanceof Error ? error.message : String(error));
    if (message === lastErrorMessage) return;
    lastErrorMessage = message;
    onEvent?.({ type: 'error', connection: role, message });
  });
  let connected = false;
  client.on('ready', () => {
    connected = true;
    lastErrorMessage = undefined;
    onEvent?.({ type: 'ready', connection: role });
  });
  client.on('close', () => {
    // 'close' also ends every failed reconnection attempt: report the loss of a live connection only.
    if (!connected) return;
    connected = false;
    onEvent?.({ type: 'disconnected', connection: role });
  });
  return client;
}

function createClusterClient(urls: readonly string[], nodeOptions: RedisOptions, maxReconnectDelayMs: number): Cluster {
  if (urls.length === 0) throw new InvalidArgumentError({ argument: 'clusterNodes', message: 'clusterNodes must name at least one node' });
  const nodes = urls.map((url, index) => parseClusterNode(url, index));
  const first = new URL(urls[0] as string);
  const redisOptions: RedisOptions = { ...nodeOptions };
  if (first.username !== '') redisOptions.username = decodeURIComponent(first.username);
  if (first.password !== '') redisOptions.password = decodeURIComponent(first.password);
  if (first.protocol === 'rediss:') redisOptions.tls = {};
  return new Cluster(nodes, {
    enableOfflineQueue: false,
    // Finding the cluster again after every node was lost: the same backoff as one server's reconnection.
    clusterRetryStrategy: (attempt) => reconnectDelayMs(attempt, maxReconnectDelayMs),
    redisOptions,
  });
}

/**
 * The one server's address as ioredis takes it: a `redis://` or `rediss://` URL with a host, or an absolute
 * Unix socket path. Anything else (`redis//:pw@host`, a missing scheme) ioredis would take as a socket path
 * and print in every connection error, password and all: refused here, without repeating the value.
 */
function checkedServerUrl(url: string): string {
  if (url.startsWith('/')) return url;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || parsed.hostname === '') {
    throw new InvalidArgumentError({
      argument: 'url',
      message: 'the Redis URL must be redis://[user:password@]host:port, rediss://... or an absolute socket path (the value is not repeated: it may hold a password)',
    });
  }
  return url;
}

function parseClusterNode(url: string, index: number): ClusterNode {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidArgumentError({ argument: `clusterNodes[${index}]`, message: 'a cluster node must be a redis:// or rediss:// URL' });
  }
  if ((parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || parsed.hostname === '') {
    throw new InvalidArgumentError({ argument: `clusterNodes[${index}]`, message: 'a cluster node must be a redis:// or rediss:// URL' });
  }
  return { host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port: parsed.port === '' ? 6379 : Number(parsed.port) };
}

/** 50 ms doubling per attempt, capped, with up to 20% jitter so instances do not reconnect in step. */
export function reconnectDelayMs(attempt: number, maxDelayMs: number): number {
  return backoffDelayMs({ attempt, baseMs: 50, maxMs: maxDelayMs, jitterShare: 0.2 });
}
