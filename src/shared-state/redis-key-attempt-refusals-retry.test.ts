/**
 * Keeping and reading back key-attempt refusals when Redis does not answer or refuses, on a redis-server of the
 * test's own (its commands are counted, and it is paused), with the connections up throughout: a refusal Redis
 * refused to keep is written again until it lands; one whose count Redis answered too late is kept from its
 * message; a reading Redis did not answer is made again. Time is a manual clock's where the test drives retries.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Clock } from '../clock.js';
import type { SharedKeyAttemptRefusal } from '../key-attempts/shared-failed-key-attempts.js';
import { ManualClock } from '../resilience/manual-clock.js';
import { createRedisClient, type RedisConnection } from './create-redis-client.js';
import { RedisFailedKeyAttempts } from './redis-failed-key-attempts.js';
import { PrivateRedisServer, redisTestGate, uniquePrefix, waitFor, waitUntilReady } from './redis-test-gate.test-support.js';

const redis = await redisTestGate({ needsRedisServerBinary: true });
const retryMaxDelayMs = 5_000;
let server: PrivateRedisServer;
let admin: RedisConnection;
let closers: (() => void)[] = [];

beforeAll(async () => {
  if (redis.skip) return;
  server = await PrivateRedisServer.start();
  admin = createRedisClient({ url: server.url, role: 'commands', commandTimeoutMs: 2_000 });
  await waitUntilReady(admin);
}, 30_000);
afterEach(async () => {
  for (const close of closers.reverse()) close();
  closers = [];
  if (!redis.skip) await admin.call('CLIENT', 'UNPAUSE');
});
afterAll(async () => {
  admin?.disconnect(false);
  await server?.kill();
});

function connection(role: 'commands' | 'subscriber'): RedisConnection {
  const opened = createRedisClient({ url: server.url, role, maxReconnectDelayMs: 100, ...(role === 'commands' ? { commandTimeoutMs: 200 } : {}) });
  closers.push(() => opened.disconnect(false));
  return opened;
}

/** An instance with connections of its own, connected and subscribed, and the refusals it heard. */
async function instance(
  prefix: string,
  options: { clock?: Clock; maxAddresses?: number; subscriber?: RedisConnection } = {},
): Promise<{ attempts: RedisFailedKeyAttempts; heard: SharedKeyAttemptRefusal[]; client: RedisConnection }> {
  const client = connection('commands');
  const subscriber = options.subscriber ?? connection('subscriber');
  const attempts = new RedisFailedKeyAttempts({
    client,
    subscriber,
    prefix,
    operationTimeoutMs: 200,
    retryMaxDelayMs,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.maxAddresses !== undefined ? { maxAddresses: options.maxAddresses } : {}),
  });
  closers.push(() => attempts.close());
  const heard: SharedKeyAttemptRefusal[] = [];
  attempts.onRefusal((refusal) => heard.push(refusal));
  await Promise.all([waitUntilReady(client), waitUntilReady(subscriber)]);
  await waitFor(async () => Number(((await admin.call('PUBSUB', 'NUMSUB', `${prefix}:key-attempts:v1`)) as unknown[])[1]) >= 1, {
    timeoutMs: 5_000,
    what: 'the subscription',
  });
  // Each connection answers in order: past these, the readings made at start have been answered.
  await subscriber.ping();
  await client.ping();
  return { attempts, heard, client };
}

/** EVALs the server ran, and those that failed (a script's command refused: WRONGTYPE). */
async function evalCalls(): Promise<{ calls: number; failed: number }> {
  const line = /^cmdstat_eval:(.*)$/m.exec(String(await admin.info('commandstats')))?.[1] ?? '';
  const field = (name: string): number => Number(new RegExp(`(?:^|,)${name}=(\\d+)`).exec(line)?.[1] ?? 0);
  return { calls: field('calls'), failed: field('failed_calls') };
}

/**
 * Redis refused one more writing (`failedBefore` failed EVALs before it), its answer came back on `client`
 * (which answers in order), and another writing is planned.
 */
async function refusedAndPlanned(clock: ManualClock, client: RedisConnection, failedBefore: number): Promise<void> {
  await waitFor(async () => (await evalCalls()).failed > failedBefore && (await client.ping()) === 'PONG' && clock.pendingTimerCount === 1, {
    timeoutMs: 5_000,
    what: 'a refused writing, and another planned',
  });
}

