/**
 * RedisProviderStateSync between instances on the real Redis: messages, catching up from the keys, stale
 * and repeated updates, the probe and health-check locks, and a Redis that is not there.
 */
import { expect } from 'vitest';
import type { SharedProviderUpdate } from '../routing/provider-state-sync.js';
import { createRedisClient } from './create-redis-client.js';
import { ManualClock } from '../resilience/manual-clock.js';
import { createRedisSharedState, type RedisSharedState, type RedisSharedStateOptions } from './create-redis-shared-state.js';
import { RedisProviderStateSync } from './redis-provider-state-sync.js';
import { redisTestGate, testRedisUrl, uniquePrefix, waitFor, waitUntilReady } from './redis-test-gate.test-support.js';
import { useSharedStateInstances } from './shared-state-instances.test-support.js';
import { encodeStateEnvelope, type EnvelopeUpdate } from './state-envelope.js';

const redis = await redisTestGate();
let prefix: string;
const testRedis = useSharedStateInstances(redis, () => prefix);

/** An instance on this test's prefix, connected and subscribed. */
const instance = (options: Partial<RedisSharedStateOptions> = {}): Promise<RedisSharedState> => testRedis.open(options);

async function waitForSubscribers(count: number): Promise<void> {
  await waitFor(
    async () => {
      const [, subscribers] = (await testRedis.client.pubsub('NUMSUB', `${prefix}:state:v1`)) as [string, number];
      return subscribers >= count;
    },
    { timeoutMs: 5_000, what: `${count} subscribers` },
  );
}

function collect(shared: RedisSharedState): SharedProviderUpdate[] {
  const received: SharedProviderUpdate[] = [];
  shared.stateSync.subscribe((update) => received.push(update));
  return received;
}

const nowMs = (): number => Date.now();
function openState(openedAtMs: number): EnvelopeUpdate {
  return { kind: 'breaker', providerId: 'groq', state: { name: 'open', openedAtMs, reopenCount: 0, halfOpenAfterMs: openedAtMs + 5_000 } };
}

/**
 * `expected` as a reader sees it: every time moved alike, by `shiftMs`. A reader takes a state's times to its own
 * clock through Redis's (see redis-clock.ts): read from a key, a state has aged by the time since its write.
 */
function shifted(expected: SharedProviderUpdate, shiftMs: number): SharedProviderUpdate {
  if (expected.kind === 'cooldown') return { ...expected, cooldown: { ...expected.cooldown, untilMs: expected.cooldown.untilMs + shiftMs } };
  if (expected.kind !== 'breaker' || expected.state.name !== 'open') return expected;
  const { state } = expected;
  return { ...expected, state: { ...state, openedAtMs: state.openedAtMs + shiftMs, halfOpenAfterMs: state.halfOpenAfterMs + shiftMs } };
}

/** By how much `actual`'s times moved from `expected`'s; undefined unless they all moved alike and nothing else changed. */
function shiftOf(actual: SharedProviderUpdate | undefined, expected: SharedProviderUpdate): number | undefined {
  const first = (update: SharedProviderUpdate | undefined): number | undefined =>
    update?.kind === 'cooldown' ? update.cooldown.untilMs : update?.kind === 'breaker' && update.state.name === 'open' ? update.state.openedAtMs : 0;
  const shiftMs = (first(actual) ?? Number.NaN) - (first(expected) ?? Number.NaN);
  return JSON.stringify(actual) === JSON.stringify(shifted(expected, shiftMs)) ? shiftMs : undefined;
}

