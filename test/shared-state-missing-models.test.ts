/**
 * A model one instance's provider answered 404 model_not_found for is left out at every instance sharing one
 * Redis (127.0.0.1:6379, a prefix of the test's own) until the same end, and an answer from it, or its provider's
 * health check, gives it another try at every instance. Two routers, each with its own shared state and its own
 * provider test server, which replays Google's recorded 404 for the retired model (gemini-1.5-flash) and its
 * recorded success for the others. Each router's clock is injected, both set to the same moment.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { BackupModelRouter, type BackupModelRouterOptions, type RouterEvent } from '../src/index.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { createRedisClient, type RedisConnection } from '../src/shared-state/create-redis-client.js';
import { createRedisSharedState, type RedisSharedState } from '../src/shared-state/index.js';
import { deleteKeysUnder, redisTestGate, testRedisUrl, uniquePrefix, waitFor, waitUntilReady } from '../src/shared-state/redis-test-gate.test-support.js';
import { requestsFor, retireModel } from '../src/testing/missing-model.test-support.js';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/provider-test-server.js';

const redis = await redisTestGate();
const hourMs = 60 * 60_000;
const retired = { provider: 'google', model: 'gemini-1.5-flash' } as const;
const served = { provider: 'google', model: 'gemini-2.5-flash' } as const;
const retiredThenServed = [retired, served];

let servers: { a: ProviderTestServer; b: ProviderTestServer };
let client: RedisConnection;
let prefix: string;
let stopRetiring: (() => void)[] = [];
let routers: BackupModelRouter[] = [];
let sharedStates: RedisSharedState[] = [];

beforeAll(async () => {
  servers = { a: await startProviderTestServer(), b: await startProviderTestServer() };
  if (redis.skip) return;
  client = createRedisClient({ url: testRedisUrl, role: 'commands', commandTimeoutMs: 2_000 });
  await waitUntilReady(client);
});
afterAll(async () => {
  await Promise.all([servers.a.close(), servers.b.close()]);
  client?.disconnect(false);
});
beforeEach(() => {
  servers.a.reset();
  servers.b.reset();
  stopRetiring = [servers.a, servers.b].map((server) => retireModel(server, retired));
  prefix = uniquePrefix();
});
afterEach(async () => {
  for (const stop of stopRetiring) stop();
  await Promise.all(routers.map((router) => router.close()));
  await Promise.all(sharedStates.map((shared) => shared.close()));
  routers = [];
  sharedStates = [];
  if (client) await deleteKeysUnder(client, prefix);
});

/** One instance: its own shared state on the test's prefix, its own router on its own provider test server. */
async function instance(server: ProviderTestServer, options: BackupModelRouterOptions & { clock: ManualClock }): Promise<BackupModelRouter> {
  const shared = createRedisSharedState({ url: testRedisUrl, prefix, operationTimeoutMs: 500, clock: options.clock });
  sharedStates.push(shared);
  // Made at once, as `serve` does: the router hears what the shared state reads as it connects.
  const router = new BackupModelRouter({
    env: server.environment(['google']),
    stateSync: shared.stateSync,
    cacheEnabled: false,
    parallelAttempts: 1,
    ...options,
  });
  routers.push(router);
  await waitFor(() => shared.isReady(), { timeoutMs: 5_000, what: 'Redis connections' });
  return router;
}

async function waitForSubscribers(count: number): Promise<void> {
  await waitFor(
    async () => ((await client.pubsub('NUMSUB', `${prefix}:missing-models:v1`)) as [string, number])[1] >= count,
    { timeoutMs: 5_000, what: 'every instance to subscribe' },
  );
}

const missingAt = (router: BackupModelRouter) => router.getHealthStatus().google?.missingModels ?? [];

