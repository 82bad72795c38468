/**
 * Missing models through RedisProviderStateSync on the real Redis: the bound per provider and the keys' TTL,
 * marks and clears heard in the order Redis applied them, what is not ours ignored, and marks made while Redis
 * was away written once it is back (a private redis-server, killed and started again).
 */
import { expect } from 'vitest';
import { ManualClock } from '../resilience/manual-clock.js';
import { maxMissingModelsPerProvider } from '../routing/missing-models.js';
import type { SharedProviderUpdate } from '../routing/provider-state-sync.js';
import { createRedisClient } from './create-redis-client.js';
import type { RedisSharedState, RedisSharedStateOptions } from './create-redis-shared-state.js';
import { loadedHostRedisTimeoutMs, PrivateRedisServer, redisTestGate, uniquePrefix, waitFor, waitUntilReady } from './redis-test-gate.test-support.js';
import { useSharedStateInstances } from './shared-state-instances.test-support.js';

const redis = await redisTestGate({ needsRedisServerBinary: true });
const hourMs = 60 * 60_000;
let prefix: string;
const testRedis = useSharedStateInstances(redis, () => prefix);
const instance = (options: Partial<RedisSharedStateOptions> = {}): Promise<RedisSharedState> => testRedis.open({ resyncIntervalMs: 60_000, ...options });

async function waitForSubscribers(count: number): Promise<void> {
  await waitFor(
    async () => ((await testRedis.client.pubsub('NUMSUB', `${prefix}:missing-models:v1`)) as [string, number])[1] >= count,
    { timeoutMs: 5_000, what: `${count} subscribers` },
  );
}

/**
 * Wait until the instances are subscribed and done with the readings they make as they connect and subscribe,
 * before the test writes anything: a reading still under way when a mark is written tells it once more, as read
 * (what remains of it from the reading on), and the updates counted are not those heard. A message heard on the
 * missing-models channel says the subscriptions are made (the state channel's was asked first, on the same
 * connection), so their readings have been sent; each instance's `resyncNow()` reads after them on its commands
 * connection, which answers in order. Redis holds nothing under the prefix yet: those readings found nothing.
 */
async function waitForStartUpReadings(instances: readonly RedisSharedState[]): Promise<void> {
  await waitForSubscribers(instances.length);
  const heard = instances.map(() => false);
  const stopListening = instances.map((shared, index) =>
    shared.stateSync.subscribe((update) => {
      if (update.providerId === 'start-up-readings') heard[index] = true;
    }),
  );
  try {
    // A clear of a provider none of the tests uses, from an instance that is none of them: it changes nothing.
    const clear = JSON.stringify({ v: 1, instanceId: 'the test', providerId: 'start-up-readings', kind: 'model-found', model: null, redisNowMs: Date.now() });
    await testRedis.client.publish(`${prefix}:missing-models:v1`, clear);
    await waitFor(() => heard.every(Boolean), { timeoutMs: 5_000, what: 'every instance to hear on its subscriptions' });
  } finally {
    for (const stop of stopListening) stop();
  }
  await Promise.all(instances.map((shared) => shared.stateSync.resyncNow()));
}

function collect(shared: RedisSharedState): SharedProviderUpdate[] {
  const received: SharedProviderUpdate[] = [];
  shared.stateSync.subscribe((update) => received.push(update));
  return received;
}

const setKey = (providerId: string): string => `${prefix}:state:v1:{${prefix}}:missing-models:${providerId}`;

