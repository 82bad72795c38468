import { afterAll, expect, it } from 'vitest';
import { ManualClock } from '../resilience/manual-clock.js';
import { describeSessionRevocations } from '../sessions/session-revocations.case.js';
import type { SessionRevocation } from '../sessions/session-revocations.js';
import { createRedisClient, type RedisConnection } from './create-redis-client.js';
import { redisTestGate, testRedisUrl, useTestRedis, waitFor } from './redis-test-gate.test-support.js';
import { RedisSessionRevocations } from './redis-session-revocations.js';

const redis = await redisTestGate();
const testRedis = useTestRedis(redis);
const opened: (() => void)[] = [];
afterAll(() => opened.forEach((close) => close()));

interface Instance {
  readonly revocations: RedisSessionRevocations;
  readonly subscriber: RedisConnection;
  /** Every revocation its listeners heard, in order (`*` for `all`). */
  readonly heard: string[];
}

/** One instance on `prefix`, with a subscriber connection of its own; resolves once it has subscribed. */
async function instance(prefix: string, clock: ManualClock): Promise<Instance> {
  const subscriber = createRedisClient({ url: testRedisUrl, role: 'subscriber' });
  const revocations = new RedisSessionRevocations({ client: testRedis.client, subscriber, prefix, clock, operationTimeoutMs: 2_000 });
  opened.push(() => revocations.close(), () => subscriber.disconnect(false));
  const heard: string[] = [];
  revocations.onRevoked((revocation: SessionRevocation) => heard.push('sessionId' in revocation ? revocation.sessionId : '*'));
  await waitFor(() => heard.includes('*'), { timeoutMs: 5_000, what: 'the subscription to the dashboard channel' });
  heard.length = 0;
  return { revocations, subscriber, heard };
}

redis.describe('on Redis', () => {
  // Two instances on one prefix: what one revokes, the other refuses, and its listeners hear.
  describeSessionRevocations(
    'Redis, revoked at one instance and read at another',
    async (clock) => {
      const prefix = testRedis.prefix();
      const [writer, reader] = [await instance(prefix, clock), await instance(prefix, clock)];
      return {
        revoke: (sessionId, expiresAtMs) => writer.revocations.revoke(sessionId, expiresAtMs),
        isRevoked: (sessionId) => reader.revocations.isRevoked(sessionId),
        onRevoked: (listener) => reader.revocations.onRevoked(listener),
      };
    },
    () => new ManualClock(1_000_000),
  );

  it('keeps a sign-out heard from another instance in memory, and tells its own listeners of its own once', async () => {
    const clock = new ManualClock(1_000_000);
    const prefix = testRedis.prefix();
    const a = await instance(prefix, clock);
    const b = await instance(prefix, clock);
    await a.revocations.revoke('signed-out-at-a', clock.now() + 60_000);
    await waitFor(() => b.heard.includes('signed-out-at-a'), { timeoutMs: 5_000, what: 'B to hear the sign-out' });
    // Gone from Redis (as while it is away): B still refuses it, from what it heard.
    await testRedis.client.del(`${prefix}:dashboard:v1:revoked:signed-out-at-a`);
    expect(await b.revocations.isRevoked('signed-out-at-a')).toBe(true);
    // A's own message comes back to it before B's next one does: it is not told twice.
    await b.revocations.revoke('signed-out-at-b', clock.now() + 60_000);
    await waitFor(() => a.heard.includes('signed-out-at-b'), { timeoutMs: 5_000, what: 'A to hear the sign-out' });
    expect(a.heard).toEqual(['signed-out-at-a', 'signed-out-at-b']);
  });

  it('tells its listeners all when it subscribes again: a sign-out published meanwhile went unheard', async () => {
    const clock = new ManualClock(1_000_000);
    const prefix = testRedis.prefix();
    const a = await instance(prefix, clock);
    const b = await instance(prefix, clock);
    b.subscriber.disconnect(false);
    await waitFor(() => b.subscriber.status === 'end', { timeoutMs: 5_000, what: "B's subscriber to close" });
    await a.revocations.revoke('signed-out-while-away', clock.now() + 60_000);
    void b.subscriber.connect().catch(() => undefined);
    await waitFor(() => b.heard.includes('*'), { timeoutMs: 5_000, what: 'B to subscribe again' });
    expect(b.heard).toEqual(['*']);
    expect(await b.revocations.isRevoked('signed-out-while-away')).toBe(true);
  });
});
