/**
 * The environment variables that give `backup-models serve` shared state on Redis, read into
 * `createRedisSharedState`'s options. Pure: a mistake is an InvalidArgumentError naming its variable, thrown before
 * any connection is made.
 */
import { InvalidArgumentError } from '../errors.js';
import type { RedisSharedStateOptions } from '../shared-state/index.js';

/** The variables that give `serve` shared state on Redis. */
export const sharedStateEnvironmentVariables = {
  /** One server. */
  url: 'REDIS_URL',
  /** Comma-separated node URLs of a Redis Cluster; over `url`. */
  clusterNodes: 'REDIS_CLUSTER_NODES',
  /** Namespace of every key and channel. */
  prefix: 'BACKUP_MODELS_REDIS_PREFIX',
  /**
   * Budget of each Redis operation on a request's path, in milliseconds (`operationTimeoutMs`, default 50): for a
   * Redis farther away than the same data centre, or a host loaded enough to stall a process that long.
   */
  operationTimeoutMs: 'BACKUP_MODELS_REDIS_OPERATION_TIMEOUT_MS',
} as const;

/** The shared state's options when the environment names a Redis (an empty variable is an unset one), else undefined. */
export function sharedStateOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): RedisSharedStateOptions | undefined {
  const variables = sharedStateEnvironmentVariables;
  const clusterNodes = (env[variables.clusterNodes] ?? '')
    .split(',')
    .map((node) => node.trim())
    .filter((node) => node !== '');
  const url = env[variables.url];
  const server = clusterNodes.length > 0 ? { clusterNodes } : url ? { url } : undefined;
  if (server === undefined) return undefined;
  const prefix = env[variables.prefix];
  const operationTimeoutMs = env[variables.operationTimeoutMs]?.trim();
  return {
    ...server,
    ...(prefix ? { prefix } : {}),
    ...(operationTimeoutMs ? { operationTimeoutMs: millisecondsOf(operationTimeoutMs, variables.operationTimeoutMs) } : {}),
  };
}

/** A whole number of milliseconds, at least 1, as a variable gives it; anything else refused, naming the variable. */
function millisecondsOf(value: string, variable: string): number {
  const milliseconds = /^\d{1,9}$/.test(value) ? Number(value) : 0;
  if (milliseconds < 1) {
    throw new InvalidArgumentError({
      argument: variable,
      message: `${variable} must be a whole number of milliseconds, at least 1; got ${JSON.stringify(value.slice(0, 20))}.`,
    });
  }
  return milliseconds;
}
