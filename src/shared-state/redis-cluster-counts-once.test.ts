/**
 * On a real Redis Cluster of the test's own (three masters), a count whose answer was lost with its node's
 * connection is counted once. The connection is cut the way a broken network cuts it, after the script was
 * written and before its answer was read; ioredis's Cluster client then sends the same script again on a new
 * connection (cluster/index.js, `handleError`, `connectionClosed`), which this test sees arrive at the node: Redis
 * runs it twice, and the operation id makes the second run count nothing.
 */
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { Cluster } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { windowPosition } from '../quota/sliding-window.js';
import { createRedisClient } from './create-redis-client.js';
import { RedisFailedKeyAttempts } from './redis-failed-key-attempts.js';
import { RedisQuotaStore } from './redis-quota-store.js';
import { PrivateRedisCluster, redisTestGate, uniquePrefix, waitFor } from './redis-test-gate.test-support.js';
import { sharedStateKeys } from './shared-state-keys.js';

const redis = await redisTestGate({ needsRedisServerBinary: true });
let cluster: PrivateRedisCluster;
let opened: { close(): void }[] = [];

beforeAll(async () => {
  if (redis.skip) return;
  cluster = await PrivateRedisCluster.start();
}, 60_000);
afterEach(() => {
  for (const each of opened) each.close();
  opened = [];
});
afterAll(async () => cluster?.stop());

function keySlot(key: string): number {
  return Number(spawnSync('redis-cli', ['-p', String(cluster.ports[0]), 'CLUSTER', 'KEYSLOT', key], { encoding: 'utf8' }).stdout.trim());
}

/** A connection to the cluster, told of one node only, as the shared state makes it. */
async function clusterConnection(role: 'commands' | 'subscriber'): Promise<Cluster> {
  const client = createRedisClient({ clusterNodes: [cluster.nodeUrls[0]!], role, commandTimeoutMs: 1_000 });
  if (!(client instanceof Cluster)) throw new Error('a cluster connection was expected');
  opened.push({ close: () => client.disconnect(false) });
  await waitFor(() => client.status === 'ready', { timeoutMs: 10_000, what: 'the cluster connection' });
  return client;
}

/**
 * Counts the scripts naming `key` that the node on `port` runs, as MONITOR shows them (a line per command, as
 * `+<time> [<db> <client>] "eval" "<script>" ... "<key>" ...`), from when it answers OK.
 */
async function watchScripts(port: number, key: string): Promise<() => number> {
  const socket = connect(port, '127.0.0.1');
  opened.push({ close: () => socket.destroy() });
  socket.setEncoding('utf8');
  let pending = '';
  let watching = false;
  let scripts = 0;
  socket.on('data', (chunk: string) => {
    pending += chunk;
    for (let end = pending.indexOf('\r\n'); end !== -1; end = pending.indexOf('\r\n')) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 2);
      if (line === '+OK') watching = true;
      else if (/^\+\S+ \[[^\]]*\] "eval" /i.test(line) && line.includes(` "${key}"`)) scripts += 1;
    }
  });
  socket.write('MONITOR\r\n');
  await waitFor(() => watching, { timeoutMs: 5_000, what: 'MONITOR on the node' });
  return () => scripts;
}

/**
 * Runs `count` and cuts the connection to `key`'s node at once, its script written and its answer not yet read
 * (a close sends what was written first, and Redis runs what it read before the end); resolves the answer, the
 * scripts naming `key` the node ran, and the key's value then.
 */
async function countWithConnectionCut<T>(client: Cluster, key: string, count: () => Promise<T>): Promise<{ answer: T; scriptsRun: number; value: string }> {
  // The slots are known, so the script is written to the key's node at once, before `count` returns.
  await client.get(key);
  const owner = client.slots[keySlot(key)]![0]!;
  const node = client.nodes('master').find((each) => `${each.options.host}:${each.options.port}` === owner)!;
  const port = Number(owner.split(':')[1]);
  const scriptsRun = await watchScripts(port, key);
  const counting = count();
  node.stream.destroy();
  const answer = await counting;
  await waitFor(() => scriptsRun() >= 2, { timeoutMs: 5_000, what: 'the node to run the script sent again' });
  const value = spawnSync('redis-cli', ['-p', String(port), 'GET', key], { encoding: 'utf8' }).stdout.trim();
  return { answer, scriptsRun: scriptsRun(), value };
}

redis.describe('a count whose answer was lost with its node connection, on a Redis Cluster', () => {
  redis.it('counts a failed key attempt once, though ioredis sent its script again', async () => {
    const prefix = uniquePrefix();
    const client = await clusterConnection('commands');
    const subscriber = await clusterConnection('subscriber');
    const attempts = new RedisFailedKeyAttempts({ client, subscriber, prefix, operationTimeoutMs: 1_000 });
    opened.push(attempts);
    const address = '198.51.100.40';
    const key = sharedStateKeys(prefix).failedKeyAttempts(address);
    const cut = await countWithConnectionCut(client, key, () => attempts.recordFailure(address, { maxFailures: 5, windowMs: 60_000 }));
    expect(cut.scriptsRun).toBe(2);
    expect(cut.answer).toMatchObject({ failures: 1 });
    expect(cut.value).toBe('1');
  });

  redis.it("takes a key's request once, though ioredis sent its script again", async () => {
    const prefix = uniquePrefix();
    const client = await clusterConnection('commands');
    const store = new RedisQuotaStore({ client, prefix, operationTimeoutMs: 1_000 });
    opened.push(store);
    const nowMs = Date.now();
    const key = sharedStateKeys(prefix).quotaRequests('billing', windowPosition(nowMs).index);
    const cut = await countWithConnectionCut(client, key, () => store.takeRequest('billing', 5, nowMs));
    expect(cut.scriptsRun).toBe(2);
    expect(cut.answer).toEqual({ admitted: true, current: 1, previous: 0 });
    expect(cut.value).toBe('1');
  });

  redis.it("keeps a count's operation ids in the count's slot, whatever hash tag the prefix holds", () => {
    for (const prefix of ['acme', 'team{t}', '{t}x', 'a{b}c{d}']) {
      const keys = sharedStateKeys(prefix);
      for (const address of ['198.51.100.7', '2001:db8:1:2::/64', 'unknown']) {
        expect(keySlot(keys.failedKeyAttemptsOnce(address)), `${prefix} ${address}`).toBe(keySlot(keys.failedKeyAttempts(address)));
      }
      expect(keySlot(keys.quotaRequestsOnce('billing', 300)), prefix).toBe(keySlot(keys.quotaRequests('billing', 300)));
    }
  });
});
