/**
 * A sign-out Redis refused, on a redis-server of the test's own that refuses writes as a full one does
 * (`maxmemory` reached, `noeviction`: OOM), with the connection up throughout: it is sent again with backoff
 * until it lands, and no longer once its session has expired. Time is a manual clock's.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { ManualClock } from '../resilience/manual-clock.js';
import { createRedisClient, type RedisConnection } from './create-redis-client.js';
import { RedisSessionRevocations } from './redis-session-revocations.js';
import { PrivateRedisServer, redisTestGate, waitFor, waitUntilReady } from './redis-test-gate.test-support.js';

const redis = await redisTestGate({ needsRedisServerBinary: true });
const prefix = 'bm-test-revocations';
const retryMaxDelayMs = 5_000;
let server: PrivateRedisServer;
let admin: RedisConnection;
let client: RedisConnection;
let opened: RedisSessionRevocations[] = [];

beforeAll(async () => {
  if (redis.skip) return;
  server = await PrivateRedisServer.start();
  admin = createRedisClient({ url: server.url, role: 'commands', commandTimeoutMs: 2_000 });
  client = createRedisClient({ url: server.url, role: 'commands', commandTimeoutMs: 2_000 });
  await Promise.all([waitUntilReady(admin), waitUntilReady(client)]);
}, 30_000);
afterEach(async () => {
  for (const revocations of opened) revocations.close();
  opened = [];
  if (!redis.skip) await refuseWrites(false);
});
afterAll(async () => {
  admin?.disconnect(false);
  client?.disconnect(false);
  await server?.kill();
});

/** Make the server refuse every write that may grow its memory, as a full Redis without eviction does, or stop. */
async function refuseWrites(refuse: boolean): Promise<void> {
  await admin.config('SET', 'maxmemory-policy', 'noeviction');
  await admin.config('SET', 'maxmemory', refuse ? '1' : '0');
}

/** SETs the server ran, and those it refused. */
async function setCalls(): Promise<{ calls: number; rejected: number }> {
  const line = /^cmdstat_set:(.*)$/m.exec(String(await admin.info('commandstats')))?.[1] ?? '';
  const field = (name: string): number => Number(new RegExp(`${name}=(\\d+)`).exec(line)?.[1] ?? 0);
  return { calls: field('calls'), rejected: field('rejected_calls') };
}

function revocationsWith(clock: ManualClock): RedisSessionRevocations {
  const revocations = new RedisSessionRevocations({ client, prefix, clock, operationTimeoutMs: 2_000, retryMaxDelayMs });
  opened.push(revocations);
  return revocations;
}

/**
 * Move the clock a longest backoff at a time until `condition` holds. (A step may also end a sending's time
 * budget early, which counts as Redis not taking it: then it is only sent again.)
 */
async function advanceUntil(clock: ManualClock, condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  await waitFor(
    async () => {
      // Each timer's effects settle before the condition is read.
      await clock.advanceAsync(retryMaxDelayMs);
      return condition();
    },
    { timeoutMs: 10_000, what },
  );
}

redis.describe('a sign-out Redis refused', () => {
  redis.it('is sent again, with no reconnection, until Redis takes it, and then no more', async () => {
    const clock = new ManualClock(Date.now());
    const writer = revocationsWith(clock);
    const reader = revocationsWith(new ManualClock(Date.now()));
    let reconnections = 0;
    const onReady = (): void => void (reconnections += 1);
    client.on('ready', onReady);
    try {
      await refuseWrites(true);
      const before = await setCalls();
      await writer.revoke('session-1', clock.now() + 60 * 60_000);
      expect((await setCalls()).rejected - before.rejected).toBe(1);
      expect(await writer.isRevoked('session-1')).toBe(true);
      expect(await reader.isRevoked('session-1')).toBe(false);
      // Sent again while Redis still refuses it.
      await advanceUntil(clock, async () => (await setCalls()).rejected - before.rejected >= 3, 'two more sendings');
      expect(await reader.isRevoked('session-1')).toBe(false);

      await refuseWrites(false);
      await advanceUntil(clock, () => reader.isRevoked('session-1'), 'the revocation to land');
      // Nothing is left to send: no timer is set, and time passing sends nothing.
      await advanceUntil(clock, () => clock.pendingTimerCount === 0, 'the sending to settle');
      const settled = await setCalls();
      clock.advance(100 * retryMaxDelayMs);
      expect(clock.pendingTimerCount).toBe(0);
      expect(await setCalls()).toEqual(settled);
      expect(reconnections).toBe(0);
    } finally {
      client.off('ready', onReady);
    }
  });

  redis.it('is sent no more once its session has expired, nor after close', async () => {
    const clock = new ManualClock(Date.now());
    const writer = revocationsWith(clock);
    await refuseWrites(true);
    const before = await setCalls();
    // Expiring before the first sending again could be (half of the first backoff, 100 ms, at least).
    await writer.revoke('session-2', clock.now() + 10);
    expect(clock.pendingTimerCount).toBe(1);
    // At the next sending the session has expired: dropped, unsent, and nothing more is planned.
    await advanceUntil(clock, () => clock.pendingTimerCount === 0, 'the revocation to be dropped');
    expect((await setCalls()).rejected - before.rejected).toBe(1);

    const closing = revocationsWith(clock);
    await closing.revoke('session-3', clock.now() + 60 * 60_000);
    expect(clock.pendingTimerCount).toBe(1);
    closing.close();
    expect(clock.pendingTimerCount).toBe(0);
  });
});
