import { afterAll, expect } from 'vitest';
import type { SharedKeyAttemptRefusal } from '../key-attempts/shared-failed-key-attempts.js';
import { createRedisClient, type RedisConnection } from './create-redis-client.js';
import { RedisFailedKeyAttempts } from './redis-failed-key-attempts.js';
import { redisTestGate, testRedisUrl, useTestRedis, waitFor, waitUntilReady } from './redis-test-gate.test-support.js';

const redis = await redisTestGate();
const testRedis = useTestRedis(redis);
const opened: (RedisFailedKeyAttempts | RedisConnection)[] = [];
afterAll(() => {
  for (const item of opened) {
    if (item instanceof RedisFailedKeyAttempts) item.close();
    else item.disconnect(false);
  }
});

const limit = { maxFailures: 3, windowMs: 60_000 };

/** An instance on `prefix` with a subscriber of its own, and the refusals it heard. */
async function instance(prefix: string, url = testRedisUrl): Promise<{ attempts: RedisFailedKeyAttempts; heard: SharedKeyAttemptRefusal[] }> {
  const subscriber = createRedisClient({ url, role: 'subscriber', maxReconnectDelayMs: 100 });
  opened.push(subscriber);
  const client = url === testRedisUrl ? testRedis.client : createRedisClient({ url, role: 'commands', commandTimeoutMs: 200, maxReconnectDelayMs: 100 });
  if (client !== testRedis.client) opened.push(client);
  const attempts = new RedisFailedKeyAttempts({ client, subscriber, prefix, operationTimeoutMs: 2_000 });
  opened.push(attempts);
  const heard: SharedKeyAttemptRefusal[] = [];
  attempts.onRefusal((refusal) => heard.push(refusal));
  if (url === testRedisUrl) {
    await waitUntilReady(subscriber);
    // Subscribed once a message published now reaches it.
    await waitFor(async () => (await testRedis.client.call('PUBSUB', 'NUMSUB', `${prefix}:key-attempts:v1`).then((reply) => Number((reply as unknown[])[1]))) >= 1, {
      timeoutMs: 5_000,
      what: 'the subscription',
    });
  }
  return { attempts, heard };
}

redis.describe('RedisFailedKeyAttempts', () => {
  redis.it('counts an address once for every instance, under its counting block, in a key that expires with the window', async () => {
    const prefix = testRedis.prefix();
    const a = await instance(prefix);
    const b = await instance(prefix);
    expect(await a.attempts.recordFailure('2001:db8:1:2::/64', limit)).toMatchObject({ failures: 1 });
    const second = await b.attempts.recordFailure('2001:db8:1:2::/64', limit);
    expect(second?.failures).toBe(2);
    expect(second?.windowRemainingMs).toBeGreaterThan(0);
    expect(second?.windowRemainingMs).toBeLessThanOrEqual(limit.windowMs);
    expect(await a.attempts.recordFailure('198.51.100.7', limit)).toMatchObject({ failures: 1 });

    const keys = (await testRedis.client.keys(`${prefix}:*`)).sort();
    // Each count, and beside it its failures' operation ids (which make a count sent again count once).
    expect(keys).toEqual(
      ['198.51.100.7', '2001:db8:1:2::/64'].flatMap((address) => [
        `${prefix}:key-attempts:v1:failed-once:${address}{${prefix}:key-attempts:v1:failed:${address}}`,
        `${prefix}:key-attempts:v1:failed:${address}`,
      ]).sort(),
    );
    for (const key of keys) {
      const ttlMs = await testRedis.client.pttl(key);
      expect(ttlMs).toBeGreaterThan(0);
      expect(ttlMs).toBeLessThanOrEqual(limit.windowMs);
    }
    // Nothing was refused: no instance heard anything.
    expect([...a.heard, ...b.heard]).toEqual([]);
  });

  redis.it('from the limit on, tells every instance that the address is refused for what remains of its window', async () => {
    const prefix = testRedis.prefix();
    const a = await instance(prefix);
    const b = await instance(prefix);
    await a.attempts.recordFailure('198.51.100.8', limit);
    await a.attempts.recordFailure('198.51.100.8', limit);
    const third = await b.attempts.recordFailure('198.51.100.8', limit);
    expect(third?.failures).toBe(3);
    await waitFor(() => a.heard.length === 1 && b.heard.length === 1, { timeoutMs: 5_000, what: 'both instances to hear the refusal' });
    for (const refusal of [...a.heard, ...b.heard]) {
      expect(refusal.address).toBe('198.51.100.8');
      expect(refusal.retryAfterMs).toBeGreaterThan(0);
      expect(refusal.retryAfterMs).toBeLessThanOrEqual(limit.windowMs);
    }
    // A key without an expiry (left so by anything) gets the window at its next failure: memory stays bounded.
    const key = `${prefix}:key-attempts:v1:failed:198.51.100.9`;
    await testRedis.client.set(key, '5');
    expect(await a.attempts.recordFailure('198.51.100.9', limit)).toEqual({ failures: 6, windowRemainingMs: limit.windowMs });
    expect(await testRedis.client.pttl(key)).toBeGreaterThan(0);
  });

  redis.it('ignores a message on its channel that is not a refusal', async () => {
    const prefix = testRedis.prefix();
    const a = await instance(prefix);
    const channel = `${prefix}:key-attempts:v1`;
    for (const text of ['not json', '{}', '{"address":"198.51.100.1","retryAfterMs":-1}', `{"address":"${'a'.repeat(65)}","retryAfterMs":1000}`]) {
      await testRedis.client.publish(channel, text);
    }
    await testRedis.client.publish(channel, '{"address":"198.51.100.2","retryAfterMs":1000}');
    await waitFor(() => a.heard.length > 0, { timeoutMs: 5_000, what: 'the one good message' });
    expect(a.heard).toEqual([{ address: '198.51.100.2', retryAfterMs: 1000 }]);
  });

  redis.it('resolves undefined at once when Redis cannot be reached', async () => {
    const a = await instance(testRedis.prefix(), 'redis://127.0.0.1:1');
    expect(await a.attempts.recordFailure('198.51.100.10', limit)).toBeUndefined();
  });
});
