/**
 * Issue 8, faults: rate limits with every kind of Retry-After, an exhausted quota, and a key that goes bad
 * after a rotation. Real HTTP to the provider test server replaying the recorded error bodies; time is a
 * ManualClock, so cooldowns are checked to the millisecond and a router that waited would hang the test.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AllProvidersFailedError,
  BackupModelRouter,
  type BackupModelRouterOptions,
  NoProviderAvailableError,
  type RouteTarget,
} from '../src/index.js';
import { maximumRetryAfterMs } from '../src/http/retry-after.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/index.js';

/** Retry-After dates are compared with this instant: one minute before the RFC 9110 example date. */
const startMs = Date.parse('Wed, 21 Oct 2015 07:27:00 GMT');
const defaultRateLimitCooldownMs = 2_000;
const credentialCooldownMs = 10 * 60_000;

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

function makeRouter(options: BackupModelRouterOptions & { clock: ManualClock }): BackupModelRouter {
  const router = new BackupModelRouter({
    env: server.environment(),
    cacheEnabled: false,
    parallelAttempts: 1,
    defaultRateLimitCooldownMs,
    credentialCooldownMs,
    timeoutMs: 5_000,
    ...options,
  });
  routers.push(router);
  return router;
}

const anthropicThenOpenAI: RouteTarget[] = [
  { provider: 'anthropic', model: 'claude-haiku-4-5-20251001' },
  { provider: 'openai', model: 'gpt-4o-mini' },
];
const onlyAnthropic: RouteTarget[] = [anthropicThenOpenAI[0]!];

const requestsTo = (provider: string): number => server.requests.filter((request) => request.provider === provider).length;

describe('429 with a Retry-After header: parsed safely, the provider cools down for the right time', () => {
  // Anthropic's recorded 429 (body and headers, `retry-after: 16`), with the header replaced.
  it.each([
    ['seconds', '30', 30_000],
    ['seconds with a fraction', '1.5', 1_500],
    ['an HTTP date', 'Wed, 21 Oct 2015 07:28:00 GMT', 60_000],
    ['negative', '-5', defaultRateLimitCooldownMs],
    ['garbage', 'soon, maybe', defaultRateLimitCooldownMs],
    ['a number with junk', '12abc', defaultRateLimitCooldownMs],
    ['an exponent', '1e3', defaultRateLimitCooldownMs],
    ['empty', '', defaultRateLimitCooldownMs],
    ['huge seconds', '99999999999999999999', maximumRetryAfterMs],
    ['a date in ten years', 'Thu, 21 Oct 2025 07:27:00 GMT', maximumRetryAfterMs],
  ])('%s (%j): cooldown of the expected length, the call moves on at once', async (_name, retryAfter, expectedCooldownMs) => {
    const clock = new ManualClock(startMs);
    const router = makeRouter({ clock });
    server.setBehavior('anthropic', { kind: 'error', fixture: 'error-429-rate-limit', headers: { 'retry-after': retryAfter } });
    server.setBehavior('openai', { kind: 'success', text: 'openai answered' });

    const first = await router.complete('first', { route: anthropicThenOpenAI });
    expect(first.provider).toBe('openai');
    expect(first.attempts.map((attempt) => [attempt.provider, attempt.outcome, attempt.reason])).toEqual([
      ['anthropic', 'failure', 'rate_limit'],
      ['openai', 'success', undefined],
    ]);
    const health = router.getHealthStatus().anthropic!;
    expect(health.cooldownReason).toBe('rate_limit');
    expect(health.cooldownUntilMs).toBe(startMs + expectedCooldownMs);
    // A rate limit is not the provider's ill health.
    expect(health.circuitState).toBe('closed');

    // While it cools down, later calls skip it without a request.
    clock.advance(expectedCooldownMs - 1);
    const during = await router.complete('during', { route: anthropicThenOpenAI });
    expect(during.attempts[0]).toMatchObject({ provider: 'anthropic', outcome: 'skipped', detail: 'cooling down after rate_limit' });
    expect(requestsTo('anthropic')).toBe(1);

    // Once the wait is over it is tried again.
    clock.advance(1);
    server.setBehavior('anthropic', { kind: 'success', text: 'anthropic is back' });
    const after = await router.complete('after', { route: anthropicThenOpenAI });
    expect(after.provider).toBe('anthropic');
    expect(requestsTo('anthropic')).toBe(2);
  });

  it('a date already past: no cooldown at all, the next call tries the provider again', async () => {
    const clock = new ManualClock(startMs);
    const router = makeRouter({ clock });
    server.enqueue('anthropic', { kind: 'error', fixture: 'error-429-rate-limit', headers: { 'retry-after': 'Wed, 21 Oct 2015 07:00:00 GMT' } });
    await router.complete('first', { route: anthropicThenOpenAI });
    expect(router.getHealthStatus().anthropic!.cooldownUntilMs).toBeNull();
    const second = await router.complete('second', { route: anthropicThenOpenAI });
    expect(second.provider).toBe('anthropic');
  });

  it('the wait does not fit the deadline: the call never sleeps on it, it fails at once with the wait', async () => {
    // The clock never moves: a router that slept until the Retry-After, or retried, would hang here.
    const clock = new ManualClock(startMs);
    const router = makeRouter({ clock, timeoutMs: 5_000 });
    server.setBehavior('anthropic', { kind: 'error', fixture: 'error-429-rate-limit', headers: { 'retry-after': '30' } });
    const error = await router.complete('only anthropic', { route: onlyAnthropic }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AllProvidersFailedError);
    expect((error as AllProvidersFailedError).retryAfterMs).toBe(30_000);
    expect(requestsTo('anthropic')).toBe(1);

    // The next call does not even ask: it says when to come back.
    const skipped = await router.complete('again', { route: onlyAnthropic }).catch((caught: unknown) => caught);
    expect(skipped).toBeInstanceOf(NoProviderAvailableError);
    expect((skipped as NoProviderAvailableError).retryAfterMs).toBe(30_000);
    expect(requestsTo('anthropic')).toBe(1);
  });

  it('a wait that fits the deadline is not slept on either: the call moves on to the next provider', async () => {
    const clock = new ManualClock(startMs);
    const router = makeRouter({ clock, timeoutMs: 60_000 });
    server.setBehavior('anthropic', { kind: 'error', fixture: 'error-429-rate-limit', headers: { 'retry-after': '1' } });
    const result = await router.complete('moves on', { route: anthropicThenOpenAI });
    expect(result.provider).toBe('openai');
    expect(requestsTo('anthropic')).toBe(1);
  });

  it("a body's wait is used when the header is garbage (Groq's recorded 429: \"try again in 1.984999999s\")", async () => {
    const clock = new ManualClock(startMs);
    const router = makeRouter({ clock });
    server.setBehavior('groq', { kind: 'error', fixture: 'error-429-rate-limit-tpm', headers: { 'retry-after': 'garbage' } });
    const result = await router.complete('groq first', {
      route: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }, anthropicThenOpenAI[1]!],
    });
    expect(result.provider).toBe('openai');
    expect(router.getHealthStatus().groq!.cooldownUntilMs).toBe(startMs + 1_985);
  });
});

