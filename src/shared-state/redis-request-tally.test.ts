/**
 * RedisRequestTally, through RedisQuotaStore on the real Redis: what a catch-up costs the requests that follow it.
 * Each request Redis answers must not send the requests counted alone again while a sending of them is under way,
 * nor pay for the tallies of an outage that is over. MONITOR shows every send.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect } from 'vitest';
import { requestWindowMs } from '../quota/sliding-window.js';
import { createRedisClient } from './create-redis-client.js';
import { RedisQuotaStore } from './redis-quota-store.js';
import { redisTestGate, testRedisUrl, useTestRedis, waitFor, waitUntilReady } from './redis-test-gate.test-support.js';

const redis = await redisTestGate();
const testRedis = useTestRedis(redis);
const monitorBase = new Redis(testRedisUrl, { lazyConnect: true });
let monitor: Redis | undefined;
beforeAll(async () => {
  if (!redis.skip) monitor = await monitorBase.monitor();
});
afterAll(() => {
  monitor?.disconnect();
  monitorBase.disconnect();
});

redis.describe('RedisRequestTally', () => {
  redis.it('sends a catch-up that failed once more for a burst of requests Redis answers, not once per request', async () => {
    const prefix = testRedis.prefix();
    const connection = createRedisClient({ url: testRedisUrl, role: 'commands', commandTimeoutMs: 2_000 });
    const sends: string[][] = [];
    const marker = `${prefix}:marker`;
    let markerSeen = 0;
    const onCommand = (_time: string, args: string[]): void => {
      if (args[0]?.toLowerCase() === 'eval' && args.some((arg) => arg.includes(`${prefix}:quota:v1:{${prefix}}:requests-sent:`))) sends.push(args);
      if (args[0]?.toLowerCase() === 'get' && args[1] === marker) markerSeen += 1;
    };
    monitor!.on('monitor', onCommand);
    /** Everything the store sent on `connection` so far has reached MONITOR: it comes before this GET. */
    const settled = async (): Promise<void> => {
      const before = markerSeen;
      await connection.get(marker);
      await waitFor(() => markerSeen > before, { timeoutMs: 5_000, what: 'MONITOR to show the marker' });
    };
    try {
      await waitUntilReady(connection);
      const store = new RedisQuotaStore({ client: connection, prefix, operationTimeoutMs: 2_000 });
      const now = requestWindowMs * 500 + 1_000;
      // What this process sent is recorded in a hash: a string there makes each send fail, as any failure would.
      const sentKey = `${prefix}:quota:v1:{${prefix}}:requests-sent:billing:500`;
      await testRedis.client.set(sentKey, 'not a hash');
      connection.disconnect(false);
      await waitFor(() => connection.status === 'end', { timeoutMs: 2_000, what: 'the connection to close' });
      expect((await store.takeRequest('billing', 100, now)).admitted).toBe(true);
      expect((await store.takeRequest('billing', 100, now)).admitted).toBe(true);

      await connection.connect();
      await waitUntilReady(connection);
      await settled();
      // The catch-up of the reconnection, refused.
      expect(sends).toHaveLength(1);

      // Ten requests at once, each answered by Redis: the catch-up goes again once, not ten times.
      const taken = await Promise.all(Array.from({ length: 10 }, () => store.takeRequest('billing', 100, now)));
      expect(taken.every((take) => take.admitted)).toBe(true);
      await settled();
      expect(sends).toHaveLength(2);

      // Once Redis takes it, the two requests admitted alone are counted, once.
      await testRedis.client.del(sentKey);
      expect((await store.takeRequest('billing', 100, now)).admitted).toBe(true);
      await settled();
      expect(sends).toHaveLength(3);
      expect(await store.requestCounts('billing', now)).toEqual({ previous: 0, current: 13 });
      // Caught up: the requests after it send nothing more.
      for (let request = 0; request < 3; request += 1) await store.takeRequest('billing', 100, now);
      await settled();
      expect(sends).toHaveLength(3);
      store.close();
    } finally {
      monitor!.off('monitor', onCommand);
      connection.disconnect(false);
    }
  });
});