redis.describe('RedisProviderStateSync', () => {

  redis.it('publishes to the others at once, never to itself, and keeps the state in a key with a TTL', async () => {
    prefix = uniquePrefix();
    // One clock for both, standing still: a message, heard as it is written, reaches B with its times as A wrote them.
    const clock = new ManualClock(nowMs());
    const a = await instance({ resyncIntervalMs: 60_000, clock });
    const b = await instance({ resyncIntervalMs: 60_000, clock });
    await waitForSubscribers(2);
    const toA = collect(a);
    const toB = collect(b);
    const update = openState(clock.now());
    a.stateSync.publish(update);
    await waitFor(() => toB.length === 1, { timeoutMs: 2_000, what: 'B to hear A' });
    expect(toB).toEqual([update]);
    expect(toA).toEqual([]);
    const stored = JSON.parse((await testRedis.client.get(`${prefix}:state:v1:{${prefix}}:breaker:groq`)) ?? 'null');
    expect(stored).toMatchObject({ v: 2, instanceId: a.instanceId, update, redisClock: { offsetMs: expect.any(Number) } });
    // The open period (5 s) plus ten minutes.
    expect(await testRedis.client.pttl(`${prefix}:state:v1:{${prefix}}:breaker:groq`)).toBeGreaterThan(10 * 60_000);
  });

  redis.it('lets an instance that starts later catch up from the keys', async () => {
    prefix = uniquePrefix();
    const a = await instance();
    const update = openState(nowMs());
    const cooldown: SharedProviderUpdate = { kind: 'cooldown', providerId: 'openai', cooldown: { untilMs: nowMs() + 30_000, reason: 'rate_limit' } };
    a.stateSync.publish(update);
    a.stateSync.publish(cooldown);
    await waitFor(async () => (await testRedis.client.exists(`${prefix}:state:v1:{${prefix}}:cooldown:openai`)) === 1, { timeoutMs: 2_000, what: 'the keys' });
    // Its clock stands still where A's read: what it reads has aged by the real time since it was written, no more.
    const late = createRedisSharedState({ url: testRedisUrl, prefix, operationTimeoutMs: 1_000, resyncIntervalMs: 60_000, clock: new ManualClock(nowMs()) });
    testRedis.closeAfterTest(late);
    const received = collect(late);
    await waitFor(() => received.length === 2, { timeoutMs: 5_000, what: 'the late instance to catch up' });
    for (const expected of [update, cooldown]) {
      const shiftMs = shiftOf(received.find((update) => update.kind === expected.kind), expected);
      expect(shiftMs, JSON.stringify({ received, expected })).toBeLessThanOrEqual(0);
      expect(shiftMs).toBeGreaterThan(-2_000);
    }
  });

  redis.it('picks up a state whose message was lost at the next resync, once, and drops an older breaker state', async () => {
    prefix = uniquePrefix();
    const b = await instance({ resyncIntervalMs: 100 });
    const received = collect(b);
    // Envelopes as the write script stamps them, for publishers whose clocks agree with Redis's (this machine's).
    const stamped = (instanceId: string, publishedAtMs: number, update: EnvelopeUpdate): string =>
      encodeStateEnvelope({ instanceId, publishedAtMs, update, redisClock: { writtenAtMs: nowMs(), offsetMs: 0 } });
    const newer = openState(nowMs());
    // Another instance's state that reached the key but not the channel.
    await testRedis.client.set(`${prefix}:state:v1:{${prefix}}:breaker:groq`, stamped('c', nowMs(), newer), 'PX', 60_000);
    await waitFor(() => received.length === 1, { timeoutMs: 2_000, what: 'the resync' });
    // Read on B's clock, which is this machine's too: the times as written, give or take the clocks' rounding.
    expect(Math.abs(shiftOf(received[0], newer) ?? Number.NaN)).toBeLessThan(1_000);
    // Several resyncs later, nothing was applied twice.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(received).toHaveLength(1);
    // A state published earlier than the one in force arrives late: dropped.
    const older = openState(nowMs() - 60_000);
    await testRedis.client.publish(`${prefix}:state:v1`, stamped('d', nowMs() - 60_000, older));
    await testRedis.client.publish(`${prefix}:state:v1`, 'not an envelope');
    // The layout of another version, and a state whose times were never placed on Redis's clock: ignored.
    await testRedis.client.publish(`${prefix}:state:v1`, JSON.stringify({ v: 1, instanceId: 'e', publishedAtMs: nowMs() + 1, update: newer }));
    await testRedis.client.publish(`${prefix}:state:v1`, encodeStateEnvelope({ instanceId: 'e', publishedAtMs: nowMs() + 1, update: newer }));
    const later = openState(nowMs() + 1);
    await testRedis.client.publish(`${prefix}:state:v1`, stamped('d', nowMs() + 1, later));
    await waitFor(() => received.length === 2, { timeoutMs: 2_000, what: 'the newer state' });
    expect(Math.abs(shiftOf(received[1], later) ?? Number.NaN)).toBeLessThan(1_000);
  });

  redis.it('keeps the longer cooldown in the key when a shorter one follows', async () => {
    prefix = uniquePrefix();
    const a = await instance();
    // A cooldown is published after its write, whether or not it stayed in the key: both heard, both written.
    const listener = createRedisClient({ url: testRedisUrl, role: 'subscriber' });
    testRedis.closeAfterTest({ close: async () => listener.disconnect(false) });
    const published: string[] = [];
    listener.on('message', (_channel: string, text: string) => published.push(text));
    await waitUntilReady(listener);
    await listener.subscribe(`${prefix}:state:v1`);
    const long = { untilMs: nowMs() + 600_000, reason: 'quota_exhausted' as const };
    a.stateSync.publish({ kind: 'cooldown', providerId: 'openai', cooldown: long });
    a.stateSync.publish({ kind: 'cooldown', providerId: 'openai', cooldown: { untilMs: nowMs() + 2_000, reason: 'rate_limit' } });
    await waitFor(() => published.length === 2, { timeoutMs: 5_000, what: 'both cooldowns to be written and published' });
    const stored = JSON.parse((await testRedis.client.get(`${prefix}:state:v1:{${prefix}}:cooldown:openai`)) ?? 'null');
    expect(stored.update.cooldown).toEqual(long);
    expect(await testRedis.client.pttl(`${prefix}:state:v1:{${prefix}}:cooldown:openai`)).toBeGreaterThan(590_000);
  });

  redis.it('grants the probe of one open period to one instance only; a new opening has a new lock', async () => {
    prefix = uniquePrefix();
    const a = await instance();
    const b = await instance();
    const openedAtMs = nowMs();
    a.stateSync.publish(openState(openedAtMs));
    const atB = collect(b);
    await waitFor(() => atB.length === 1, { timeoutMs: 2_000, what: 'B to see the opening' });
    const grants = await Promise.all([a.stateSync.acquireProbe('groq', 30_000), b.stateSync.acquireProbe('groq', 30_000)]);
    expect(grants.filter(Boolean)).toHaveLength(1);
    expect(await a.stateSync.acquireProbe('groq', 30_000)).toBe(false);
    expect(await testRedis.client.pttl(`${prefix}:state:v1:{${prefix}}:probe:groq:${openedAtMs}`)).toBeGreaterThan(25_000);
    b.stateSync.publish(openState(openedAtMs + 7_000));
    await waitFor(async () => a.stateSync.acquireProbe('groq', 30_000), { timeoutMs: 2_000, what: 'the new lock' });
  });

  redis.it('gives the health-check turn to one instance until it expires', async () => {
    prefix = uniquePrefix();
    const a = await instance();
    const b = await instance();
    const turns = await Promise.all([a.stateSync.acquireHealthCheckTurn(300), b.stateSync.acquireHealthCheckTurn(300)]);
    expect(turns.filter(Boolean)).toHaveLength(1);
    await waitFor(() => b.stateSync.acquireHealthCheckTurn(300), { timeoutMs: 2_000, what: 'the turn to expire' });
  });

  /**
   * Instance A on connections of the test's own, which it drops and opens again: a network cut between A
   * and Redis, while B goes on writing. Both read one manual clock, so which state is newer is certain.
   */
  async function instanceThatDisconnects(clock: ManualClock) {
    const connections = [
      createRedisClient({ url: testRedisUrl, role: 'commands', commandTimeoutMs: 1_000 }),
      createRedisClient({ url: testRedisUrl, role: 'subscriber' }),
    ] as const;
    const [commands, subscriber] = connections;
    const sync = new RedisProviderStateSync({ client: commands, subscriber, prefix, clock, operationTimeoutMs: 1_000, resyncIntervalMs: 60_000 });
    const received: SharedProviderUpdate[] = [];
    sync.subscribe((update) => received.push(update));
    await Promise.all(connections.map((connection) => waitUntilReady(connection)));
    const close = async (): Promise<void> => {
      sync.close();
      for (const connection of connections) connection.disconnect(false);
    };
    testRedis.closeAfterTest({ close });
    return {
      sync,
      received,
      drop: async () => {
        for (const connection of connections) connection.disconnect(false);
        await waitFor(() => connections.every((connection) => connection.status === 'end'), { timeoutMs: 2_000, what: 'A to be cut off' });
      },
      /** Connect again; resolves once a command sent after the reconnection's own writes has come back. */
      reconnect: async () => {
        for (const connection of connections) void connection.connect().catch(() => undefined);
        await Promise.all(connections.map((connection) => waitUntilReady(connection)));
        await commands.ping();
      },
    };
  }

  redis.it('does not write its stale circuit over a newer one another instance wrote while it was cut off', async () => {
    prefix = uniquePrefix();
    const clock = new ManualClock(nowMs());
    const a = await instanceThatDisconnects(clock);
    const b = await instance({ clock, resyncIntervalMs: 60_000 });
    await waitForSubscribers(2);
    const toB = collect(b);
    const opening = openState(clock.now());
    a.sync.publish(opening);
    await waitFor(() => toB.length === 1, { timeoutMs: 2_000, what: 'B to hear of the opening' });

    await a.drop();
    clock.advance(6_000);
    // B probes and closes the circuit while A cannot hear it.
    const closing: SharedProviderUpdate = { kind: 'breaker', providerId: 'groq', state: { name: 'closed' } };
    b.stateSync.publish(closing);
    const key = `${prefix}:state:v1:{${prefix}}:breaker:groq`;
    await waitFor(async () => JSON.parse((await testRedis.client.get(key)) ?? 'null')?.instanceId === b.instanceId, { timeoutMs: 2_000, what: "B's state in the key" });

    await a.reconnect();
    expect(JSON.parse((await testRedis.client.get(key)) ?? 'null')).toMatchObject({ instanceId: b.instanceId, update: closing });
    // A catches up with the newer state instead of keeping its own, and tells B nothing stale.
    await waitFor(() => a.received.length === 1, { timeoutMs: 2_000, what: 'A to read the newer state' });
    expect(a.received).toEqual([closing]);
    expect(toB).toEqual([opening]);
  });

  redis.it('does not write its stale circuit over a newer one after an outage, even with a clock minutes ahead', async () => {
    prefix = uniquePrefix();
    // A's clock runs five minutes ahead: by the publishers' clocks, its opening would look newer than B's closing.
    const clocks = { a: new ManualClock(nowMs() + 5 * 60_000), b: new ManualClock(nowMs()) };
    const a = await instanceThatDisconnects(clocks.a);
    const b = await instance({ clock: clocks.b, resyncIntervalMs: 60_000 });
    await waitForSubscribers(2);
    const toB = collect(b);
    a.sync.publish(openState(clocks.a.now()));
    await waitFor(() => toB.length === 1, { timeoutMs: 2_000, what: 'B to hear of the opening' });

    await a.drop();
    // Six seconds pass on both clocks: A's opening is six seconds old when A writes it again.
    for (const clock of [clocks.a, clocks.b]) clock.advance(6_000);
    const closing: SharedProviderUpdate = { kind: 'breaker', providerId: 'groq', state: { name: 'closed' } };
    b.stateSync.publish(closing);
    const key = `${prefix}:state:v1:{${prefix}}:breaker:groq`;
    await waitFor(async () => JSON.parse((await testRedis.client.get(key)) ?? 'null')?.instanceId === b.instanceId, { timeoutMs: 2_000, what: "B's state in the key" });

    await a.reconnect();
    expect(JSON.parse((await testRedis.client.get(key)) ?? 'null')).toMatchObject({ instanceId: b.instanceId, update: closing });
    await waitFor(() => a.received.length === 1, { timeoutMs: 2_000, what: 'A to take the newer state' });
    expect(a.received).toEqual([closing]);
    expect(toB).toHaveLength(1);
  });

  redis.it('does not shorten a cooldown another instance lengthened while it was cut off', async () => {
    prefix = uniquePrefix();
    const clock = new ManualClock(nowMs());
    const a = await instanceThatDisconnects(clock);
    const b = await instance({ clock, resyncIntervalMs: 60_000 });
    await waitForSubscribers(2);
    a.sync.publish({ kind: 'cooldown', providerId: 'openai', cooldown: { untilMs: clock.now() + 30_000, reason: 'rate_limit' } });
    const key = `${prefix}:state:v1:{${prefix}}:cooldown:openai`;
    await waitFor(async () => (await testRedis.client.exists(key)) === 1, { timeoutMs: 2_000, what: "A's cooldown in the key" });

    await a.drop();
    const long = { untilMs: clock.now() + 600_000, reason: 'quota_exhausted' as const };
    b.stateSync.publish({ kind: 'cooldown', providerId: 'openai', cooldown: long });
    await waitFor(async () => JSON.parse((await testRedis.client.get(key)) ?? 'null')?.instanceId === b.instanceId, { timeoutMs: 2_000, what: "B's cooldown in the key" });

    await a.reconnect();
    expect(JSON.parse((await testRedis.client.get(key)) ?? 'null').update.cooldown).toEqual(long);
    expect(await testRedis.client.pttl(key)).toBeGreaterThan(590_000);
  });

  redis.it('with no Redis there: publishing does nothing and throws nothing, and every lock says yes', async () => {
    prefix = uniquePrefix();
    const absent = createRedisSharedState({ url: 'redis://127.0.0.1:1', prefix, maxReconnectDelayMs: 100 });
    testRedis.closeAfterTest(absent);
    expect(() => absent.stateSync.publish(openState(nowMs()))).not.toThrow();
    expect(await absent.stateSync.acquireProbe('groq', 1_000)).toBe(true);
    expect(await absent.stateSync.acquireHealthCheckTurn(1_000)).toBe(true);
    expect(absent.isReady()).toBe(false);
  });
});