describe('an exhausted quota or a bad key: no retry, kept out, later calls skip it', () => {
  it("insufficient_quota (OpenAI's recorded 429): one request, the long cooldown, skipped until it ends", async () => {
    const clock = new ManualClock(startMs);
    const router = makeRouter({ clock, parallelAttempts: 3 });
    server.setBehavior('openai', { kind: 'error', fixture: 'error-429-insufficient-quota' });
    const route: RouteTarget[] = [
      { provider: 'openai', model: 'gpt-4o-mini' },
      { provider: 'groq', model: 'llama-3.1-8b-instant' },
    ];
    for (let call = 0; call < 20; call++) {
      const result = await router.complete(`call ${call}`, { route, parallelAttempts: 1 });
      expect(result.provider).toBe('groq');
    }
    expect(requestsTo('openai')).toBe(1);
    const openai = router.getHealthStatus().openai!;
    expect(openai.cooldownReason).toBe('quota_exhausted');
    expect(openai.cooldownUntilMs).toBe(startMs + credentialCooldownMs);
    // Not retried even though 429 usually means "wait": this one says the money is gone.
    expect(openai.circuitState).toBe('closed');

    clock.advance(credentialCooldownMs);
    server.setBehavior('openai', { kind: 'success', text: 'quota topped up' });
    const later = await router.complete('after the cooldown', { route, parallelAttempts: 1 });
    expect(later.provider).toBe('openai');
    expect(requestsTo('openai')).toBe(2);
  });

  it("a key rotated to a bad one (OpenAI's recorded 401): the new key is read at once, refused once, then kept out", async () => {
    const clock = new ManualClock(startMs);
    const env: Record<string, string | undefined> = { ...server.environment() };
    const router = makeRouter({ clock, env });
    const route: RouteTarget[] = [
      { provider: 'openai', model: 'gpt-4o-mini' },
      { provider: 'together', model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo' },
    ];
    expect((await router.complete('before the rotation', { route })).provider).toBe('openai');

    env.OPENAI_API_KEY = 'rotated-key-that-was-revoked';
    server.setBehavior('openai', { kind: 'error', fixture: 'error-401-invalid-api-key' });
    for (let call = 0; call < 10; call++) {
      const result = await router.complete(`after the rotation ${call}`, { route });
      expect(result.provider).toBe('together');
    }
    // The rotated key reached the provider (read at call time), once.
    const openaiRequests = server.requests.filter((request) => request.provider === 'openai');
    expect(openaiRequests).toHaveLength(2);
    expect(openaiRequests[1]!.headers.authorization).toBe('Bearer rotated-key-that-was-revoked');
    const openai = router.getHealthStatus().openai!;
    expect(openai.cooldownReason).toBe('authentication');
    expect(openai.cooldownUntilMs).toBe(startMs + credentialCooldownMs);
    expect(openai.lastFailureReason).toBe('authentication');
  });

  it('a bad key on the only provider fails fast and typed, and is not asked again', async () => {
    const clock = new ManualClock(startMs);
    const router = makeRouter({ clock });
    server.setBehavior('anthropic', { kind: 'error', fixture: 'error-401-authentication' });
    const first = await router.complete('one', { route: onlyAnthropic }).catch((caught: unknown) => caught);
    expect(first).toBeInstanceOf(AllProvidersFailedError);
    expect((first as AllProvidersFailedError).errors.map((error) => error.reason)).toEqual(['authentication']);
    const second = await router.complete('two', { route: onlyAnthropic }).catch((caught: unknown) => caught);
    expect(second).toBeInstanceOf(NoProviderAvailableError);
    expect((second as NoProviderAvailableError).retryAfterMs).toBe(credentialCooldownMs);
    expect(requestsTo('anthropic')).toBe(1);
  });
});
