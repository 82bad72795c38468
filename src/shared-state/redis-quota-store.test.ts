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
import { redisTestGate, testRedisUrl, uniquePrefix, useTestRedis, waitFor, waitUntilReady } from './redis-test-gate.test-support.js';

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

  redis.it('sends the spend it recorded while cut off from Redis once it is back, counted once however often it is sent', async () => {
    const prefix = testRedis.prefix();
    // The first gateway's own connection, which the test cuts and opens again; the second's stays up.
    const connection = createRedisClient({ url: testRedisUrl, role: 'commands', commandTimeoutMs: 2_000 });
    try {
      await waitUntilReady(connection);
      const cutOff = new RedisQuotaStore({ client: connection, prefix, operationTimeoutMs: 2_000 });
      const other = store(prefix);
      const noon = Date.UTC(2026, 10, 26, 12);
      await cutOff.addSpend('billing', 0.25, noon);
      connection.disconnect(false);
      await waitFor(() => connection.status === 'end', { timeoutMs: 2_000, what: 'the connection to close' });

      await cutOff.addSpend('billing', 0.5, noon);
      await cutOff.addSpend('billing', 0.0625, noon);
      // The cut-off gateway counts what it spent on top of the last total it read; the other cannot know yet.
      expect(await cutOff.spentToday('billing', noon)).toBeCloseTo(0.8125, 10);
      expect(await other.spentToday('billing', noon)).toBeCloseTo(0.25, 10);
      await other.addSpend('billing', 0.125, noon);

      await connection.connect();
      await waitFor(async () => Math.abs((await other.spentToday('billing', noon)) - 0.9375) < 1e-9, {
        timeoutMs: 2_000,
        what: 'the spend of the outage to reach the other gateway',
      });
      // Sent again (a retried flush, a reconnection): nothing is added twice.
      await cutOff.flushSpend();
      connection.disconnect(false);
      await waitFor(() => connection.status === 'end', { timeoutMs: 2_000, what: 'the connection to close' });
      await connection.connect();
      await waitUntilReady(connection);
      await cutOff.addSpend('billing', 0.03125, noon);
      expect(await other.spentToday('billing', noon)).toBeCloseTo(0.96875, 10);
      expect(await cutOff.spentToday('billing', noon)).toBeCloseTo(0.96875, 10);
      cutOff.close();
    } finally {
      connection.disconnect(false);
    }
  });

  redis.it('sends the requests it admitted while cut off from Redis once it is back, to the windows still read, counted once', async () => {
    const prefix = testRedis.prefix();
    // The first gateway's own connection, which the test cuts and opens again; the second's stays up.
    const connection = createRedisClient({ url: testRedisUrl, role: 'commands', commandTimeoutMs: 2_000 });
    try {
      await waitUntilReady(connection);
      const cutOff = new RedisQuotaStore({ client: connection, prefix, operationTimeoutMs: 2_000 });
      const other = store(prefix);
      const now = requestWindowMs * 400 + 1_000;
      const requestsKey = (caller: string, windowIndex: number): string => `${prefix}:quota:v1:{${prefix}}:requests:${caller}:${windowIndex}`;
      connection.disconnect(false);
      await waitFor(() => connection.status === 'end', { timeoutMs: 2_000, what: 'the connection to close' });

      // Admitted alone: one two windows back (no sliding minute reads it by now), one in the previous window, two now.
      expect((await cutOff.takeRequest('billing', 4, now - 2 * requestWindowMs)).admitted).toBe(true);
      expect((await cutOff.takeRequest('billing', 4, now - requestWindowMs)).admitted).toBe(true);
      expect((await cutOff.takeRequest('billing', 4, now)).admitted).toBe(true);
      expect((await cutOff.takeRequest('billing', 4, now)).admitted).toBe(true);
      expect((await other.takeRequest('billing', 4, now)).admitted).toBe(true);
      expect(await other.requestCounts('billing', now)).toEqual({ previous: 0, current: 1 });

      await connection.connect();
      await waitFor(async () => (await other.requestCounts('billing', now)).current === 3, {
        timeoutMs: 2_000,
        what: 'the requests of the outage to reach the other gateway',
      });
      expect(await other.requestCounts('billing', now)).toEqual({ previous: 1, current: 3 });
      expect(await testRedis.client.exists(requestsKey('billing', 398))).toBe(0);
      const ttlMs = await testRedis.client.pttl(requestsKey('billing', 399));
      expect(ttlMs).toBeGreaterThan(requestWindowMs);
      expect(ttlMs).toBeLessThanOrEqual(2 * requestWindowMs);
      // The other gateway now refuses what it would have admitted on its own count: 1 * 59/60 + 3 + 1 > 4.
      expect((await other.takeRequest('billing', 4, now)).admitted).toBe(false);

      // Sent again after another reconnection (as to a Redis restarted empty): nothing is added twice.
      connection.disconnect(false);
      await waitFor(() => connection.status === 'end', { timeoutMs: 2_000, what: 'the connection to close' });
      await connection.connect();
      await waitUntilReady(connection);
      // Read on the same connection, after the sending the reconnection started.
      expect(await cutOff.requestCounts('billing', now)).toEqual({ previous: 1, current: 3 });
      cutOff.close();
    } finally {
      connection.disconnect(false);
    }
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
