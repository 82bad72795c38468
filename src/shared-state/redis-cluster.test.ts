/**
 * The shared state on a real Redis Cluster of the test's own (three masters): cache entries spread over
 * the nodes and cleared on every one, and from every instance's in-process level; provider state heard at once, and read back by a later instance
 * in one MGET, which works only because every state key of a prefix shares one hash tag; failed key attempts
 * counted once, their refusal heard through another node and read back by a later instance; and a missing model,
 * marked by a script that publishes, heard through another node and read back. A count whose answer was lost with
 * its node's connection: redis-cluster-counts-once.test.ts.
 */
import { cachedContent } from '../cache/cached-content.test-support.js';
import { spawnSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Clock } from '../clock.js';
import { ManualClock } from '../resilience/manual-clock.js';
import type { SharedProviderUpdate } from '../routing/provider-state-sync.js';
import { createRedisSharedState, type RedisSharedState } from './create-redis-shared-state.js';
import { PrivateRedisCluster, redisTestGate, uniquePrefix, waitFor } from './redis-test-gate.test-support.js';
import { sharedStateKeys } from './shared-state-keys.js';

const redis = await redisTestGate({ needsRedisServerBinary: true });
let cluster: PrivateRedisCluster;
let opened: RedisSharedState[] = [];

beforeAll(async () => {
  if (redis.skip) return;
  cluster = await PrivateRedisCluster.start();
}, 60_000);
afterEach(async () => {
  await Promise.all(opened.map((shared) => shared.close()));
  opened = [];
});
afterAll(async () => cluster?.stop());

/** An instance told of one node of the cluster only, connected and subscribed. */
async function instance(prefix: string, node: number, clock?: Clock): Promise<RedisSharedState> {
  const shared = createRedisSharedState({ clusterNodes: [cluster.nodeUrls[node]!], prefix, operationTimeoutMs: 1_000, resyncIntervalMs: 60_000, ...(clock ? { clock } : {}) });
  opened.push(shared);
  await waitFor(() => shared.isReady(), { timeoutMs: 10_000, what: 'the shared state to connect to the cluster' });
  return shared;
}

function collect(shared: RedisSharedState): SharedProviderUpdate[] {
  const received: SharedProviderUpdate[] = [];
  shared.stateSync.subscribe((update) => received.push(update));
  return received;
}

function keySlot(key: string): number {
  return Number(spawnSync('redis-cli', ['-p', String(cluster.ports[0]), 'CLUSTER', 'KEYSLOT', key], { encoding: 'utf8' }).stdout.trim());
}

const cached = (content: string) => ({
  provider: 'groq',
  storedAtMs: Date.now(),
  response: { content, toolCalls: [], finishReason: 'stop' as const, model: 'llama-3.1-8b-instant' },
});

