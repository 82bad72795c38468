/**
 * SCAN over a whole keyspace: one server's, or that of every master of a Redis Cluster (a cluster's SCAN
 * would read one node only). Each batch comes with the connection of the node that holds its keys.
 */
import { Cluster, type Redis } from 'ioredis';
import type { RedisConnection } from './create-redis-client.js';

export interface ScanKeysOptions {
  /** A SCAN MATCH pattern. */
  readonly pattern: string;
  readonly batchSize: number;
  /** Checked between batches: true stops the scan. */
  readonly stopped?: () => boolean;
}

export async function scanKeys(
  connection: RedisConnection,
  options: ScanKeysOptions,
  onKeys: (node: Redis, keys: string[]) => void | Promise<void>,
): Promise<void> {
  const nodes = connection instanceof Cluster ? connection.nodes('master') : [connection];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [nextCursor, keys] = await node.scan(cursor, 'MATCH', options.pattern, 'COUNT', options.batchSize);
      if (keys.length > 0) await onKeys(node, keys);
      cursor = nextCursor;
      if (options.stopped?.() === true) return;
    } while (cursor !== '0');
  }
}
