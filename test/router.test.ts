/**
 * The router end to end: real HTTP to the provider test server, which replays recorded provider traffic.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AllProvidersFailedError,
  BackupModelRouter,
  type BackupModelRouterOptions,
  CancelScope,
  DeadlineExceededError,
  InvalidArgumentError,
  NoProviderAvailableError,
  Provider,
  ProviderError,
} from '../src/index.js';
import { readOpenAIResponsesJson } from '../src/testing/openai-responses-recordings.test-support.js';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/provider-test-server.js';

let server: ProviderTestServer;
let routers: BackupModelRouter[] = [];

beforeAll(async () => {
  server = await startProviderTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());
afterEach(async () => {
  await Promise.all(routers.map((router) => router.close()));
  routers = [];
});

function makeRouter(options: BackupModelRouterOptions = {}): BackupModelRouter {
  const router = new BackupModelRouter({ env: server.environment(), cacheEnabled: false, ...options });
  routers.push(router);
  return router;
}

function fixture(path: string): unknown {
  return JSON.parse(readFileSync(join(server.fixturesDirectory, path), 'utf8'));
}

function upstreamRequests(provider?: string) {
  return server.requests.filter((request) => provider === undefined || request.provider === provider);
}

describe('each provider over its real wire protocol', () => {
  const expected: Record<string, () => string> = {
    // OpenAI's tier-1 model is asked on the Responses API: gpt-6-luna's recorded answer.
    openai: () => (readOpenAIResponsesJson('responses.json') as { output: { content: { text: string }[] }[] }).output[0]!.content[0]!.text,
    groq: () => (fixture('groq/chat-completion.vercel.json') as { choices: { message: { content: string } }[] }).choices[0]!.message.content,
    together: () =>
      (fixture('together/chat-completion.sdk-parsed.json') as { choices: { message: { content: string } }[] }).choices[0]!.message.content,
    moonshot: () =>
      (fixture('moonshot/chat-completion.docs.json') as { choices: { message: { content: string } }[] }).choices[0]!.message.content,
    anthropic: () => 'Hello.',
    google: () => '2 + 2 is 4.',
  };

  for (const provider of Object.values(Provider)) {
    it(`${provider} answers with its recorded content`, async () => {
      const router = makeRouter({ parallelAttempts: 1 });
      const result = await router.complete('Say hello', { preferredProvider: provider });
      expect(result.provider).toBe(provider);
      expect(result.content).toBe(expected[provider]!());
      expect(result.cached).toBe(false);
      expect(result.attempts.filter((attempt) => attempt.outcome === 'success')).toHaveLength(1);
      expect(upstreamRequests()).toHaveLength(1);
      expect(upstreamRequests()[0]!.keyInUrl).toBe(false);
    });
  }
});

describe('parallel fallback', () => {
  it('races the top candidates, returns the first success and aborts the losers', async () => {
    server.setBehavior('groq', { kind: 'success', text: 'slow groq', latencyMs: 3_000 });
    server.setBehavior('openai', { kind: 'success', text: 'fast openai' });
    server.setBehavior('together', { kind: 'success', text: 'slow together', latencyMs: 3_000 });
    const router = makeRouter({ parallelAttempts: 3 });
    const result = await router.complete('Race', {});
    expect(result.content).toBe('fast openai');
    expect(result.provider).toBe('openai');
    const aborted = await server.waitFor(
      (requests) => requests.filter((request) => request.outcome === 'client-aborted').length === 2,
      { timeoutMs: 2_000 },
    );
    expect(aborted.filter((request) => request.outcome === 'client-aborted').map((request) => request.provider).sort()).toEqual([
      'groq',
      'together',
    ]);
    expect(result.attempts.filter((attempt) => attempt.outcome === 'aborted').map((attempt) => attempt.provider).sort()).toEqual([
      'groq',
      'together',
    ]);
  });

  it('with parallelAttempts 1 falls back one provider at a time', async () => {
    server.setBehavior('groq', { kind: 'error', fixture: 'error-401-invalid-api-key' });
    server.setBehavior('openai', { kind: 'error', fixture: 'error-500-server-error' });
    server.setBehavior('together', { kind: 'success', text: 'third time lucky' });
    const router = makeRouter({ parallelAttempts: 1 });
    const result = await router.complete('Fallback');
    expect(result.content).toBe('third time lucky');
    const tried = result.attempts.filter((attempt) => attempt.outcome !== 'skipped');
    expect(tried.map((attempt) => [attempt.provider, attempt.outcome, attempt.reason])).toEqual([
      ['groq', 'failure', 'authentication'],
      ['openai', 'failure', 'server_error'],
      ['together', 'success', undefined],
    ]);
    // Never more than one in flight: each request started after the previous ended.
    const [first, second, third] = upstreamRequests();
    expect(second!.startedAtMs).toBeGreaterThanOrEqual(first!.endedAtMs!);
    expect(third!.startedAtMs).toBeGreaterThanOrEqual(second!.endedAtMs!);
  });

  it('keeps N in flight: a failed racer is replaced by the next candidate at once', async () => {
    server.setBehavior('groq', { kind: 'error', fixture: 'error-429-rate-limit-tpm' });
    server.setBehavior('openai', { kind: 'success', text: 'openai', latencyMs: 3_000 });
    server.setBehavior('together', { kind: 'success', text: 'together', latencyMs: 3_000 });
    server.setBehavior('google', { kind: 'success', text: 'google' });
    const router = makeRouter({ parallelAttempts: 3 });
    const result = await router.complete('Keep three in flight');
    expect(result.provider).toBe('google');
  });

  it('fails with every attempt listed when every provider fails', async () => {
    for (const provider of Object.values(Provider)) {
      server.setBehavior(provider, { kind: 'status', status: 502, body: '<html>Bad gateway</html>', contentType: 'text/html' });
    }
    const router = makeRouter({ parallelAttempts: 2 });
    const error = await router.complete('Nobody home').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AllProvidersFailedError);
    const failed = error as AllProvidersFailedError;
    expect(failed.errors).toHaveLength(6);
    expect(new Set(failed.attempts.map((attempt) => attempt.provider))).toEqual(new Set(Object.values(Provider)));
    expect(failed.errors.every((providerError) => providerError.statusCode === 502)).toBe(true);
  });
});

describe('what each failure does', () => {
  it('with stopAfterInvalidRequests: 1, returns an invalid request at once, without trying anyone else or counting it against the provider', async () => {
    server.setBehavior('groq', { kind: 'error', fixture: 'error-404-model-not-found' });
    server.setBehavior('openai', { kind: 'error', fixture: 'error-400-unsupported-parameter-max_tokens' });
    const router = makeRouter({ parallelAttempts: 1, stopAfterInvalidRequests: 1 });
    const error = await router
      .complete('Bad', { preferredProvider: Provider.OPENAI })
      .catch((caught: unknown) => caught);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect((error as ProviderError).reason).toBe('invalid_request');
    expect(upstreamRequests()).toHaveLength(1);
    const health = router.getHealthStatus().openai!;
    expect(health.circuitState).toBe('closed');
    expect(health.consecutiveFailures).toBe(0);
  });

  it("moves on from a provider whose base URL became no URL after the router was made: one provider's typo does not stop every call", async () => {
    server.setBehavior('openai', { kind: 'success', text: 'openai answered' });
    // Made with such a typo, the router is refused (test/router-base-url.test.ts); the variable is read again at each call.
    const env: Record<string, string | undefined> = { ...server.environment() };
    const router = new BackupModelRouter({ env, cacheEnabled: false, parallelAttempts: 1 });
    env.GROQ_BASE_URL = '127.0.0.1:8080/openai/v1';
    try {
      const result = await router.complete('Hi', { preferredProvider: Provider.GROQ });
      expect(result.provider).toBe('openai');
      expect(result.attempts[0]).toMatchObject({ provider: 'groq', outcome: 'failure', reason: 'configuration' });
      expect(upstreamRequests('groq')).toHaveLength(0);
    } finally {
      await router.close();
    }
  });

  it("moves on when Gemini's model makes a malformed function call (a 200 with no answer), as for a failed generation", async () => {
    const recorded = fixture('gemini/generateContent-function-call.json') as { candidates: { content: unknown; finishReason: string }[] };
    recorded.candidates[0]!.content = {};
    recorded.candidates[0]!.finishReason = 'MALFORMED_FUNCTION_CALL';
    server.setBehavior('google', { kind: 'status', status: 200, body: JSON.stringify(recorded), contentType: 'application/json' });
    server.setBehavior('openai', { kind: 'success', text: 'openai answered' });
    const router = makeRouter({ parallelAttempts: 1 });
    const result = await router.complete('Weather?', { route: [{ provider: 'google', model: 'gemini-3.5-flash-lite' }, { provider: 'openai', model: 'gpt-4o-mini' }] });
    expect(result).toMatchObject({ provider: 'openai', content: 'openai answered' });
    expect(result.attempts[0]).toMatchObject({ provider: 'google', outcome: 'failure', reason: 'generation_failed' });
  });

  it('cools a rate-limited provider down until its Retry-After and moves on at once', async () => {
    server.setBehavior('groq', { kind: 'error', fixture: 'error-429-rate-limit-tpm', headers: { 'retry-after': '30' } });
    server.setBehavior('openai', { kind: 'success', text: 'openai answered' });
    const router = makeRouter({ parallelAttempts: 1 });
    const before = Date.now();
    const first = await router.complete('One');
    expect(first.provider).toBe('openai');
    const groq = router.getHealthStatus().groq!;
    expect(groq.cooldownReason).toBe('rate_limit');
    expect(groq.cooldownUntilMs).toBeGreaterThanOrEqual(before + 29_000);
    const second = await router.complete('Two');
    expect(second.provider).toBe('openai');
    expect(second.attempts[0]).toMatchObject({ provider: 'groq', outcome: 'skipped' });
    expect(upstreamRequests('groq')).toHaveLength(1);
  });

  it('keeps a provider with an exhausted quota out for the long cooldown', async () => {
    server.setBehavior('groq', { kind: 'success', text: 'groq', latencyMs: 500 });
    server.setBehavior('openai', { kind: 'error', fixture: 'error-429-insufficient-quota' });
    const router = makeRouter({ parallelAttempts: 1 });
    await router.complete('One', { preferredProvider: Provider.OPENAI });
    const openai = router.getHealthStatus().openai!;
    expect(openai.cooldownReason).toBe('quota_exhausted');
    expect(openai.cooldownUntilMs! - Date.now()).toBeGreaterThan(9 * 60_000);
    await router.complete('Two', { preferredProvider: Provider.OPENAI });
    expect(upstreamRequests('openai')).toHaveLength(1);
  });

  it('names the environment variables to set when no provider has a key', async () => {
    const router = new BackupModelRouter({ env: {}, cacheEnabled: false });
    routers.push(router);
    const error = await router.complete('Hello?').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NoProviderAvailableError);
    expect((error as Error).message).toContain('GROQ_API_KEY');
    expect((error as NoProviderAvailableError).missingEnvironmentVariables).toEqual([
      'GROQ_API_KEY',
      'OPENAI_API_KEY',
      'ANTHROPIC_API_KEY',
      'TOGETHER_API_KEY',
      'MOONSHOT_API_KEY',
      'GOOGLE_API_KEY',
    ]);
  });

  it('rethrows the caller abort as is and cancels the upstream request', async () => {
    server.setBehavior('groq', { kind: 'stall-before-headers' });
    const router = makeRouter({ parallelAttempts: 1 });
    const controller = new AbortController();
    const reason = new Error('user pressed stop');
    const pending = router.complete('Wait', { signal: controller.signal, preferredProvider: Provider.GROQ });
    await server.waitForRequests(1);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    const aborted = await server.waitForClientAbort({ provider: 'groq' });
    expect(aborted.outcome).toBe('client-aborted');
  });

  it('takes a CancelScope in place of an AbortSignal, with the same effect', async () => {
    server.setBehavior('groq', { kind: 'stall-before-headers' });
    const router = makeRouter({ parallelAttempts: 1 });
    const scope = new CancelScope();
    const reason = new Error('client left');
    const pending = router.complete('Wait', { signal: scope, preferredProvider: Provider.GROQ });
    await server.waitForRequests(1);
    scope.abort(reason);
    await expect(pending).rejects.toBe(reason);
    const aborted = await server.waitForClientAbort({ provider: 'groq' });
    expect(aborted.outcome).toBe('client-aborted');
    // Aborted before the call: it never reaches a provider.
    server.reset();
    await expect(router.complete('Again', { signal: scope })).rejects.toBe(reason);
    expect(server.requests).toHaveLength(0);
  });

  it('ends the whole call at its deadline, fallbacks included', async () => {
    server.setBehavior('groq', { kind: 'stall-before-headers' });
    server.setBehavior('openai', { kind: 'stall-before-headers' });
    const router = makeRouter({ parallelAttempts: 2 });
    const error = await router
      .complete('Slow', { timeoutMs: 300, route: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }, { provider: 'openai', model: 'gpt-4o-mini' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as DeadlineExceededError).attempts.map((attempt) => attempt.outcome)).toEqual(['aborted', 'aborted']);
  });

  it('rejects bad input with a typed error before any network call', async () => {
    const router = makeRouter();
    await expect(router.complete('')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(router.complete('x', { tier: 4 as 1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(router.complete('x', { temperature: Number.NaN })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(router.complete([{ role: 'wizard', content: 'x' }] as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(router.complete('x', { parallelToolCalls: 'no' as never })).rejects.toThrow(/parallelToolCalls must be true or false/);
    expect(upstreamRequests()).toHaveLength(0);
  });
});

describe('tiers and preferences', () => {
  it('asks each provider for its model of the tier and skips those without one', async () => {
    // Every provider answers after a pause, so each request reaches the server before the race ends.
    for (const provider of Object.values(Provider)) server.setBehavior(provider, { kind: 'success', text: provider, latencyMs: 150 });
    const router = makeRouter({ parallelAttempts: 6 });
    await router.complete('Deep question', { tier: 3 });
    await server.waitFor((requests) => requests.every((request) => request.outcome !== undefined), { timeoutMs: 2_000 });
    const asked = new Map(upstreamRequests().map((request) => [request.provider, request]));
    expect([...asked.keys()].sort()).toEqual(['anthropic', 'google', 'moonshot', 'openai']);
    expect((asked.get('openai')!.body as { model: string }).model).toBe('gpt-6.2-sol');
    expect((asked.get('moonshot')!.body as { model: string }).model).toBe('kimi-k3.1-pro');
  });

  it('tries the preferred provider and model first', async () => {
    const router = makeRouter({ parallelAttempts: 1 });
    const result = await router.complete('Hi', { preferredProvider: Provider.ANTHROPIC, preferredModel: 'claude-haiku-4-5-20251001' });
    expect(result.provider).toBe('anthropic');
    expect((upstreamRequests('anthropic')[0]!.body as { model: string }).model).toBe('claude-haiku-4-5-20251001');
  });
});

describe('cache', () => {
  it('answers an identical request from the cache, scoped to the caller', async () => {
    const router = makeRouter({ cacheEnabled: true, parallelAttempts: 1 });
    const first = await router.complete('Cache me', { cacheScope: 'alice' });
    const second = await router.complete('Cache me', { cacheScope: 'alice' });
    expect(second.cached).toBe(true);
    expect(second.content).toBe(first.content);
    expect(upstreamRequests()).toHaveLength(1);
    const otherCaller = await router.complete('Cache me', { cacheScope: 'bob' });
    expect(otherCaller.cached).toBe(false);
    const otherTemperature = await router.complete('Cache me', { cacheScope: 'alice', temperature: 0.1 });
    expect(otherTemperature.cached).toBe(false);
    expect(upstreamRequests()).toHaveLength(3);
  });

  it('makes one upstream call for concurrent identical requests', async () => {
    server.setBehavior('groq', { kind: 'success', text: 'shared', latencyMs: 200 });
    const router = makeRouter({ cacheEnabled: true, parallelAttempts: 1 });
    const results = await Promise.all(Array.from({ length: 5 }, () => router.complete('Same question')));
    expect(results.map((result) => result.content)).toEqual(Array(5).fill('shared'));
    expect(upstreamRequests()).toHaveLength(1);
  });

  it('never caches an error', async () => {
    server.enqueue('groq', { kind: 'error', fixture: 'error-404-model-not-found' });
    // Not remembered as a missing model: the second call must reach the provider to show what the cache did.
    const router = makeRouter({ cacheEnabled: true, parallelAttempts: 1, catalog: undefined, missingModelPeriodMs: 0 });
    await router.complete('Error first', { route: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }] }).catch(() => undefined);
    const retry = await router.complete('Error first', { route: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }] });
    expect(retry.cached).toBe(false);
    expect(upstreamRequests('groq')).toHaveLength(2);
  });
});

describe('cost', () => {
  it('prices each result from the catalog and sums the spend per provider in the health output', async () => {
    const router = makeRouter({ parallelAttempts: 1 });
    const result = await router.complete('Price me', { preferredProvider: Provider.OPENAI });
    // The recorded answer (Responses API): gpt-6-luna, 13 input and 5 output tokens, at $0.10 and $0.50 per million.
    expect(result.model).toBe('gpt-6-luna');
    expect(result.usage).toEqual({ inputTokens: 13, outputTokens: 5, totalTokens: 18 });
    expect(result.costUsd).toBeCloseTo((13 * 0.1 + 5 * 0.5) / 1_000_000, 12);
    await router.complete('Price me again', { preferredProvider: Provider.OPENAI });
    expect(router.getHealthStatus().openai!.totalCostUsd).toBeCloseTo((2 * (13 * 0.1 + 5 * 0.5)) / 1_000_000, 12);
    expect(router.getHealthStatus().groq!.totalCostUsd).toBe(0);
  });
});

describe('health', () => {
  it('reports circuit state, success rate and latency per provider, and never a key', async () => {
    const router = makeRouter({ parallelAttempts: 1 });
    await router.complete('One');
    const status = router.getHealthStatus();
    expect(Object.keys(status).sort()).toEqual(['anthropic', 'google', 'groq', 'moonshot', 'openai', 'together']);
    expect(status.groq).toMatchObject({ circuitState: 'closed', successRate: 1, configured: true, totalCalls: 1 });
    expect(status.groq!.latencyP50Ms).toBeGreaterThan(0);
    const text = JSON.stringify(status);
    for (const value of Object.values(server.environment())) {
      if (!value.startsWith('http')) expect(text).not.toContain(value);
    }
  });

  it('checks every provider with its models list, in parallel', async () => {
    server.setBehavior('openai', { kind: 'error', fixture: 'error-401-invalid-api-key' });
    const environment = server.environment();
    delete environment.MOONSHOT_API_KEY;
    const router = makeRouter({ env: environment });
    const results = await router.healthCheck();
    expect(results).toEqual({ groq: true, openai: false, anthropic: true, together: true, moonshot: false, google: true });
    expect(upstreamRequests().every((request) => request.method === 'GET')).toBe(true);
  });

  it('closes so that nothing keeps the process alive', async () => {
    const count = (name: string) => process.getActiveResourcesInfo().filter((resource) => resource === name).length;
    const socketsBefore = count('TCPSocketWrap');
    const timersBefore = count('Timeout');
    const router = new BackupModelRouter({ env: server.environment(), parallelAttempts: 3 });
    await router.complete('Bye');
    expect(count('TCPSocketWrap')).toBeGreaterThan(socketsBefore);
    await router.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(count('TCPSocketWrap')).toBeLessThanOrEqual(socketsBefore);
    expect(count('Timeout')).toBeLessThanOrEqual(timersBefore);
  });
});
