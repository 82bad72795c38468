/**
 * Two routers, two instances of shared state, one real Redis (127.0.0.1:6379), real HTTP to the provider
 * test server: a cache hit across instances, a circuit opened in one seen by the other, one probe only,
 * and a rate-limit cooldown shared.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { BackupModelRouter, type BackupModelRouterOptions, type RouteTarget } from '../src/index.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { createRedisClient, type RedisConnection } from '../src/shared-state/create-redis-client.js';
import { createRedisSharedState, type RedisSharedState } from '../src/shared-state/index.js';
import {
  deleteKeysUnder,
  redisTestGate,
  testRedisUrl,
  uniquePrefix,
  waitFor,
  waitUntilReady,
} from '../src/shared-state/redis-test-gate.test-support.js';
import { openAIEmbeddingsReplay, recordedOpenAIEmbedding } from '../src/testing/openai-embeddings-recordings.test-support.js';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/provider-test-server.js';

const redis = await redisTestGate();
let server: ProviderTestServer;
let client: RedisConnection;
let prefix: string;
let routers: BackupModelRouter[] = [];
let sharedStates: RedisSharedState[] = [];

beforeAll(async () => {
  server = await startProviderTestServer();
  if (redis.skip) return;
  client = createRedisClient({ url: testRedisUrl, role: 'commands', commandTimeoutMs: 2_000 });
  await waitUntilReady(client);
});
afterAll(async () => {
  await server.close();
  client?.disconnect(false);
});
beforeEach(() => {
  server.reset();
  prefix = uniquePrefix();
});
afterEach(async () => {
  await Promise.all(routers.map((router) => router.close()));
  await Promise.all(sharedStates.map((shared) => shared.close()));
  routers = [];
  sharedStates = [];
  if (client) await deleteKeysUnder(client, prefix);
});

const groqThenOpenAI: RouteTarget[] = [
  { provider: 'groq', model: 'llama-3.1-8b-instant' },
  { provider: 'openai', model: 'gpt-4o-mini' },
];

/** One instance: its own shared state (own connections, own id) and its own router. */
async function instance(options: BackupModelRouterOptions = {}): Promise<BackupModelRouter> {
  // A wider budget than the 50 ms default: these tests check sharing, on a loaded two-core machine.
  // The router's clock is the shared state's too: it stamps what the instance publishes.
  const shared = createRedisSharedState({ url: testRedisUrl, prefix, operationTimeoutMs: 500, ...(options.clock ? { clock: options.clock } : {}) });
  sharedStates.push(shared);
  await waitFor(() => shared.isReady(), { timeoutMs: 5_000, what: 'Redis connections' });
  const router = new BackupModelRouter({
    env: server.environment(),
    cacheBackend: shared.cacheBackend,
    stateSync: shared.stateSync,
    parallelAttempts: 1,
    ...options,
  });
  routers.push(router);
  return router;
}

function groqRequests(): number {
  return server.requests.filter((request) => request.provider === 'groq').length;
}

async function waitForSubscribers(): Promise<void> {
  await waitFor(
    async () => ((await client.pubsub('NUMSUB', `${prefix}:state:v1`)) as [string, number])[1] >= sharedStates.length,
    { timeoutMs: 5_000, what: 'every instance to subscribe' },
  );
}

