/**
 * RedisQuotaStore against the real Redis on 127.0.0.1:6379: the QuotaStore suite, then what only Redis
 * has: one count for every gateway sharing the prefix, keys that expire, and counting locally while Redis
 * does not answer.
 */
import { expect } from 'vitest';
import { describeQuotaStore } from '../quota/quota-store.case.js';
import { requestWindowMs } from '../quota/sliding-window.js';
import { createRedisClient } from './create-redis-client.js';
import { RedisQuotaStore } from './redis-quota-store.js';
import { redisTestGate, uniquePrefix, useTestRedis } from './redis-test-gate.test-support.js';

const redis = await redisTestGate();
const testRedis = useTestRedis(redis);

/** A generous budget: the suite checks behaviour, not speed, on a loaded two-core machine. */
function store(prefix = testRedis.prefix()): RedisQuotaStore {
  return new RedisQuotaStore({ client: testRedis.client, prefix, operationTimeoutMs: 2_000 });
}

redis.describe('on a real Redis', () => {
  describeQuotaStore('RedisQuotaStore', () => store());
});

redis.describe('RedisQuotaStore in Redis', () => {
  redis.it('counts one minute for every gateway on the same prefix, and keeps each window only while it can be read', async () => {
    const prefix = testRedis.prefix();
    const [first, second] = [store(prefix), store(prefix)];
    const now = requestWindowMs * 200 + 1_000;
    expect((await first.takeRequest('billing', 2, now)).admitted).toBe(true);
    expect((await second.takeRequest('billing', 2, now)).admitted).toBe(true);
    expect(await first.takeRequest('billing', 2, now)).toEqual({ admitted: false, current: 2, previous: 0 });
    const key = `${prefix}:quota:v1:{${prefix}}:requests:billing:200`;
    expect(await testRedis.client.get(key)).toBe('2');
    const ttl = await testRedis.client.pttl(key);
    expect(ttl).toBeGreaterThan(requestWindowMs);
    expect(ttl).toBeLessThanOrEqual(2 * requestWindowMs);
  });

  redis.it('adds spend from every gateway into one day, kept two days', async () => {
    const prefix = testRedis.prefix();
    const [first, second] = [store(prefix), store(prefix)];
    const noon = Date.UTC(2026, 10, 26, 12);
    await first.addSpend('billing', 0.125, noon);
    await second.addSpend('billing', 0.25, noon);
    expect(await first.spentToday('billing', noon)).toBeCloseTo(0.375);
    const ttl = await testRedis.client.pttl(`${prefix}:quota:v1:{${prefix}}:spend:billing:${Math.floor(noon / 86_400_000)}`);
    expect(ttl).toBeGreaterThan(86_400_000);
  });

  redis.it('counts in its own memory while Redis does not answer, so a call never fails over a counter', async () => {
    const down = createRedisClient({ url: 'redis://127.0.0.1:1', role: 'commands', commandTimeoutMs: 100, maxReconnectDelayMs: 100 });
    try {
      const alone = new RedisQuotaStore({ client: down, prefix: uniquePrefix(), operationTimeoutMs: 100 });
      const now = requestWindowMs * 300;
      expect((await alone.takeRequest('billing', 1, now)).admitted).toBe(true);
      expect((await alone.takeRequest('billing', 1, now)).admitted).toBe(false);
      await alone.addSpend('billing', 0.5, now);
      expect(await alone.spentToday('billing', now)).toBe(0.5);
    } finally {
      down.disconnect(false);
    }
  });
});
