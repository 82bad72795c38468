/**
 * RedisResponseStore against the real Redis on 127.0.0.1:6379: the ResponseStore suite, then what only Redis has:
 * entries another instance reads, kept as long as the gateway's time to live on Redis's own clock, and a store that
 * says it could not read while Redis does not answer.
 */
import { expect } from 'vitest';
import { describeResponseStore } from '../response-store/response-store.case.js';
import { createRedisClient } from './create-redis-client.js';
import { RedisResponseStore } from './redis-response-store.js';
import { redisTestGate, uniquePrefix, useTestRedis } from './redis-test-gate.test-support.js';

const redis = await redisTestGate();
const testRedis = useTestRedis(redis);

/** A generous budget: the suite checks behaviour, not speed, on a loaded two-core machine. */
function store(prefix = testRedis.prefix()): RedisResponseStore {
  return new RedisResponseStore({ client: testRedis.client, prefix, operationTimeoutMs: 2_000 });
}

redis.describe('on a real Redis', () => {
  describeResponseStore('RedisResponseStore', () => store());
});

redis.describe('RedisResponseStore in Redis', () => {
  redis.it("is read by every store on the same prefix, one key per entry under the caller's scope, expiring with the time to live", async () => {
    const prefix = testRedis.prefix();
    await store(prefix).set('gateway-key:0a1b', [{ name: 'item:msg_1', text: '{"type":"message"}' }], 3_600);
    expect(await store(prefix).get('gateway-key:0a1b', ['item:msg_1'])).toEqual(['{"type":"message"}']);
    const key = `${prefix}:responses:v1:gateway-key:0a1b:item:msg_1`;
    expect(await testRedis.client.get(key)).toBe('{"type":"message"}');
    const ttlMs = await testRedis.client.pttl(key);
    expect(ttlMs).toBeGreaterThan(3_500_000);
    expect(ttlMs).toBeLessThanOrEqual(3_600_000);
    // Another prefix is another namespace.
    expect(await store().get('gateway-key:0a1b', ['item:msg_1'])).toEqual([undefined]);
  });

  redis.it("touches an entry with the time to live again (PEXPIRE), and makes no key for a name not kept", async () => {
    const prefix = testRedis.prefix();
    await store(prefix).set('gateway-key:0a1b', [{ name: 'turn:resp_1', text: '{}' }], 60);
    await store(prefix).touch('gateway-key:0a1b', ['turn:resp_1', 'turn:never'], 3_600);
    const ttlMs = await testRedis.client.pttl(`${prefix}:responses:v1:gateway-key:0a1b:turn:resp_1`);
    expect(ttlMs).toBeGreaterThan(3_500_000);
    expect(await testRedis.client.exists(`${prefix}:responses:v1:gateway-key:0a1b:turn:never`)).toBe(0);
  });

  redis.it('keeps nothing and reads nothing while Redis does not answer, without failing: a read says it could not read', async () => {
    const down = createRedisClient({ url: 'redis://127.0.0.1:1', role: 'commands', commandTimeoutMs: 100, maxReconnectDelayMs: 100 });
    try {
      const alone = new RedisResponseStore({ client: down, prefix: uniquePrefix(), operationTimeoutMs: 100 });
      await expect(alone.set('gateway-key:0a1b', [{ name: 'item:msg_1', text: '{}' }], 60)).resolves.toBeUndefined();
      expect(await alone.get('gateway-key:0a1b', ['item:msg_1'])).toBeUndefined();
      await expect(alone.touch('gateway-key:0a1b', ['item:msg_1'], 60)).resolves.toBeUndefined();
    } finally {
      down.disconnect(false);
    }
  });
});
