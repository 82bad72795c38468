/**
 * Redis going away, coming back, and being slow, in the middle of traffic. These tests start their own
 * redis-server on a free port (never the shared one on 6379, which other tests use), kill it with SIGKILL,
 * start it again on the same port, and pause it with CLIENT PAUSE.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { BackupModelRouter, type BackupModelRouterOptions, type CompletionResult, type RouteTarget } from '../src/index.js';
import {
  createRedisClient,
  createRedisSharedState,
  RedisQuotaStore,
  type RedisConnectionEvent,
  type RedisSharedState,
} from '../src/shared-state/index.js';
import { PrivateRedisServer, redisTestGate, uniquePrefix, waitFor, waitUntilReady } from '../src/shared-state/redis-test-gate.test-support.js';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/provider-test-server.js';

const redis = await redisTestGate({ needsRedisServerBinary: true });
let server: ProviderTestServer;
let privateRedis: PrivateRedisServer | undefined;
let routers: BackupModelRouter[] = [];
let sharedStates: RedisSharedState[] = [];
let prefix: string;

beforeAll(async () => {
  server = await startProviderTestServer();
  if (!redis.skip) privateRedis = await PrivateRedisServer.start();
});
afterAll(async () => {
  await server.close();
  await privateRedis?.kill();
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
});

const groqThenOpenAI: RouteTarget[] = [
  { provider: 'groq', model: 'llama-3.1-8b-instant' },
  { provider: 'openai', model: 'gpt-4o-mini' },
];
const togetherThenOpenAI: RouteTarget[] = [
  { provider: 'together', model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo' },
  { provider: 'openai', model: 'gpt-4o-mini' },
];
const trafficRoute: RouteTarget[] = [{ provider: 'anthropic', model: 'claude-haiku-4-5-20251001' }];
const breaker = { consecutiveFailures: 2, openDurationMs: 60_000 };

/** One instance on the private Redis, with fast reconnection and the default 50 ms budget unless `operationTimeoutMs`. */
async function instance(
  options: BackupModelRouterOptions = {},
  sharing: { operationTimeoutMs?: number } = {},
): Promise<{ router: BackupModelRouter; shared: RedisSharedState }> {
  const shared = createRedisSharedState({ url: privateRedis!.url, prefix, maxReconnectDelayMs: 200, ...sharing });
  sharedStates.push(shared);
  await waitFor(() => shared.isReady(), { timeoutMs: 5_000, what: 'Redis connections' });
  const router = new BackupModelRouter({
    env: server.environment(),
    cacheBackend: shared.cacheBackend,
    stateSync: shared.stateSync,
    parallelAttempts: 1,
    breaker,
    ...options,
  });
  routers.push(router);
  return { router, shared };
}

