/**
 * Retry rounds (`maxRetries`): when every candidate failed with a failure that may pass, the router asks
 * those providers again after an exponential wait, never past the deadline. Real HTTP to the provider test
 * server replaying recorded error bodies; the router's time is a ManualClock, so each wait is checked to the
 * millisecond: no request before it is over, one right after.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AllProvidersFailedError, BackupModelRouter, type BackupModelRouterOptions, type RouteTarget } from '../src/index.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/index.js';

let server: ProviderTestServer;
let routers: BackupModelRouter[] = [];
beforeAll(async () => {
  server = await startProviderTestServer();
});
afterAll(async () => server.close());
beforeEach(() => server.reset());
afterEach(async () => {
  await Promise.all(routers.map((router) => router.close()));
  routers = [];
});

const openai: RouteTarget[] = [{ provider: 'openai', model: 'gpt-4o-mini' }];
const anthropicAndOpenAI: RouteTarget[] = [{ provider: 'anthropic', model: 'claude-haiku-4-5-20251001' }, ...openai];

function makeRouter(options: BackupModelRouterOptions = {}): { router: BackupModelRouter; clock: ManualClock } {
  const clock = new ManualClock(Date.parse('2026-11-26T12:00:00Z'));
  const router = new BackupModelRouter({ env: server.environment(), cacheEnabled: false, parallelAttempts: 2, timeoutMs: 60_000, clock, ...options });
  routers.push(router);
  return { router, clock };
}

/** Once the race waits for its next round, its timer is pending beside the call's deadline. */
async function retryScheduled(clock: ManualClock): Promise<void> {
  await vi.waitFor(() => expect(clock.pendingTimerCount).toBe(2));
}

describe('without maxRetries (the default)', () => {
  it('a failure of the only provider is the call failure: failing over is the retry', async () => {
    server.enqueue('openai', { kind: 'error', fixture: 'error-503-model-overloaded' });
    const { router } = makeRouter();
    await expect(router.complete('Hi', { route: openai })).rejects.toBeInstanceOf(AllProvidersFailedError);
    expect(server.requests).toHaveLength(1);
  });
});