redis.describe('shared state on a Redis Cluster', () => {
  redis.it('shares cache entries between instances, spread over every node, and clears them on every node', async () => {
    const prefix = uniquePrefix();
    const a = await instance(prefix, 0);
    const b = await instance(prefix, 1);
    const keys = Array.from({ length: 30 }, (_, index) => `bm:v1:default:key-${index}`);
    await Promise.all(keys.map((key) => a.cacheBackend.set(key, cached(`answer ${key}`), 60)));
    for (const key of keys) expect(cachedContent(await b.cacheBackend.get(key))).toBe(`answer ${key}`);
    expect(cluster.keysPerNode().every((count) => count > 0)).toBe(true);

    await a.cacheBackend.clear();
    expect(cluster.keysPerNode()).toEqual([0, 0, 0]);
    // B read every entry into its in-process level: A's clear reaches it across the cluster too.
    await waitFor(async () => (await b.cacheBackend.get(keys[0]!)) === undefined, { timeoutMs: 5_000, what: "B's in-process level to empty" });
    for (const key of keys) expect(await b.cacheBackend.get(key)).toBeUndefined();
  });

  redis.it('shares a missing model: heard at once through another node, and read back by a later instance', async () => {
    const prefix = uniquePrefix();
    const clock = new ManualClock(Date.now());
    const a = await instance(prefix, 0, clock);
    const b = await instance(prefix, 2, clock);
    const toB = collect(b);
    const mark = { kind: 'model-missing', providerId: 'google', model: 'gemini-1.5-flash', sinceMs: clock.now(), untilMs: clock.now() + 60_000 } as const;
    // B may subscribe a moment after it is ready: publish until it hears the mark, its times as written. (As it
    // subscribes it also reads the marks back, and one written by then it is told as read: what remains of it
    // from the reading on. Under load that reading could come first, so the first update is not the one heard.)
    const heard = (): boolean => toB.some((update) => isDeepStrictEqual(update, mark));
    await waitFor(() => {
      if (!heard()) a.stateSync.publish(mark);
      return heard();
    }, { timeoutMs: 5_000, what: "B to hear A's mark" });
    // Whichever way it was told, it was told this mark, ending no later than A said.
    for (const update of toB) expect(update).toMatchObject({ kind: 'model-missing', providerId: mark.providerId, model: mark.model });
    expect(Math.max(...toB.map((update) => (update.kind === 'model-missing' ? update.untilMs : Number.POSITIVE_INFINITY)))).toBe(mark.untilMs);

    const late = await instance(prefix, 1);
    const toLate = collect(late);
    await late.stateSync.resyncNow();
    // Read as it connected too, perhaps: the same mark, whichever read told it.
    expect(new Set(toLate.map((update) => update.kind === 'model-missing' && update.model))).toEqual(new Set([mark.model]));
  });

  redis.it('sends provider state to the others at once, and a later instance reads it all back from the keys', async () => {
    const prefix = uniquePrefix();
    // One clock for all, standing still: B hears A's times as written; the late instance, aged by the real time since.
    const clock = new ManualClock(Date.now());
    const a = await instance(prefix, 0, clock);
    const b = await instance(prefix, 2, clock);
    const toB = collect(b);
    const nowMs = clock.now();
    const breaker: SharedProviderUpdate = {
      kind: 'breaker',
      providerId: 'groq',
      state: { name: 'open', openedAtMs: nowMs, reopenCount: 0, halfOpenAfterMs: nowMs + 5_000 },
    };
    const cooldown: SharedProviderUpdate = { kind: 'cooldown', providerId: 'openai', cooldown: { untilMs: nowMs + 30_000, reason: 'rate_limit' } };
    // B subscribed through another node than A publishes on: the cluster carries the message across.
    await waitFor(
      async () => {
        a.stateSync.publish(breaker);
        await new Promise((resolve) => setTimeout(resolve, 50));
        return toB.length > 0;
      },
      { timeoutMs: 5_000, what: 'B to hear A' },
    );
    // Heard as published; or, when B's first read of the keys found the write before its subscription heard a
    // message, aged by the real time between the write and that read (B's clock stands still): never stretched.
    const heard = toB[0];
    expect(heard).toMatchObject({ kind: 'breaker', providerId: 'groq', state: { name: 'open', reopenCount: 0 } });
    if (heard?.kind !== 'breaker' || heard.state.name !== 'open') throw new Error('B heard no open circuit');
    expect(heard.state.halfOpenAfterMs - heard.state.openedAtMs).toBe(5_000);
    expect(heard.state.openedAtMs).toBeLessThanOrEqual(nowMs);
    expect(heard.state.openedAtMs).toBeGreaterThan(nowMs - 5_000);
    a.stateSync.publish(cooldown);

    const keys = sharedStateKeys(prefix);
    expect(keySlot(keys.breaker('groq'))).toBe(keySlot(keys.cooldown('openai')));
    // Listening from the start: what the first read of the keys finds is told once.
    const late = createRedisSharedState({ clusterNodes: [cluster.nodeUrls[1]!], prefix, operationTimeoutMs: 1_000, resyncIntervalMs: 60_000, clock });
    opened.push(late);
    const received = collect(late);
    await waitFor(() => received.some((update) => update.kind === 'cooldown') && received.some((update) => update.kind === 'breaker'), {
      timeoutMs: 5_000,
      what: 'the late instance to read the keys back',
    });
    const readBreaker = received.find((update) => update.kind === 'breaker');
    const readCooldown = received.find((update) => update.kind === 'cooldown');
    expect(readBreaker).toMatchObject({ providerId: 'groq', state: { name: 'open', reopenCount: 0 } });
    expect(readCooldown).toMatchObject({ providerId: 'openai', cooldown: { reason: 'rate_limit' } });
    if (readBreaker?.state.name !== 'open' || readCooldown?.kind !== 'cooldown') throw new Error('not read back');
    // Aged by the real time since the writes (TIME read with the keys, on the keys' node), never stretched.
    expect(readBreaker.state.halfOpenAfterMs - readBreaker.state.openedAtMs).toBe(5_000);
    for (const [read, written] of [[readBreaker.state.halfOpenAfterMs, nowMs + 5_000], [readCooldown.cooldown.untilMs, nowMs + 30_000]]) {
      expect(read).toBeLessThanOrEqual(written!);
      expect(read).toBeGreaterThan(written! - 5_000);
    }
  });

  redis.it('counts failed key attempts once for the instances, and tells a refusal across the nodes', async () => {
    const prefix = uniquePrefix();
    const a = await instance(prefix, 0);
    const b = await instance(prefix, 2);
    const heard: string[] = [];
    b.failedKeyAttempts.onRefusal((refusal) => heard.push(refusal.address));
    const limit = { maxFailures: 2, windowMs: 60_000 };
    expect(await a.failedKeyAttempts.recordFailure('2001:db8::/64', limit)).toMatchObject({ failures: 1 });
    expect(await b.failedKeyAttempts.recordFailure('2001:db8::/64', limit)).toMatchObject({ failures: 2 });
    // Each failure from the limit on tells the refusal again: repeated until B's subscription is made.
    await waitFor(
      async () => {
        await a.failedKeyAttempts.recordFailure('2001:db8::/64', limit);
        await new Promise((resolve) => setTimeout(resolve, 50));
        return heard.length > 0;
      },
      { timeoutMs: 5_000, what: 'B to hear the refusal' },
    );
    expect(heard[0]).toBe('2001:db8::/64');
    // A later instance, told of another node, reads the refusal back from where it is kept.
    const c = await instance(prefix, 1);
    const readBack: string[] = [];
    c.failedKeyAttempts.onRefusal((refusal) => readBack.push(refusal.address));
    await waitFor(() => readBack.length > 0, { timeoutMs: 5_000, what: 'C to read the refusal back' });
    expect(readBack[0]).toBe('2001:db8::/64');
  });

  redis.it('never fails or holds up a call when a node dies: what lived there is a miss, the rest still shared', async () => {
    // Last: it kills a node of the cluster the other tests use.
    const prefix = uniquePrefix();
    const a = await instance(prefix, 0);
    const keys = Array.from({ length: 30 }, (_, index) => `bm:v1:default:outage-${index}`);
    await Promise.all(keys.map((key) => a.cacheBackend.set(key, cached(`answer ${key}`), 60)));
    await cluster.killNode(2);
    const b = createRedisSharedState({ clusterNodes: [cluster.nodeUrls[0]!], prefix, operationTimeoutMs: 200, resyncIntervalMs: 60_000 });
    opened.push(b);
    await waitFor(() => b.isReady(), { timeoutMs: 10_000, what: 'the shared state to reach the living nodes' });
    const started = Date.now();
    const found = await Promise.all(keys.map((key) => b.cacheBackend.get(key)));
    expect(Date.now() - started).toBeLessThan(2_000);
    const hits = found.filter((entry) => entry !== undefined).length;
    expect(hits).toBeGreaterThan(0);
    expect(hits).toBeLessThan(keys.length);
    await expect(b.cacheBackend.set('bm:v1:default:after', cached('after'), 60)).resolves.toBeUndefined();
    expect(() => b.stateSync.publish({ kind: 'cooldown', providerId: 'groq', cooldown: { untilMs: Date.now() + 1_000, reason: 'rate_limit' } })).not.toThrow();
  }, 30_000);
});