redis.describe('a model reported missing, shared through Redis', () => {
  redis.it("is left out at B, until the same end, after A's provider answered 404 for it; B asks again once it ends", async () => {
    const startMs = Date.now();
    const clocks = { a: new ManualClock(startMs), b: new ManualClock(startMs) };
    const a = await instance(servers.a, { clock: clocks.a });
    const b = await instance(servers.b, { clock: clocks.b });
    const eventsAtB: RouterEvent[] = [];
    b.onEvent((event) => eventsAtB.push(event));
    await waitForSubscribers(2);

    const first = await a.complete('hi', { route: retiredThenServed });
    expect(first.attempts.map((attempt) => [attempt.model, attempt.reason ?? attempt.outcome])).toEqual([[retired.model, 'model_not_found'], [served.model, 'success']]);
    await waitFor(() => missingAt(b).length === 1, { timeoutMs: 2_000, what: 'B to hear of the missing model' });
    // Only durations cross between instances, through Redis's clock: both clocks standing at one moment, the same end.
    expect(missingAt(b)).toEqual([{ model: retired.model, sinceMs: startMs, untilMs: startMs + hourMs }]);
    expect(eventsAtB).toContainEqual({ type: 'model-missing', provider: 'google', model: retired.model, untilMs: startMs + hourMs });

    const atB = await b.complete('hi', { route: retiredThenServed });
    expect(atB.attempts.map((attempt) => [attempt.model, attempt.outcome])).toEqual([[retired.model, 'skipped'], [served.model, 'success']]);
    expect(requestsFor(servers.b, retired)).toHaveLength(0);

    // The entry in Redis ends with the period: a key with a TTL, not kept for ever.
    const ttlMs = await client.pttl(`${prefix}:state:v1:{${prefix}}:missing-models:google`);
    expect(ttlMs).toBeGreaterThan(hourMs - 60_000);
    expect(ttlMs).toBeLessThanOrEqual(hourMs);

    clocks.b.advance(hourMs);
    await b.complete('hi', { route: retiredThenServed });
    expect(requestsFor(servers.b, retired)).toHaveLength(1);
  });

  redis.it("is asked again at A after B's health check of the provider succeeds, and after an answer from the model at B", async () => {
    const startMs = Date.now();
    const clocks = { a: new ManualClock(startMs), b: new ManualClock(startMs) };
    const a = await instance(servers.a, { clock: clocks.a });
    const b = await instance(servers.b, { clock: clocks.b });
    await waitForSubscribers(2);

    await a.complete('hi', { route: retiredThenServed });
    await waitFor(() => missingAt(b).length === 1, { timeoutMs: 2_000, what: 'B to hear of the missing model' });
    expect(await b.healthCheck()).toMatchObject({ google: true });
    expect(missingAt(b)).toEqual([]);
    await waitFor(() => missingAt(a).length === 0, { timeoutMs: 2_000, what: "A to hear of B's health check" });
    expect(await client.exists(`${prefix}:state:v1:{${prefix}}:missing-models:google`)).toBe(0);

    // B's provider serves the model after all, slowly: B's call is in flight when A's 404 marks it missing
    // everywhere, and its answer gives the model another try everywhere.
    stopRetiring[1]?.();
    servers.b.setBehavior('google', { kind: 'success', text: 'still here', latencyMs: 1_000 });
    const inFlight = b.complete('hi', { route: [retired] });
    await waitFor(() => requestsFor(servers.b, retired).length === 1, { timeoutMs: 2_000, what: "B's call to reach its provider" });
    await a.complete('hi', { route: retiredThenServed });
    expect(requestsFor(servers.a, retired)).toHaveLength(2);
    await waitFor(() => missingAt(b).length === 1, { timeoutMs: 2_000, what: 'B to hear of the missing model again' });
    expect((await inFlight).attempts[0]).toMatchObject({ model: retired.model, outcome: 'success' });
    expect(missingAt(b)).toEqual([]);
    await waitFor(() => missingAt(a).length === 0, { timeoutMs: 2_000, what: 'A to hear that the model answered at B' });
    expect(await client.exists(`${prefix}:state:v1:{${prefix}}:missing-models:google`)).toBe(0);
  });

  redis.it('reaches an instance that starts after the 404, read back from Redis', async () => {
    const startMs = Date.now();
    const a = await instance(servers.a, { clock: new ManualClock(startMs), missingModelPeriodMs: 10 * 60_000 });
    await waitForSubscribers(1);
    await a.complete('hi', { route: retiredThenServed });
    await waitFor(async () => (await client.exists(`${prefix}:state:v1:{${prefix}}:missing-models:google`)) === 1, {
      timeoutMs: 2_000,
      what: "A's mark in Redis",
    });

    const clockB = new ManualClock(startMs);
    const b = await instance(servers.b, { clock: clockB });
    await waitFor(() => missingAt(b).length === 1, { timeoutMs: 2_000, what: 'B to read the missing model back' });
    // A's period (10 minutes), not B's (an hour), read through Redis's clock: within the time Redis's clock moved meanwhile.
    const [entry] = missingAt(b);
    expect(entry?.untilMs).toBeGreaterThan(startMs + 10 * 60_000 - 5_000);
    expect(entry?.untilMs).toBeLessThanOrEqual(startMs + 10 * 60_000);
    const atB = await b.complete('hi', { route: retiredThenServed });
    expect(atB.attempts[0]).toMatchObject({ model: retired.model, outcome: 'skipped' });
    expect(requestsFor(servers.b, retired)).toHaveLength(0);
  });
});