redis.describe('two routers sharing one Redis', () => {
  redis.it('answers in B from the entry A cached: one upstream request for both', async () => {
    const a = await instance();
    const b = await instance();
    server.setBehavior('groq', { kind: 'success', text: 'cached once, served twice' });
    const first = await a.complete('What is shared?', { preferredProvider: 'groq' });
    // The answer is returned without waiting for its write: B asks once the entry is in Redis.
    await waitFor(async () => (await client.keys(`${prefix}:cache:v1:*`)).length > 0, { timeoutMs: 5_000, what: "A's cache write" });
    const second = await b.complete('What is shared?', { preferredProvider: 'groq' });
    expect(first).toMatchObject({ cached: false, content: 'cached once, served twice', provider: 'groq' });
    expect(second).toMatchObject({ cached: true, content: 'cached once, served twice', provider: 'groq' });
    expect(server.requests).toHaveLength(1);
  });

  redis.it("answers an embedding call in B from the vectors A cached: one upstream request for both", async () => {
    const a = await instance();
    const b = await instance();
    server.setBehavior('openai', openAIEmbeddingsReplay());
    const first = await a.embed('Hello, world!', { model: 'text-embedding-3-small', dimensions: 128 });
    await waitFor(async () => (await client.keys(`${prefix}:cache:v1:*`)).length > 0, { timeoutMs: 5_000, what: "A's cache write" });
    const second = await b.embed('Hello, world!', { model: 'text-embedding-3-small', dimensions: 128 });
    expect(second).toMatchObject({ cached: true, provider: 'openai', costUsd: 0 });
    expect(second.embeddings).toEqual(first.embeddings);
    expect(second.embeddings[0]).toEqual(recordedOpenAIEmbedding().vector);
    expect(server.requests).toHaveLength(1);
  });

  redis.it('skips in B, within about a second, the provider whose circuit A opened', async () => {
    const breaker = { consecutiveFailures: 2, openDurationMs: 30_000 };
    const a = await instance({ breaker });
    const b = await instance({ breaker });
    await waitForSubscribers();
    server.setBehavior('groq', { kind: 'status', status: 503 });
    server.setBehavior('openai', { kind: 'success', text: 'openai' });
    for (const prompt of ['one', 'two']) {
      expect((await a.complete(prompt, { route: groqThenOpenAI })).provider).toBe('openai');
    }
    expect(a.getHealthStatus().groq!.circuitState).toBe('open');
    const openedAt = Date.now();
    await waitFor(() => b.getHealthStatus().groq!.circuitState === 'open', { timeoutMs: 1_000, what: 'B to see the open circuit' });
    expect(Date.now() - openedAt).toBeLessThan(1_000);
    const before = groqRequests();
    const result = await b.complete('three', { route: groqThenOpenAI });
    expect(result.provider).toBe('openai');
    expect(result.attempts[0]).toMatchObject({ provider: 'groq', outcome: 'skipped', detail: 'circuit open' });
    expect(groqRequests()).toBe(before);
  });

  redis.it('sends one half-open probe for the whole cluster, and both close on its success', async () => {
    const breaker = { consecutiveFailures: 2, openDurationMs: 1_500 };
    const a = await instance({ breaker });
    const b = await instance({ breaker });
    await waitForSubscribers();
    server.setBehavior('groq', { kind: 'status', status: 503 });
    server.setBehavior('openai', { kind: 'success', text: 'openai' });
    await a.complete('one', { route: groqThenOpenAI });
    await a.complete('two', { route: groqThenOpenAI });
    await waitFor(() => b.getHealthStatus().groq!.circuitState === 'open', { timeoutMs: 1_000, what: 'B to see the open circuit' });
    const groqState = a.getHealthStatus().groq!;
    expect(groqState.circuitState).toBe('open');

    server.setBehavior('groq', { kind: 'success', text: 'groq is back', latencyMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const before = groqRequests();
    const [fromA, fromB] = await Promise.all([
      a.complete('probe from A', { route: groqThenOpenAI }),
      b.complete('probe from B', { route: groqThenOpenAI }),
    ]);
    expect(groqRequests() - before).toBe(1);
    expect([fromA.provider, fromB.provider].sort()).toEqual(['groq', 'openai']);
    const skipped = [fromA, fromB].find((result) => result.provider === 'openai')!;
    expect(skipped.attempts[0]).toMatchObject({ provider: 'groq', outcome: 'skipped' });
    await waitFor(
      () => a.getHealthStatus().groq!.circuitState === 'closed' && b.getHealthStatus().groq!.circuitState === 'closed',
      { timeoutMs: 2_000, what: 'both circuits to close' },
    );
  });

  redis.it("closes everywhere on the probe's success, even in an instance whose clock runs ahead and that was refused the lock", async () => {
    // B's clock runs a second ahead of A's (more than the probe takes): what B publishes looks newer than what A does.
    const startMs = Date.now();
    const clocks = { a: new ManualClock(startMs), b: new ManualClock(startMs + 1_000) };
    const breaker = { consecutiveFailures: 1, openDurationMs: 1_000 };
    const a = await instance({ breaker, clock: clocks.a, cacheEnabled: false });
    const b = await instance({ breaker, clock: clocks.b, cacheEnabled: false });
    await waitForSubscribers();
    server.enqueue('groq', { kind: 'status', status: 503 });
    expect((await a.complete('open it', { route: groqThenOpenAI })).provider).toBe('openai');
    await waitFor(() => b.getHealthStatus().groq!.circuitState === 'open', { timeoutMs: 2_000, what: 'B to see the open circuit' });
    for (const clock of [clocks.a, clocks.b]) clock.advance(2_000);

    // Both want the probe; A asks first and gets the lock, and B asks while A's probe is in flight.
    server.setBehavior('groq', { kind: 'success', text: 'groq is back', latencyMs: 300 });
    const probeFromA = a.complete('probe from A', { route: groqThenOpenAI });
    await waitFor(() => groqRequests() === 2, { timeoutMs: 2_000, what: "A's probe to reach groq" });
    const fromB = await b.complete('probe from B', { route: groqThenOpenAI });
    const fromA = await probeFromA;
    expect([fromA.provider, fromB.provider]).toEqual(['groq', 'openai']);
    expect(fromB.attempts[0]).toMatchObject({ provider: 'groq', outcome: 'skipped', detail: 'circuit half-open: another instance probes' });
    await waitFor(
      () => a.getHealthStatus().groq!.circuitState === 'closed' && b.getHealthStatus().groq!.circuitState === 'closed',
      { timeoutMs: 2_000, what: 'both circuits to close' },
    );
  });

  redis.it('shares a rate-limit cooldown: after a 429 with Retry-After in A, B skips the provider', async () => {
    const a = await instance();
    const b = await instance();
    await waitForSubscribers();
    server.enqueue('groq', { kind: 'error', fixture: 'error-429-rate-limit-tpm', headers: { 'retry-after': '30' } });
    server.setBehavior('openai', { kind: 'success', text: 'openai' });
    expect((await a.complete('limited', { route: groqThenOpenAI })).provider).toBe('openai');
    await waitFor(() => b.getHealthStatus().groq!.cooldownReason === 'rate_limit', { timeoutMs: 1_000, what: 'B to see the cooldown' });
    // The same end: B reads it through Redis's clock, which adds the message's travel (milliseconds) at most.
    const endsInA = a.getHealthStatus().groq!.cooldownUntilMs!;
    expect(b.getHealthStatus().groq!.cooldownUntilMs).toBeGreaterThanOrEqual(endsInA);
    expect(b.getHealthStatus().groq!.cooldownUntilMs).toBeLessThan(endsInA + 1_000);
    const result = await b.complete('still limited', { route: groqThenOpenAI });
    expect(result.provider).toBe('openai');
    expect(result.attempts[0]).toMatchObject({ provider: 'groq', outcome: 'skipped', detail: 'cooling down after rate_limit' });
    expect(groqRequests()).toBe(1);
  });

  redis.it("shares health figures: B ranks on A's observations before making a call of its own", async () => {
    // A breaker that does not open, so only the figures can steer B.
    const breaker = { consecutiveFailures: 1_000, minimumCalls: 1_000 };
    const a = await instance({ breaker, cacheEnabled: false });
    const b = await instance({ breaker, cacheEnabled: false });
    await waitForSubscribers();
    server.setBehavior('groq', { kind: 'status', status: 503 });
    server.setBehavior('openai', { kind: 'success', text: 'openai' });
    for (let call = 0; call < 4; call++) await a.complete(`observe ${call}`, { route: groqThenOpenAI });
    // Figures go out at most once a second per provider: the next call after that carries the failures.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await a.complete('observe once more', { route: groqThenOpenAI });
    await waitFor(() => b.getHealthStatus().groq!.clusterSuccessRate < 0.5, { timeoutMs: 2_000, what: "B to see A's figures" });
    expect(b.getHealthStatus().groq).toMatchObject({ totalCalls: 0, successRate: 1, clusterInstances: 2 });
    const before = groqRequests();
    // Unranked, B would try Groq first (the fastest in the catalog); on the cluster's figures it goes to OpenAI.
    const result = await b.complete('ranked on the cluster', { preferredProvider: undefined, tier: 1 });
    expect(result.provider).toBe('openai');
    expect(groqRequests()).toBe(before);
  });
});