describe('with maxRetries', () => {
  it('asks the provider again after 500 ms, then after 1 s, and answers', async () => {
    server.enqueue('openai', { kind: 'error', fixture: 'error-500-server-error' }, { kind: 'reset-before-headers' });
    const { router, clock } = makeRouter({ maxRetries: 2 });
    const call = router.complete('Hi', { route: openai });
    await retryScheduled(clock);
    // The wait is 500 ms less up to 25% of jitter: nothing before 375 ms, the retry by 500.
    await clock.advanceAsync(374);
    expect(server.requests).toHaveLength(1);
    await clock.advanceAsync(126);
    await server.waitForRequests(2);
    await retryScheduled(clock);
    await clock.advanceAsync(749);
    expect(server.requests).toHaveLength(2);
    await clock.advanceAsync(251);
    const result = await call;
    expect(result.content.length).toBeGreaterThan(0);
    expect(result.attempts.map((attempt) => [attempt.provider, attempt.outcome, attempt.reason])).toEqual([
      ['openai', 'failure', 'server_error'],
      ['openai', 'failure', 'network'],
      ['openai', 'success', undefined],
    ]);
  });

  it("waits for the provider's Retry-After when it is longer than the backoff", async () => {
    server.enqueue('openai', { kind: 'error', fixture: 'error-429-rate-limit-rpm', headers: { 'retry-after': '3' } });
    const { router, clock } = makeRouter({ maxRetries: 1 });
    const call = router.complete('Hi', { route: openai });
    await retryScheduled(clock);
    await clock.advanceAsync(2_999);
    expect(server.requests).toHaveLength(1);
    await clock.advanceAsync(1);
    await expect(call).resolves.toMatchObject({ provider: 'openai' });
    expect(server.requests).toHaveLength(2);
  });

  it('asks again only the providers whose failure may pass: not a model it does not have', async () => {
    // A 404 keeps no cooldown: only the plan keeps Anthropic out of the second round.
    server.enqueue('anthropic', { kind: 'error', fixture: 'error-404-model-not-found' });
    server.enqueue('openai', { kind: 'error', fixture: 'error-503-model-overloaded' });
    const { router, clock } = makeRouter({ maxRetries: 1 });
    const call = router.complete('Hi', { route: anthropicAndOpenAI });
    await retryScheduled(clock);
    await clock.advanceAsync(500);
    const result = await call;
    expect(result.provider).toBe('openai');
    expect(server.requests.map((request) => request.provider)).toEqual(expect.arrayContaining(['anthropic', 'openai']));
    expect(server.requests.filter((request) => request.provider === 'anthropic')).toHaveLength(1);
    expect(server.requests.filter((request) => request.provider === 'openai')).toHaveLength(2);
  });

  it('keeps out a provider that said x-should-retry: false, and takes the advice of one that said true', async () => {
    server.enqueue('openai', { kind: 'error', fixture: 'error-500-server-error', headers: { 'x-should-retry': 'false' } });
    const { router } = makeRouter({ maxRetries: 3 });
    const failure = await router.complete('Hi', { route: openai }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AllProvidersFailedError);
    expect((failure as AllProvidersFailedError).errors[0]).toMatchObject({ reason: 'server_error', shouldRetry: false, isRetryable: false });
    expect(server.requests).toHaveLength(1);

    // A 404 is not worth asking again by its reason; the provider's x-should-retry: true says it is.
    server.enqueue('anthropic', { kind: 'error', fixture: 'error-404-model-not-found', headers: { 'x-should-retry': 'true' } });
    const second = makeRouter({ maxRetries: 1 });
    const call = second.router.complete('Hi', { route: [anthropicAndOpenAI[0]!] });
    await retryScheduled(second.clock);
    await second.clock.advanceAsync(500);
    await expect(call).resolves.toMatchObject({ provider: 'anthropic' });
    expect(server.requests.filter((request) => request.provider === 'anthropic')).toHaveLength(2);
  });

  it('waits out the cooldown of a rate limit that gave no Retry-After, instead of finding its provider left out', async () => {
    server.enqueue('openai', { kind: 'status', status: 429 });
    const { router, clock } = makeRouter({ maxRetries: 1, defaultRateLimitCooldownMs: 2_000 });
    const call = router.complete('Hi', { route: openai });
    await retryScheduled(clock);
    await clock.advanceAsync(1_999);
    expect(server.requests).toHaveLength(1);
    await clock.advanceAsync(1);
    await expect(call).resolves.toMatchObject({ provider: 'openai' });
  });

  it('asks again the model that may answer, not another model of the same provider that does not exist', async () => {
    server.enqueue('openai', { kind: 'error', fixture: 'error-404-model-not-found' }, { kind: 'error', fixture: 'error-503-model-overloaded' });
    const { router, clock } = makeRouter({ maxRetries: 1, parallelAttempts: 1 });
    const route = [{ provider: 'openai', model: 'gpt-4o-nope' }, { provider: 'openai', model: 'gpt-4o-mini' }];
    const call = router.complete('Hi', { route });
    await retryScheduled(clock);
    await clock.advanceAsync(500);
    const result = await call;
    expect(result.model).toMatch(/^gpt-4o-mini/);
    expect(server.requests.map((request) => (request.body as { model: string }).model)).toEqual(['gpt-4o-nope', 'gpt-4o-mini', 'gpt-4o-mini']);
  });

  it('logs as skipped a candidate whose circuit opened before its round', async () => {
    // Anthropic rate-limits (a 2 s cooldown); openai's 503 opens its circuit (one failure opens it here, for 5 s).
    server.enqueue('anthropic', { kind: 'status', status: 429 });
    server.enqueue('openai', { kind: 'error', fixture: 'error-503-model-overloaded' });
    const { router, clock } = makeRouter({ maxRetries: 1, parallelAttempts: 1, breaker: { consecutiveFailures: 1, minimumCalls: 1, failureRateThreshold: 0.5 } });
    const call = router.complete('Hi', { route: anthropicAndOpenAI });
    await retryScheduled(clock);
    await clock.advanceAsync(2_000);
    const result = await call;
    expect(result.provider).toBe('anthropic');
    expect(result.attempts.map((attempt) => [attempt.provider, attempt.outcome])).toEqual([
      ['anthropic', 'failure'],
      ['openai', 'failure'],
      ['openai', 'skipped'],
      ['anthropic', 'success'],
    ]);
    expect(result.attempts[2]?.detail).toMatch(/circuit open/);
  });

  it('never retries an invalid request, and fails at once when no round could end before the deadline', async () => {
    server.enqueue('anthropic', { kind: 'error', fixture: 'error-400-invalid-request' });
    const { router } = makeRouter({ maxRetries: 3 });
    await expect(router.complete('Hi', { route: [anthropicAndOpenAI[0]!] })).rejects.toMatchObject({ reason: 'invalid_request' });
    expect(server.requests).toHaveLength(1);

    server.enqueue('openai', { kind: 'error', fixture: 'error-429-rate-limit-rpm', headers: { 'retry-after': '30' } });
    const short = makeRouter({ maxRetries: 3, timeoutMs: 10_000 });
    await expect(short.router.complete('Hi', { route: openai })).rejects.toBeInstanceOf(AllProvidersFailedError);
    expect(server.requests).toHaveLength(2);
  });

  it('a call may ask for its own number of retries, and a bad one is refused before any request', async () => {
    server.enqueue('openai', { kind: 'error', fixture: 'error-503-model-overloaded' });
    const { router, clock } = makeRouter();
    const call = router.complete('Hi', { route: openai, maxRetries: 1 });
    await retryScheduled(clock);
    await clock.advanceAsync(500);
    await expect(call).resolves.toMatchObject({ provider: 'openai' });
    await expect(router.complete('Hi', { maxRetries: -1 })).rejects.toThrow(/maxRetries must be an integer of at least 0/);
    expect(() => new BackupModelRouter({ maxRetries: Number.NaN })).toThrow(/maxRetries must be an integer/);
    expect(() => new BackupModelRouter({ retryBaseDelayMs: -5 })).toThrow(/retryBaseDelayMs must be/);
    expect(server.requests).toHaveLength(2);
  });

  it('retries a stream before its first token, silently', async () => {
    server.enqueue('openai', { kind: 'reset-before-headers' });
    const { router, clock } = makeRouter({ maxRetries: 1 });
    const stream = router.stream('Hi', { route: openai });
    const text = (async () => {
      let collected = '';
      for await (const chunk of stream) collected += chunk.type === 'text-delta' ? chunk.text : '';
      return collected;
    })();
    // A stream holds more timers (its first-token limit): time moves on until the retry has gone out.
    for (let step = 0; step < 40 && server.requests.length < 2; step += 1) {
      await clock.advanceAsync(25);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect((await text).length).toBeGreaterThan(0);
    const result = await stream.result;
    expect(result.attempts.map((attempt) => attempt.outcome)).toEqual(['failure', 'success']);
  });
});
