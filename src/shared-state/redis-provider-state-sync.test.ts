/**
 * RedisProviderStateSync between instances on the real Redis: messages, catching up from the keys, stale
 * and repeated updates, the probe and health-check locks, and a Redis that is not there.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { SharedProviderUpdate } from '../routing/provider-state-sync.js';
import { createRedisClient, type RedisConnection } from './create-redis-client.js';
import { createRedisSharedState, type RedisSharedState, type RedisSharedStateOptions } from './create-redis-shared-state.js';
import { deleteKeysUnder, redisTestGate, testRedisUrl, uniquePrefix, waitFor, waitUntilReady } from './redis-test-gate.test-support.js';
import { encodeStateEnvelope } from './state-envelope.js';

const redis = await redisTestGate();
let client: RedisConnection;
let prefix: string;
let opened: RedisSharedState[] = [];

beforeAll(async () => {
  if (redis.skip) return;
  client = createRedisClient({ url: testRedisUrl, role: 'commands', commandTimeoutMs: 2_000 });
  await waitUntilReady(client);
});
afterEach(async () => {
  await Promise.all(opened.map((shared) => shared.close()));
  opened = [];
  if (client && prefix) await deleteKeysUnder(client, prefix);
});
afterAll(() => client?.disconnect(false));

/** An instance on this test's prefix, connected and subscribed. */
async function instance(options: Partial<RedisSharedStateOptions> = {}): Promise<RedisSharedState> {
  const shared = createRedisSharedState({ url: testRedisUrl, prefix, operationTimeoutMs: 1_000, ...options });
  opened.push(shared);
  await waitFor(() => shared.isReady(), { timeoutMs: 5_000, what: 'the shared state to connect' });
  return shared;
}

async function waitForSubscribers(count: number): Promise<void> {
  await waitFor(
    async () => {
      const [, subscribers] = (await client.pubsub('NUMSUB', `${prefix}:state:v1`)) as [string, number];
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
function openState(openedAtMs: number): SharedProviderUpdate {
  return { kind: 'breaker', providerId: 'groq', state: { name: 'open', openedAtMs, reopenCount: 0, halfOpenAfterMs: openedAtMs + 5_000 } };
}

redis.describe('RedisProviderStateSync', () => {

  redis.it('publishes to the others at once, never to itself, and keeps the state in a key with a TTL', async () => {
    prefix = uniquePrefix();
    const a = await instance({ resyncIntervalMs: 60_000 });
    const b = await instance({ resyncIntervalMs: 60_000 });
    await waitForSubscribers(2);
    const toA = collect(a);
    const toB = collect(b);
    const update = openState(nowMs());
    a.stateSync.publish(update);
    await waitFor(() => toB.length === 1, { timeoutMs: 2_000, what: 'B to hear A' });
    expect(toB).toEqual([update]);
    expect(toA).toEqual([]);
    const stored = JSON.parse((await client.get(`${prefix}:state:v1:{${prefix}}:breaker:groq`)) ?? 'null');
    expect(stored).toMatchObject({ v: 1, instanceId: a.instanceId, update });
    // The open period (5 s) plus ten minutes.
    expect(await client.pttl(`${prefix}:state:v1:{${prefix}}:breaker:groq`)).toBeGreaterThan(10 * 60_000);
  });

  redis.it('lets an instance that starts later catch up from the keys', async () => {
    prefix = uniquePrefix();
    const a = await instance();
    const update = openState(nowMs());
    const cooldown: SharedProviderUpdate = { kind: 'cooldown', providerId: 'openai', cooldown: { untilMs: nowMs() + 30_000, reason: 'rate_limit' } };
    a.stateSync.publish(update);
    a.stateSync.publish(cooldown);
    await waitFor(async () => (await client.exists(`${prefix}:state:v1:{${prefix}}:cooldown:openai`)) === 1, { timeoutMs: 2_000, what: 'the keys' });
    const late = createRedisSharedState({ url: testRedisUrl, prefix, operationTimeoutMs: 1_000, resyncIntervalMs: 60_000 });
    opened.push(late);
    const received = collect(late);
    await waitFor(() => received.length === 2, { timeoutMs: 5_000, what: 'the late instance to catch up' });
    expect(received).toEqual(expect.arrayContaining([update, cooldown]));
  });

  redis.it('picks up a state whose message was lost at the next resync, once, and drops an older breaker state', async () => {
    prefix = uniquePrefix();
    const b = await instance({ resyncIntervalMs: 100 });
    const received = collect(b);
    const newer = openState(nowMs());
    // Another instance's state that reached the key but not the channel.
    await client.set(`${prefix}:state:v1:{${prefix}}:breaker:groq`, encodeStateEnvelope({ instanceId: 'c', publishedAtMs: nowMs(), update: newer }), 'PX', 60_000);
    await waitFor(() => received.length === 1, { timeoutMs: 2_000, what: 'the resync' });
    expect(received).toEqual([newer]);
    // Several resyncs later, nothing was applied twice.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(received).toHaveLength(1);
    // A state published earlier than the one in force arrives late: dropped.
    const older = openState(nowMs() - 60_000);
    await client.publish(`${prefix}:state:v1`, encodeStateEnvelope({ instanceId: 'd', publishedAtMs: nowMs() - 60_000, update: older }));
    await client.publish(`${prefix}:state:v1`, 'not an envelope');
    await client.publish(`${prefix}:state:v1`, JSON.stringify({ v: 2, instanceId: 'e', publishedAtMs: nowMs(), update: newer }));
    const later = openState(nowMs() + 1);
    await client.publish(`${prefix}:state:v1`, encodeStateEnvelope({ instanceId: 'd', publishedAtMs: nowMs() + 1, update: later }));
    await waitFor(() => received.length === 2, { timeoutMs: 2_000, what: 'the newer state' });
    expect(received).toEqual([newer, later]);
  });

  redis.it('keeps the longer cooldown in the key when a shorter one follows', async () => {
    prefix = uniquePrefix();
    const a = await instance();
    const long = { untilMs: nowMs() + 600_000, reason: 'quota_exhausted' as const };
    a.stateSync.publish({ kind: 'cooldown', providerId: 'openai', cooldown: long });
    a.stateSync.publish({ kind: 'cooldown', providerId: 'openai', cooldown: { untilMs: nowMs() + 2_000, reason: 'rate_limit' } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stored = JSON.parse((await client.get(`${prefix}:state:v1:{${prefix}}:cooldown:openai`)) ?? 'null');
    expect(stored.update.cooldown).toEqual(long);
    expect(await client.pttl(`${prefix}:state:v1:{${prefix}}:cooldown:openai`)).toBeGreaterThan(590_000);
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
    expect(await client.pttl(`${prefix}:state:v1:{${prefix}}:probe:groq:${openedAtMs}`)).toBeGreaterThan(25_000);
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

  redis.it('with no Redis there: publishing does nothing and throws nothing, and every lock says yes', async () => {
    prefix = uniquePrefix();
    const absent = createRedisSharedState({ url: 'redis://127.0.0.1:1', prefix, maxReconnectDelayMs: 100 });
    opened.push(absent);
    expect(() => absent.stateSync.publish(openState(nowMs()))).not.toThrow();
    expect(await absent.stateSync.acquireProbe('groq', 1_000)).toBe(true);
    expect(await absent.stateSync.acquireHealthCheckTurn(1_000)).toBe(true);
    expect(absent.isReady()).toBe(false);
  });
});