/** Calls from every router until stopped: half repeat (cache hits), half new (Redis get and set). */
function startTraffic(instances: readonly BackupModelRouter[]) {
  let stopped = false;
  const results: CompletionResult[] = [];
  const failures: unknown[] = [];
  const loops = instances.map(async (router, index) => {
    for (let call = 0; !stopped; call++) {
      const prompt = call % 2 === 0 ? `repeated ${call % 6}` : `instance ${index} call ${call}`;
      try {
        results.push(await router.complete(prompt, { route: trafficRoute }));
      } catch (error) {
        failures.push(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });
  return {
    results,
    failures,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

async function openCircuit(router: BackupModelRouter, route: RouteTarget[], provider: string): Promise<void> {
  server.setBehavior(provider, { kind: 'status', status: 503 });
  for (const prompt of [`open ${provider} 1`, `open ${provider} 2`]) {
    expect((await router.complete(prompt, { route })).provider).toBe('openai');
  }
  expect(router.getHealthStatus()[provider]!.circuitState).toBe('open');
}

redis.describe('Redis stopped, restarted and slow in the middle of traffic', () => {
  redis.it('fails no request while Redis is down, and shares again once it is back', async () => {
    // A wide budget: this test checks what is shared once Redis is back, and a 50 ms one is exceeded now and then on
    // a loaded machine (B's last cache read, a miss; the ready check after the restart, one more kind of error). With
    // Redis down or not ready, commands fail at once whatever the budget.
    const sharing = { operationTimeoutMs: 2_000 };
    const a = await instance({}, sharing);
    const b = await instance({}, sharing);
    const events: RedisConnectionEvent[] = [];
    a.shared.onConnectionEvent((event) => events.push(event));
    server.setBehavior('openai', { kind: 'success', text: 'openai' });
    const traffic = startTraffic([a.router, b.router]);
    await waitFor(() => traffic.results.length >= 20, { timeoutMs: 10_000, what: 'traffic before the crash' });

    await privateRedis!.kill();
    await waitFor(() => !a.shared.isReady() && !b.shared.isReady(), { timeoutMs: 5_000, what: 'both to notice' });
    const beforeOutage = traffic.results.length;
    // A circuit opens in A while Redis is away: B cannot hear of it yet.
    await openCircuit(a.router, groqThenOpenAI, 'groq');
    await waitFor(() => traffic.results.length >= beforeOutage + 20, { timeoutMs: 10_000, what: 'traffic during the outage' });
    expect(b.router.getHealthStatus().groq!.circuitState).toBe('closed');
    // Both connections have tried to come back and been refused, so the reports checked below cover an outage that
    // refused reconnection (with traffic fast enough, the restart could come before the first attempt, 50 ms in).
    const refused = (connection: RedisConnectionEvent['connection']): boolean =>
      events.some((event) => event.connection === connection && event.type === 'error' && event.message.startsWith('connect ECONNREFUSED'));
    await waitFor(() => refused('commands') && refused('subscriber'), { timeoutMs: 10_000, what: 'a refused reconnection of each connection' });

    await privateRedis!.start();
    await waitFor(() => a.shared.isReady() && b.shared.isReady(), { timeoutMs: 10_000, what: 'both to reconnect' });
    // A writes its latest state again on reconnection; B reads the keys on its own.
    await waitFor(() => b.router.getHealthStatus().groq!.circuitState === 'open', {
      timeoutMs: 3_000,
      what: 'the circuit opened during the outage to reach B',
    });
    // A circuit opened after the restart reaches the other instance too.
    await openCircuit(b.router, togetherThenOpenAI, 'together');
    await waitFor(() => a.router.getHealthStatus().together!.circuitState === 'open', {
      timeoutMs: 1_500,
      what: 'the circuit opened after the restart to reach A',
    });
    const afterRestart = traffic.results.length;
    await waitFor(() => traffic.results.length >= afterRestart + 10, { timeoutMs: 10_000, what: 'traffic after the restart' });
    await traffic.stop();

    expect(traffic.failures).toEqual([]);
    // Each connection reports its loss once and its return once, and each kind of failure once (the kill's reset, if
    // any; the refusal of every reconnection attempt; a ready check that timed out, if any), however many
    // reconnection attempts failed.
    for (const connection of ['commands', 'subscriber'] as const) {
      const own = events.filter((event) => event.connection === connection);
      expect(own.filter((event) => event.type === 'disconnected')).toHaveLength(1);
      expect(own.filter((event) => event.type === 'ready')).toHaveLength(1);
      const errors = own.flatMap((event) => (event.type === 'error' ? [event.message.replace(/:\d+$/, '')] : []));
      expect(errors.filter((message) => message === 'connect ECONNREFUSED 127.0.0.1')).toHaveLength(1);
      expect(new Set(errors).size).toBe(errors.length);
    }
    expect(traffic.results.every((result) => result.provider === 'anthropic')).toBe(true);
    // The cache is shared again: an answer cached by A is a hit in B.
    await a.router.complete('after the restart', { route: trafficRoute });
    expect((await b.router.complete('after the restart', { route: trafficRoute })).cached).toBe(true);
  });

  redis.it('counts a spend once when Redis applied it but its answer came too late, however often it is sent again', async () => {
    const connection = createRedisClient({ url: privateRedis!.url, role: 'commands', commandTimeoutMs: 200 });
    const admin = new Redis(privateRedis!.url, { maxRetriesPerRequest: 1 });
    try {
      await waitUntilReady(connection);
      const quota = new RedisQuotaStore({ client: connection, prefix, operationTimeoutMs: 200 });
      const noon = Date.UTC(2026, 10, 26, 12);
      const totalKey = `${prefix}:quota:v1:{${prefix}}:spend:billing:${Math.floor(noon / 86_400_000)}`;
      await admin.call('CLIENT', 'PAUSE', '10000', 'WRITE');
      // The send waits behind the pause past its timeout: this gateway cannot know whether it counted.
      await quota.addSpend('billing', 0.5, noon);
      await admin.call('CLIENT', 'UNPAUSE');
      await waitFor(async () => (await admin.get(totalKey)) !== null, { timeoutMs: 2_000, what: 'the delayed send to be applied' });
      await quota.flushSpend();
      await quota.flushSpend();
      expect(Number(await admin.get(totalKey))).toBe(0.5);
      expect(await quota.spentToday('billing', noon)).toBe(0.5);
      quota.close();
    } finally {
      await admin.call('CLIENT', 'UNPAUSE').catch(() => undefined);
      admin.disconnect(false);
      connection.disconnect(false);
    }
  });

  redis.it('counts a request once when Redis carried it out after its budget, though the gateway admitted it alone meanwhile', async () => {
    const connection = createRedisClient({ url: privateRedis!.url, role: 'commands', commandTimeoutMs: 200 });
    const admin = new Redis(privateRedis!.url, { maxRetriesPerRequest: 1 });
    try {
      await waitUntilReady(connection);
      const quota = new RedisQuotaStore({ client: connection, prefix, operationTimeoutMs: 200 });
      const now = 60_000 * 500 + 1_000;
      const requestsKey = `${prefix}:quota:v1:{${prefix}}:requests:billing:500`;
      await admin.call('CLIENT', 'PAUSE', '10000', 'WRITE');
      // Held behind the pause past its budget: admitted in memory, and Redis counts it when the pause ends.
      expect((await quota.takeRequest('billing', 10, now)).admitted).toBe(true);
      await admin.call('CLIENT', 'UNPAUSE');
      await waitFor(async () => (await admin.get(requestsKey)) === '1', { timeoutMs: 2_000, what: 'the held request to be counted' });
      // Redis answers again: anything counted alone and never sent would go now, on this connection.
      expect((await quota.takeRequest('billing', 10, now)).admitted).toBe(true);
      expect(await quota.requestCounts('billing', now)).toEqual({ previous: 0, current: 2 });
      quota.close();
    } finally {
      await admin.call('CLIENT', 'UNPAUSE').catch(() => undefined);
      admin.disconnect(false);
      connection.disconnect(false);
    }
  });

  redis.it('does not slow a call much beyond the budget when Redis stalls', async () => {
    const a = await instance();
    const admin = new Redis(privateRedis!.url, { maxRetriesPerRequest: 1 });
    try {
      await admin.call('CLIENT', 'PAUSE', '2000', 'ALL');
      const startedAt = Date.now();
      const result = await a.router.complete('while Redis stalls', { route: trafficRoute });
      const elapsedMs = Date.now() - startedAt;
      expect(result).toMatchObject({ provider: 'anthropic', cached: false });
      // The pause is 2 s; two budgeted operations (get, set) of 50 ms each fit well under 1 s.
      expect(elapsedMs).toBeLessThan(1_000);
    } finally {
      await admin.call('CLIENT', 'UNPAUSE').catch(() => undefined);
      admin.disconnect(false);
    }
  });
});