redis.describe('missing models shared through Redis', () => {
  redis.it('keeps at most 256 per provider in Redis, those ending last, in a key that ends with its last entry', async () => {
    prefix = uniquePrefix();
    const clock = new ManualClock(Date.now());
    const a = await instance({ clock });
    const b = await instance({ clock });
    await waitForStartUpReadings([a, b]);
    const toB = collect(b);
    const madeUp = Array.from({ length: 300 }, (_, index) => `made-up-${index}`);
    for (const model of madeUp) {
      a.stateSync.publish({ kind: 'model-missing', providerId: 'openai', model, sinceMs: clock.now(), untilMs: clock.now() + hourMs });
      // Each report a millisecond after the one before: the order decides which ones Redis keeps.
      clock.advance(1);
    }
    await waitFor(() => toB.length === madeUp.length, { timeoutMs: 5_000, what: 'B to hear every report' });

    expect(await testRedis.client.zcard(setKey('openai'))).toBe(maxMissingModelsPerProvider);
    // Those ending first went; reports within one millisecond of Redis's clock end together, and any of them may go.
    const kept = await testRedis.client.zrange(setKey('openai'), 0, -1);
    expect(kept.every((model) => madeUp.includes(model))).toBe(true);
    expect(kept).toContain('made-up-299');
    const ttlMs = await testRedis.client.pttl(setKey('openai'));
    expect(ttlMs).toBeGreaterThan(hourMs - 60_000);
    expect(ttlMs).toBeLessThanOrEqual(hourMs);
    // Heard as it was written, with what remained of it then: a full hour from B's clock now (the shared clock moved
    // on by a millisecond after the last report; Redis's clock did not count it).
    expect(toB.at(-1)).toEqual({ kind: 'model-missing', providerId: 'openai', model: 'made-up-299', sinceMs: clock.now(), untilMs: clock.now() + hourMs });
  });

  redis.it("hears marks and clears in Redis's order, never its own, and ignores what is not a missing-model message", async () => {
    prefix = uniquePrefix();
    const clock = new ManualClock(Date.now());
    const a = await instance({ clock });
    const b = await instance({ clock });
    const c = await instance({ clock });
    await waitForStartUpReadings([a, b, c]);
    const toA = collect(a);
    const toC = collect(c);
    const mark = { kind: 'model-missing', providerId: 'anthropic', model: 'claude-3-haiku-20240307', sinceMs: clock.now(), untilMs: clock.now() + hourMs } as const;
    a.stateSync.publish(mark);
    await waitFor(() => toC.length === 1, { timeoutMs: 2_000, what: "C to hear A's mark" });
    // Four changes from two instances at once: Redis applies them in some order, and C hears them in that order.
    b.stateSync.publish({ kind: 'model-found', providerId: 'anthropic', model: mark.model });
    a.stateSync.publish({ ...mark, model: 'claude-2.1' });
    b.stateSync.publish({ kind: 'model-found', providerId: 'anthropic', model: undefined });
    a.stateSync.publish({ ...mark, model: 'claude-instant-1.2' });
    for (const text of ['not json', JSON.stringify({ v: 2, instanceId: 'x', providerId: 'anthropic', kind: 'model-found', model: null, redisNowMs: 1 })]) {
      await testRedis.client.publish(`${prefix}:missing-models:v1`, text);
    }
    await waitFor(() => toC.length === 5, { timeoutMs: 2_000, what: 'C to hear the four changes' });
    const heardAtC = new Set<string>();
    for (const update of toC) {
      if (update.kind === 'model-missing') heardAtC.add(update.model);
      else if (update.kind === 'model-found' && update.model !== undefined) heardAtC.delete(update.model);
      else heardAtC.clear();
    }
    expect([...heardAtC].sort()).toEqual((await testRedis.client.zrange(setKey('anthropic'), 0, -1)).sort());
    expect(toC.filter((update) => update.kind === 'model-missing' && update.model === 'claude-2.1')).toEqual([{ ...mark, model: 'claude-2.1' }]);
    // A hears B's two clears, never its own marks.
    await waitFor(() => toA.length === 2, { timeoutMs: 2_000, what: "A to hear B's clears" });
    expect(toA).toEqual([
      { kind: 'model-found', providerId: 'anthropic', model: mark.model },
      { kind: 'model-found', providerId: 'anthropic', model: undefined },
    ]);
  });

  redis.it('reads back what it did not hear, as it connects and at each periodic resync: a mark it missed, and a clear it missed', async () => {
    prefix = uniquePrefix();
    const clock = new ManualClock(Date.now());
    const a = await instance({ clock });
    const b = await instance({ clock });
    await waitForSubscribers(2);
    const toB = collect(b);
    const mark = { kind: 'model-missing', providerId: 'google', model: 'gemini-1.5-flash', sinceMs: clock.now(), untilMs: clock.now() + hourMs } as const;
    a.stateSync.publish(mark);
    await waitFor(() => toB.length >= 1, { timeoutMs: 2_000, what: "B to hear A's mark" });
    // Read once more, so that what B hears next comes from the read below alone.
    await b.stateSync.resyncNow();
    const heardBefore = toB.length;

    // Changes whose messages B never heard (its subscriber was cut off meanwhile): that mark cleared, another made.
    await testRedis.client.zrem(setKey('google'), mark.model);
    await testRedis.client.zadd(setKey('google'), Date.now() + 10 * 60_000, 'gemini-1.0-pro');
    await b.stateSync.resyncNow();
    const read = toB.slice(heardBefore);
    expect(read).toEqual([
      { kind: 'model-missing', providerId: 'google', model: 'gemini-1.0-pro', sinceMs: clock.now(), untilMs: expect.any(Number) },
      { kind: 'model-found', providerId: 'google', model: mark.model },
    ]);
    const untilMs = (read[0] as { untilMs: number }).untilMs;
    expect(Math.abs(untilMs - (clock.now() + 10 * 60_000))).toBeLessThan(2_000);
    // Read again: the clear is not told twice.
    await b.stateSync.resyncNow();
    expect(toB.filter((update) => update.kind === 'model-found')).toHaveLength(1);

    // Without a reconnection too: the periodic resync reads the providers B knows missing models of.
    await testRedis.client.zrem(setKey('google'), 'gemini-1.0-pro');
    clock.advance(60_000);
    await waitFor(() => toB.some((update) => update.kind === 'model-found' && update.model === 'gemini-1.0-pro'), {
      timeoutMs: 2_000,
      what: 'the periodic resync to find the clear',
    });
  });

  redis.it('writes again, after a backoff and with no reconnection, a mark Redis refused', async () => {
    prefix = uniquePrefix();
    const clock = new ManualClock(Date.now());
    const a = await instance({ clock });
    const timersBefore = clock.pendingTimerCount;
    // Anything in the way of the sorted set makes Redis refuse the write (WRONGTYPE), as a full or read-only one would.
    await testRedis.client.set(setKey('groq'), 'in the way');
    a.stateSync.publish({ kind: 'model-missing', providerId: 'groq', model: 'llama3-70b-8192', sinceMs: clock.now(), untilMs: clock.now() + hourMs });
    await waitFor(() => clock.pendingTimerCount === timersBefore + 1, { timeoutMs: 2_000, what: 'a refused writing, and another planned' });
    await testRedis.client.del(setKey('groq'));
    await waitFor(
      async () => {
        await clock.advanceAsync(1_000);
        return (await testRedis.client.exists(setKey('groq'))) === 1;
      },
      { timeoutMs: 5_000, what: 'the mark written again' },
    );
    expect(await testRedis.client.zrange(setKey('groq'), 0, -1)).toEqual(['llama3-70b-8192']);
    // What remained of it, on a clock that moved a few seconds.
    const ttlMs = await testRedis.client.pttl(setKey('groq'));
    expect(ttlMs).toBeGreaterThan(hourMs - 15_000);
    expect(ttlMs).toBeLessThan(hourMs);
    await waitFor(() => clock.pendingTimerCount === timersBefore, { timeoutMs: 2_000, what: 'no more writing planned' });
  });

  redis.it('writes a mark made while Redis was away once it is back, with what remains of it; publishing never throws', async () => {
    prefix = uniquePrefix();
    const privateRedis = await PrivateRedisServer.start();
    try {
      const clock = new ManualClock(Date.now());
      const a = await instance({ url: privateRedis.url, clock, maxReconnectDelayMs: 100 });
      await privateRedis.kill();
      await waitFor(() => !a.isReady(), { timeoutMs: 5_000, what: 'A to see Redis gone' });
      expect(() =>
        a.stateSync.publish({ kind: 'model-missing', providerId: 'groq', model: 'llama3-8b-8192', sinceMs: clock.now(), untilMs: clock.now() + hourMs }),
      ).not.toThrow();
      clock.advance(10 * 60_000);

      await privateRedis.start();
      // Its commands are not what is tested: a restarted redis-server on a loaded host answered one after 2 s.
      const reader = createRedisClient({ url: privateRedis.url, role: 'commands', commandTimeoutMs: loadedHostRedisTimeoutMs });
      try {
        await waitUntilReady(reader);
        const key = setKey('groq');
        await waitFor(async () => (await reader.exists(key)) === 1, { timeoutMs: 5_000, what: "A's mark written once Redis is back" });
        expect(await reader.zrange(key, 0, -1)).toEqual(['llama3-8b-8192']);
        const ttlMs = await reader.pttl(key);
        expect(ttlMs).toBeGreaterThan(50 * 60_000 - 5_000);
        expect(ttlMs).toBeLessThanOrEqual(50 * 60_000);
      } finally {
        reader.disconnect(false);
      }
    } finally {
      await privateRedis.kill();
    }
  });
});
