/**
 * A counting script sent again counts once, on the real Redis on 127.0.0.1:6379. ioredis's Cluster client sends a
 * command again, the same Command with the same arguments, when its node's connection closed before the answer
 * (ioredis 5, cluster/index.js: `handleError` calls `connectionClosed`, which tries the connection again); one
 * server's connection never does. So here the test sends each counting script twice through ioredis itself, the
 * first answer dropped as the closed connection drops it: Redis runs the same script, operation id and all,
 * twice. The same loss on a real cluster, with the node's connection cut: redis-cluster.test.ts.
 */
import { Command, Redis } from 'ioredis';
import { afterEach, expect } from 'vitest';
import { requestWindowMs } from '../quota/sliding-window.js';
import { createRedisClient } from './create-redis-client.js';
import { RedisFailedKeyAttempts } from './redis-failed-key-attempts.js';
import { RedisQuotaStore } from './redis-quota-store.js';
import { redisTestGate, testRedisUrl, useTestRedis, waitUntilReady } from './redis-test-gate.test-support.js';
import { sharedStateKeys } from './shared-state-keys.js';

const redis = await redisTestGate();
const testRedis = useTestRedis(redis);
let opened: { close(): void }[] = [];
afterEach(() => {
  for (const each of opened) each.close();
  opened = [];
});

/** A connection of the test's own on which every script naming a key under `prefix` is sent twice. */
async function connectionSendingCountsTwice(prefix: string): Promise<{ client: Redis; sentAgain: () => number }> {
  const client = createRedisClient({ url: testRedisUrl, role: 'commands', commandTimeoutMs: 2_000 });
  if (!(client instanceof Redis)) throw new Error('a one-server connection was expected');
  opened.push({ close: () => client.disconnect(false) });
  await waitUntilReady(client);
  let sentAgain = 0;
  const send = client.sendCommand.bind(client);
  client.sendCommand = (command, stream) => {
    if (command.name === 'eval' && command.args.some((argument) => String(argument).startsWith(`${prefix}:`))) {
      sentAgain += 1;
      // The first run, whose answer the closed connection lost.
      const lost = new Command(command.name, command.args);
      lost.promise.catch(() => {});
      send(lost);
    }
    return send(command, stream);
  };
  return { client, sentAgain: () => sentAgain };
}

redis.describe('a counting script sent again', () => {
  redis.it("takes a key's request once, and answers as its first run did", async () => {
    const prefix = testRedis.prefix();
    const { client, sentAgain } = await connectionSendingCountsTwice(prefix);
    const store = new RedisQuotaStore({ client, prefix, operationTimeoutMs: 2_000 });
    opened.push(store);
    const nowMs = requestWindowMs * 300 + 1_000;
    expect(await store.takeRequest('billing', 2, nowMs)).toEqual({ admitted: true, current: 1, previous: 0 });
    expect(sentAgain()).toBe(1);
    const key = sharedStateKeys(prefix).quotaRequests('billing', 300);
    expect(await testRedis.client.get(key)).toBe('1');
    // Each take is its own operation: the next one is counted, and the one past the limit refused, sent twice too.
    expect(await store.takeRequest('billing', 2, nowMs)).toEqual({ admitted: true, current: 2, previous: 0 });
    expect(await store.takeRequest('billing', 2, nowMs)).toEqual({ admitted: false, current: 2, previous: 0 });
    expect(sentAgain()).toBe(3);
    expect(await testRedis.client.get(key)).toBe('2');
  });

  redis.it('counts a failed key attempt once, and answers as its first run did', async () => {
    const prefix = testRedis.prefix();
    const { client, sentAgain } = await connectionSendingCountsTwice(prefix);
    const subscriber = createRedisClient({ url: testRedisUrl, role: 'subscriber' });
    opened.push({ close: () => subscriber.disconnect(false) });
    const attempts = new RedisFailedKeyAttempts({ client, subscriber, prefix, operationTimeoutMs: 2_000 });
    opened.push(attempts);
    const limit = { maxFailures: 3, windowMs: 60_000 };
    const first = await attempts.recordFailure('198.51.100.60', limit);
    expect(first?.failures).toBe(1);
    expect(first?.windowRemainingMs).toBeGreaterThan(0);
    expect(first?.windowRemainingMs).toBeLessThanOrEqual(limit.windowMs);
    expect(await attempts.recordFailure('198.51.100.60', limit)).toMatchObject({ failures: 2 });
    expect(sentAgain()).toBeGreaterThanOrEqual(2);
    expect(await testRedis.client.get(sharedStateKeys(prefix).failedKeyAttempts('198.51.100.60'))).toBe('2');
  });
});
