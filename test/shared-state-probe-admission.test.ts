/**
 * The cluster-wide probe lock of a half-open circuit answering after the race that asked for it is over:
 * the attempt must not start. The lock's SET waits behind CLIENT PAUSE on a redis-server of this file's own
 * (pausing the shared one would stall every other test); the candidate is an AI SDK model that ignores its
 * abortSignal, as some third-party models do, so a started attempt would reach the provider test server.
 */
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { aiSdkModelProvider } from '../src/ai-sdk/index.js';
import { createOpenAiChatLanguageModel } from '../src/ai-sdk/openai-chat-language-model.test-support.js';
import { Provider } from '../src/catalog.js';
import { BackupModelRouter, type RouteTarget } from '../src/index.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import type { RouterEvent } from '../src/routing/router-events.js';
import { createRedisSharedState, type RedisSharedState } from '../src/shared-state/index.js';
import { PrivateRedisServer, redisTestGate, uniquePrefix, waitFor } from '../src/shared-state/redis-test-gate.test-support.js';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/provider-test-server.js';

const redis = await redisTestGate({ needsRedisServerBinary: true });
let server: ProviderTestServer;
let privateRedis: PrivateRedisServer | undefined;
let admin: Redis | undefined;
const closing: (() => Promise<void>)[] = [];

beforeAll(async () => {
  server = await startProviderTestServer();
  if (redis.skip) return;
  privateRedis = await PrivateRedisServer.start();
  admin = new Redis(privateRedis.url, { maxRetriesPerRequest: 1 });
});
afterEach(async () => {
  await admin?.call('CLIENT', 'UNPAUSE');
  for (const close of closing.splice(0)) await close();
  server.reset();
});
afterAll(async () => {
  admin?.disconnect(false);
  await privateRedis?.kill();
  await server.close();
});

/** A real AI SDK model over fetch to the test server's OpenAI route that never passes its abortSignal on. */
function signalIgnoringModel(): LanguageModelV3 {
  const model = createOpenAiChatLanguageModel({
    baseUrl: server.baseUrlFor(Provider.OPENAI),
    apiKey: server.apiKeyFor(Provider.OPENAI),
    modelId: 'gpt-4o-mini',
  });
  return {
    ...model,
    doGenerate: ({ abortSignal: _ignored, ...options }) => model.doGenerate(options),
    doStream: ({ abortSignal: _ignored, ...options }) => model.doStream(options),
  };
}

const route: RouteTarget[] = [
  { provider: 'sdk', model: 'gpt-4o-mini' },
  { provider: 'groq', model: 'llama-3.1-8b-instant' },
];

async function instance(parallelAttempts: number): Promise<{ router: BackupModelRouter; clock: ManualClock; events: RouterEvent[] }> {
  const clock = new ManualClock(Date.now());
  // The lock's budget runs on the manual clock, so only Redis's own answer (held by CLIENT PAUSE) decides it.
  const shared: RedisSharedState = createRedisSharedState({ url: privateRedis!.url, prefix: uniquePrefix(), operationTimeoutMs: 10_000, clock });
  await waitFor(() => shared.isReady(), { timeoutMs: 5_000, what: 'Redis connections' });
  const router = new BackupModelRouter({
    env: server.environment([Provider.GROQ]),
    cacheEnabled: false,
    clock,
    stateSync: shared.stateSync,
    parallelAttempts,
    extraProviders: [aiSdkModelProvider({ id: 'sdk', model: signalIgnoringModel() })],
    breaker: { consecutiveFailures: 1, failureRateThreshold: 0.01, minimumCalls: 1, openDurationMs: 50 },
  });
  closing.push(async () => {
    await router.close();
    await shared.close();
  });
  const events: RouterEvent[] = [];
  router.onEvent((event) => events.push(event));
  return { router, clock, events };
}

/** Read a stream to its end: which provider answered. */
async function streamedProvider(stream: ReturnType<BackupModelRouter['stream']>): Promise<string> {
  for await (const chunk of stream) void chunk;
  return (await stream.result).provider;
}

const sdkRequests = (): number => server.requests.filter((request) => request.provider === Provider.OPENAI).length;

redis.describe('a probe lock granted after its race is over', () => {
  const cases = [
    { parallelAttempts: 1, streaming: false },
    { parallelAttempts: 2, streaming: false },
    { parallelAttempts: 2, streaming: true },
  ];
  for (const { parallelAttempts, streaming } of cases) {
    redis.it(`starts no attempt and gives the probe back (${streaming ? 'a stream' : 'a whole answer'}, parallelAttempts ${parallelAttempts})`, async () => {
      const { router, clock, events } = await instance(parallelAttempts);
      server.enqueue(Provider.OPENAI, { kind: 'status', status: 500 });
      expect((await router.complete('Open the circuit', { route })).provider).toBe('groq');
      expect(router.getHealthStatus().sdk!.circuitState).toBe('open');
      clock.advance(100);
      expect(sdkRequests()).toBe(1);

      await admin!.call('CLIENT', 'PAUSE', '10000', 'WRITE');
      const controller = new AbortController();
      const call = streaming
        ? streamedProvider(router.stream('The probe waits for its lock', { route, signal: controller.signal }))
        : router.complete('The probe waits for its lock', { route, signal: controller.signal }).then((result) => result.provider);
      await waitFor(() => router.getHealthStatus().sdk!.circuitState === 'half_open', { timeoutMs: 2_000, what: 'the probe to ask for its lock' });
      if (parallelAttempts === 1) {
        // One attempt at a time: the caller leaves while the lock is asked for.
        const reason = new Error('the caller left');
        controller.abort(reason);
        await expect(call).rejects.toBe(reason);
      } else {
        // Racing: Groq answers while the lock is asked for.
        expect(await call).toBe('groq');
      }
      const eventsAfterTheCall = events.length;
      await admin!.call('CLIENT', 'UNPAUSE');
      await waitFor(() => router.getHealthStatus().sdk!.circuitState === 'open', { timeoutMs: 2_000, what: 'the probe to be given back' });
      expect(events.slice(eventsAfterTheCall).filter((event) => event.type === 'attempt-start')).toEqual([]);

      // The probe was given back: the next call probes (a lock of the new open period) and closes the circuit.
      const recovered = await router.complete('The next probe', { route: [route[0]!], parallelAttempts: 1 });
      expect(recovered.provider).toBe('sdk');
      expect(router.getHealthStatus().sdk!.circuitState).toBe('closed');
      // The failure and the probe that recovered it; nothing for the call that had ended.
      expect(sdkRequests()).toBe(2);
    });
  }
});