/** Move the clock a longest backoff at a time until `condition` holds. */
async function advanceUntil(clock: ManualClock, condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  await waitFor(
    async () => {
      await clock.advanceAsync(retryMaxDelayMs);
      return condition();
    },
    { timeoutMs: 10_000, what },
  );
}

async function redisNowMs(): Promise<number> {
  const [seconds, microseconds] = await admin.time();
  return Number(seconds) * 1_000 + Math.floor(Number(microseconds) / 1_000);
}

const limit = { maxFailures: 3, windowMs: 60_000 };

redis.describe('key-attempt refusals Redis did not keep or did not read', () => {
  redis.it('writes again a refusal Redis refused, with no reconnection, until it lands with what remains of it, and then no more', async () => {
    const prefix = uniquePrefix();
    const refusedKey = `${prefix}:key-attempts:v1:refused`;
    const clock = new ManualClock(Date.now());
    const writer = await instance(prefix, { clock });
    let reconnections = 0;
    writer.client.on('ready', () => void (reconnections += 1));
    expect(clock.pendingTimerCount).toBe(0);
    // Anything in the way of the sorted set makes Redis refuse the write (WRONGTYPE), as a full or read-only one would.
    await admin.set(refusedKey, 'in the way');
    const address = '198.51.100.30';
    for (let failure = 1; failure < limit.maxFailures; failure += 1) await writer.attempts.recordFailure(address, limit);
    const before = await evalCalls();
    const countedAtMs = clock.now();
    expect(await writer.attempts.recordFailure(address, limit)).toMatchObject({ failures: 3 });
    await refusedAndPlanned(clock, writer.client, before.failed);
    expect((await evalCalls()).failed - before.failed).toBe(1);
    // Written again while Redis still refuses it.
    await advanceUntil(clock, async () => (await evalCalls()).failed - before.failed >= 3, 'two more writings');
    const advancedMs = clock.now() - countedAtMs;

    await admin.del(refusedKey);
    await advanceUntil(clock, async () => (await admin.zscore(refusedKey, address)) !== null, 'the refusal to land');
    // What remained of it on this clock, not the whole window again.
    const endsInMs = Number(await admin.zscore(refusedKey, address)) - (await redisNowMs());
    expect(endsInMs).toBeGreaterThan(0);
    expect(endsInMs).toBeLessThan(limit.windowMs - advancedMs + 1_000);
    // Nothing is left to write: no timer is set, and time passing writes nothing.
    await advanceUntil(clock, () => clock.pendingTimerCount === 0, 'the writing to settle');
    const settled = await evalCalls();
    await clock.advanceAsync(10 * retryMaxDelayMs);
    expect(clock.pendingTimerCount).toBe(0);
    expect(await evalCalls()).toEqual(settled);
    expect(reconnections).toBe(0);
    // An instance that starts now reads it back.
    const later = await instance(prefix);
    await waitFor(() => later.heard.length > 0, { timeoutMs: 5_000, what: 'the refusal to be read back' });
    expect(later.heard[0]!.address).toBe(address);
  });

  redis.it('writes a refusal no more once it has ended or after close, and keeps at most maxAddresses waiting', async () => {
    const prefix = uniquePrefix();
    const refusedKey = `${prefix}:key-attempts:v1:refused`;
    const clock = new ManualClock(Date.now());
    const writer = await instance(prefix, { clock, maxAddresses: 2 });
    expect(clock.pendingTimerCount).toBe(0);
    await admin.set(refusedKey, 'in the way');
    const oneFailure = { maxFailures: 1, windowMs: 60_000 };
    let before = await evalCalls();
    for (const address of ['198.51.100.31', '198.51.100.32', '198.51.100.33']) {
      expect(await writer.attempts.recordFailure(address, oneFailure)).toMatchObject({ failures: 1 });
    }
    await refusedAndPlanned(clock, writer.client, before.failed + 2);
    await admin.del(refusedKey);
    // The first is forgotten: two wait.
    await advanceUntil(clock, async () => (await admin.zcard(refusedKey)) === 2, 'the waiting refusals to land');
    expect((await admin.zrange(refusedKey, 0, -1)).sort()).toEqual(['198.51.100.32', '198.51.100.33']);

    // Ended before Redis took it: dropped unwritten, and nothing more is planned.
    await admin.set(refusedKey, 'in the way');
    before = await evalCalls();
    expect(await writer.attempts.recordFailure('198.51.100.34', { maxFailures: 1, windowMs: 8_000 })).toMatchObject({ failures: 1 });
    await refusedAndPlanned(clock, writer.client, before.failed);
    await advanceUntil(clock, () => clock.pendingTimerCount === 0, 'the ended refusal to be dropped');
    await admin.del(refusedKey);
    const settled = await evalCalls();
    await clock.advanceAsync(10 * retryMaxDelayMs);
    expect(await evalCalls()).toEqual(settled);
    expect(await admin.exists(refusedKey)).toBe(0);

    await admin.set(refusedKey, 'in the way');
    before = await evalCalls();
    expect(await writer.attempts.recordFailure('198.51.100.35', oneFailure)).toMatchObject({ failures: 1 });
    await refusedAndPlanned(clock, writer.client, before.failed);
    writer.attempts.close();
    expect(clock.pendingTimerCount).toBe(0);
    await admin.del(refusedKey);
    const closed = await evalCalls();
    await clock.advanceAsync(10 * retryMaxDelayMs);
    expect(await evalCalls()).toEqual(closed);
  });

  redis.it('keeps, from its message, the refusal of a count Redis answered only after the budget', async () => {
    const prefix = uniquePrefix();
    const writer = await instance(prefix);
    const address = '198.51.100.36';
    for (let failure = 1; failure < limit.maxFailures; failure += 1) await writer.attempts.recordFailure(address, limit);
    await admin.call('CLIENT', 'PAUSE', '10000', 'WRITE');
    // Held past the budget, which is the command timeout: no answer comes back, but Redis counts it once unpaused.
    expect(await writer.attempts.recordFailure(address, limit)).toBeUndefined();
    await admin.call('CLIENT', 'UNPAUSE');
    await waitFor(() => writer.heard.some((refusal) => refusal.address === address), { timeoutMs: 5_000, what: 'the refusal to be published' });
    await waitFor(async () => (await admin.zscore(`${prefix}:key-attempts:v1:refused`, address)) !== null, {
      timeoutMs: 5_000,
      what: 'the refusal to be kept',
    });
    const later = await instance(prefix);
    await waitFor(() => later.heard.length > 0, { timeoutMs: 5_000, what: 'the refusal to be read back' });
    expect(later.heard[0]!.address).toBe(address);
  });

  redis.it('reads the refusals back again when Redis did not answer the reading, with the connections up', async () => {
    const prefix = uniquePrefix();
    const subscriber = connection('subscriber');
    const reader = await instance(prefix, { subscriber });
    let reconnections = 0;
    reader.client.on('ready', () => void (reconnections += 1));
    subscriber.disconnect(false);
    await waitFor(() => subscriber.status === 'end', { timeoutMs: 2_000, what: 'the subscriber to close' });

    const writer = await instance(prefix);
    const address = '198.51.100.37';
    for (let failure = 0; failure < limit.maxFailures; failure += 1) await writer.attempts.recordFailure(address, limit);
    await waitFor(async () => (await admin.zscore(`${prefix}:key-attempts:v1:refused`, address)) !== null, {
      timeoutMs: 5_000,
      what: 'the refusal to be kept',
    });
    expect(reader.heard).toEqual([]);

    // Subscribed again while Redis holds scripts: the reading times out, unanswered.
    await admin.call('CLIENT', 'PAUSE', '10000', 'WRITE');
    await subscriber.connect();
    await waitFor(async () => Number(((await admin.call('PUBSUB', 'NUMSUB', `${prefix}:key-attempts:v1`)) as unknown[])[1]) >= 2, {
      timeoutMs: 5_000,
      what: 'the reader to subscribe again',
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(reader.heard).toEqual([]);
    // The held readings run now, their answers too late for them: another reading is needed.
    await admin.call('CLIENT', 'UNPAUSE');
    await waitFor(() => reader.heard.length > 0, { timeoutMs: 5_000, what: 'the refusal to be read back' });
    expect(reader.heard.map((refusal) => refusal.address)).toEqual([address]);
    expect(reconnections).toBe(0);
  });
});
