/**
 * An instance refused the cluster-wide probe lock (another instance probes) must not keep its own half-open
 * probe: when the prober dies without a verdict, its lock expires and the refused instance probes soon after,
 * not a whole probe timeout (60 s) later. Two routers on the real Redis (127.0.0.1:6379), real HTTP to the
 * provider test server, manual clocks for the breakers.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { BackupModelRouter, type RouteTarget } from '../src/index.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { createRedisClient, type RedisConnection } from '../src/shared-state/create-redis-client.js';
import { createRedisSharedState, type RedisSharedState } from '../src/shared-state/index.js';
import { deleteKeysUnder, redisTestGate, testRedisUrl, uniquePrefix, waitFor, waitUntilReady } from '../src/shared-state/redis-test-gate.test-support.js';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/provider-test-server.js';

const redis = await redisTestGate();
let server: ProviderTestServer;
let client: RedisConnection;
let prefix: string;
const closing: (() => Promise<void>)[] = [];

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
  for (const close of closing.splice(0)) await close();
  if (client) await deleteKeysUnder(client, prefix);
});

const groq: RouteTarget = { provider: 'groq', model: 'llama-3.1-8b-instant' };
const openai: RouteTarget = { provider: 'openai', model: 'gpt-4o-mini' };
const breaker = { consecutiveFailures: 1, failureRateThreshold: 0.01, minimumCalls: 1, openDurationMs: 1_000 };

async function instance(clock: ManualClock): Promise<{ router: BackupModelRouter; shared: RedisSharedState }> {
  // A wide budget: these tests check the lock's answers, on a loaded machine.
  const shared = createRedisSharedState({ url: testRedisUrl, prefix, operationTimeoutMs: 2_000, clock });
  await waitFor(() => shared.isReady(), { timeoutMs: 5_000, what: 'Redis connections' });
  const router = new BackupModelRouter({ env: server.environment(), cacheEnabled: false, parallelAttempts: 1, clock, stateSync: shared.stateSync, breaker });
  closing.push(async () => {
    await router.close();
    await shared.close();
  });
  return { router, shared };
}

const groqRequests = (): number => server.requests.filter((request) => request.provider === 'groq').length;

redis.describe('an instance refused the probe lock', () => {
  redis.it('probes itself once the prober died without a verdict and its lock expired, well before the probe timeout', async () => {
    const startMs = Date.now();
    const clocks = { a: new ManualClock(startMs), b: new ManualClock(startMs) };
    const a = await instance(clocks.a);
    const b = await instance(clocks.b);
    await waitFor(async () => ((await client.pubsub('NUMSUB', `${prefix}:state:v1`)) as [string, number])[1] >= 2, {
      timeoutMs: 5_000,
      what: 'both instances to subscribe',
    });
    server.enqueue('groq', { kind: 'status', status: 503 });
    expect((await a.router.complete('open it', { route: [groq, openai] })).provider).toBe('openai');
    await waitFor(() => b.router.getHealthStatus().groq!.circuitState === 'open', { timeoutMs: 2_000, what: 'B to see the open circuit' });
    for (const clock of [clocks.a, clocks.b]) clock.advance(2_000);

    // A probes, and holds the cluster's lock while Groq takes its time.
    server.enqueue('groq', { kind: 'stall-before-headers' });
    const probeOfA = new AbortController();
    const probe = a.router.complete('probe from A', { route: [groq], signal: probeOfA.signal });
    probe.catch(() => undefined);
    // Its probe reached Groq, so it holds the lock. (Not two requests of any provider: 'open it' made two, Groq's
    // and OpenAI's, and B could then ask first under load, take the lock, and hang on the stall queued for A.)
    await server.waitFor((requests) => requests.filter((request) => request.provider === 'groq').length === 2);
    const refused = await b.router.complete('B while A probes', { route: [groq, openai] });
    expect(refused.attempts[0]).toMatchObject({ provider: 'groq', outcome: 'skipped', detail: 'circuit half-open: another instance probes' });

    // A dies before its verdict: it shares nothing more, and its lock expires (deleted here, as its PX would after 60 s).
    await a.shared.close();
    probeOfA.abort(new Error('A died'));
    await expect(probe).rejects.toThrow('A died');
    const locks = await client.keys(`${prefix}:*:probe:groq:*`);
    expect(locks).toHaveLength(1);
    await client.del(...locks);

    // B asks for the lock again after an open period, well within the 60 s probe timeout, and its probe closes the circuit.
    clocks.b.advance(1_500);
    const recovered = await b.router.complete('B after A died', { route: [groq, openai] });
    expect(recovered.attempts[0]).toMatchObject({ provider: 'groq', outcome: 'success' });
    expect(b.router.getHealthStatus().groq!.circuitState).toBe('closed');
    expect(groqRequests()).toBe(3);
  });
});
