/**
 * A provider's refusal of a request as invalid (400 `invalid_request`) asks the next candidate for a second opinion
 * instead of ending the call: one refusal may be one vendor's quirk, and the call ends, with the first refusal's
 * error, only once `stopAfterInvalidRequests` distinct candidates (default 2) refused it. Real HTTP to the provider
 * test server replaying OpenAI's recorded 400 (`max_tokens` unsupported) and Anthropic's (an effort level refused),
 * in every strategy: sequential, a race, hedged, and a stream before its first token.
 */
import { describe, expect, it } from 'vitest';
import {
  AllProvidersFailedError,
  BackupModelRouter,
  type BackupModelRouterOptions,
  InvalidArgumentError,
  ProviderError,
  type RouteTarget,
  type RouterEvent,
} from '../src/index.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false });

const route: RouteTarget[] = [
  { provider: 'openai', model: 'gpt-4o-mini' },
  { provider: 'anthropic', model: 'claude-haiku-4-5-20251001' },
  { provider: 'google', model: 'gemini-2.5-flash' },
];
/** OpenAI's recorded refusal, the first of the route: the error a call that ends on refusals ends with. */
const openAIRefusal = "Unsupported parameter: 'max_tokens' is not supported with this model.";

const refuseAtOpenAI = (): void => harness.server.setBehavior('openai', { kind: 'error', fixture: 'error-400-unsupported-parameter-max_tokens' });
const refuseAtAnthropic = (): void => harness.server.setBehavior('anthropic', { kind: 'error', fixture: 'error-400-invalid-request' });
const requestsTo = (provider: string): number => harness.server.requests.filter((request) => request.provider === provider).length;

const strategies: readonly (readonly [string, BackupModelRouterOptions])[] = [
  ['sequential', { parallelAttempts: 1 }],
  ['hedged', { parallelAttempts: 3, hedge: { delayMs: 10_000 } }],
];

/** The call's answer as text, streamed or not. */
async function answer(router: BackupModelRouter, streamed: boolean): Promise<{ provider: string; attempts: readonly unknown[] }> {
  if (!streamed) return router.complete('Hi', { route });
  const stream = router.stream('Hi', { route });
  for await (const chunk of stream) void chunk;
  return stream.result;
}

describe('one refusal: the next candidate answers', () => {
  it.each([
    ...strategies.map(([name, options]) => [`${name}, complete`, options, false] as const),
    ...strategies.map(([name, options]) => [`${name}, stream`, options, true] as const),
  ])('%s', async (_name, options, streamed) => {
    refuseAtOpenAI();
    const router = harness.makeRouter(options);
    const result = await answer(router, streamed);
    expect(result.provider).toBe('anthropic');
    expect(result.attempts[0]).toMatchObject({ provider: 'openai', outcome: 'failure', reason: 'invalid_request', statusCode: 400 });
    expect([requestsTo('openai'), requestsTo('anthropic'), requestsTo('google')]).toEqual([1, 1, 0]);
  });

  it.each([false, true])('racing three (streamed: %s): the refusal does not stop the others, and the one in flight answers', async (streamed) => {
    refuseAtOpenAI();
    // Anthropic answers after OpenAI's refusal has come, and Google later still: the refusal is met first.
    harness.server.setBehavior('anthropic', { kind: 'success', latencyMs: 200 });
    harness.server.setBehavior('google', { kind: 'success', latencyMs: 5_000 });
    const router = harness.makeRouter({ parallelAttempts: 3 });
    const result = await answer(router, streamed);
    expect(result.provider).toBe('anthropic');
    expect(result.attempts).toContainEqual(expect.objectContaining({ provider: 'openai', outcome: 'failure', reason: 'invalid_request' }));
    expect(result.attempts).toContainEqual(expect.objectContaining({ provider: 'google', outcome: 'aborted' }));
  });
});

describe('two refusals: the call ends with the first', () => {
  it.each([
    ...strategies.map(([name, options]) => [`${name}, complete`, options, false] as const),
    ...strategies.map(([name, options]) => [`${name}, stream`, options, true] as const),
  ])('%s, and the third candidate is never asked', async (_name, options, streamed) => {
    refuseAtOpenAI();
    refuseAtAnthropic();
    const router = harness.makeRouter(options);
    const error = await answer(router, streamed).catch((caught: unknown) => caught);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'openai', reason: 'invalid_request', statusCode: 400 });
    expect((error as ProviderError).message).toContain(openAIRefusal);
    expect([requestsTo('openai'), requestsTo('anthropic'), requestsTo('google')]).toEqual([1, 1, 0]);
  });

  it('racing two: the second refusal ends the call, aborting the candidate the first refusal started', async () => {
    refuseAtOpenAI();
    harness.server.setBehavior('anthropic', { kind: 'error', fixture: 'error-400-invalid-request', latencyMs: 200 });
    harness.server.setBehavior('google', { kind: 'stall-before-headers' });
    const router = harness.makeRouter({ parallelAttempts: 2 });
    const attemptLog = { attempts: undefined };
    const error = await router.complete('Hi', { route, attemptLog }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ provider: 'openai', reason: 'invalid_request' });
    expect(attemptLog.attempts).toEqual([
      expect.objectContaining({ provider: 'openai', outcome: 'failure', reason: 'invalid_request' }),
      expect.objectContaining({ provider: 'anthropic', outcome: 'failure', reason: 'invalid_request' }),
      expect.objectContaining({ provider: 'google', outcome: 'aborted', detail: 'call stopped' }),
    ]);
  });

  it('tells an observer of each refusal, and counts neither against its provider', async () => {
    refuseAtOpenAI();
    refuseAtAnthropic();
    const router = harness.makeRouter({ parallelAttempts: 1, breaker: { consecutiveFailures: 2 } });
    const ended: RouterEvent[] = [];
    router.onEvent((event) => {
      if (event.type === 'attempt-end') ended.push(event);
    });
    for (let call = 0; call < 3; call += 1) await router.complete(`Hi ${call}`, { route }).catch(() => undefined);
    expect(ended.filter((event) => event.type === 'attempt-end' && event.attempt.reason === 'invalid_request')).toHaveLength(6);
    expect(ended.map((event) => (event.type === 'attempt-end' ? event.attempt.provider : ''))).toEqual(['openai', 'anthropic', 'openai', 'anthropic', 'openai', 'anthropic']);
    const health = router.getHealthStatus();
    for (const provider of ['openai', 'anthropic']) {
      expect(health[provider]).toMatchObject({ circuitState: 'closed', consecutiveFailures: 0, successRate: 1, cooldownUntilMs: null });
    }
  });
});

describe('stopAfterInvalidRequests', () => {
  it('1: the first refusal ends the call, as before', async () => {
    refuseAtOpenAI();
    const router = harness.makeRouter({ parallelAttempts: 1, stopAfterInvalidRequests: 1 });
    await expect(router.complete('Hi', { route })).rejects.toMatchObject({ provider: 'openai', reason: 'invalid_request' });
    expect([requestsTo('openai'), requestsTo('anthropic')]).toEqual([1, 0]);
  });

  it('3: two refusals fail over to a third that answers; with no third left, the call ends with the first refusal', async () => {
    refuseAtOpenAI();
    refuseAtAnthropic();
    const router = harness.makeRouter({ parallelAttempts: 1, stopAfterInvalidRequests: 3 });
    expect((await router.complete('Hi', { route })).provider).toBe('google');
    const everyOneRefused = await router.complete('Hi', { route: route.slice(0, 2) }).catch((caught: unknown) => caught);
    expect(everyOneRefused).not.toBeInstanceOf(AllProvidersFailedError);
    expect(everyOneRefused).toMatchObject({ provider: 'openai', reason: 'invalid_request' });
  });

  it.each([0, -1, 1.5, '2', Number.NaN])('refuses %s with an InvalidArgumentError naming it', (value) => {
    expect(() => new BackupModelRouter({ stopAfterInvalidRequests: value as number })).toThrow(
      expect.objectContaining({ name: 'InvalidArgumentError', argument: 'stopAfterInvalidRequests' }),
    );
    expect(() => new BackupModelRouter({ stopAfterInvalidRequests: value as number })).toThrow(InvalidArgumentError);
  });
});

describe('a refusal beside other failures', () => {
  it('ends with every failure, not the refusal, when another candidate failed otherwise', async () => {
    refuseAtOpenAI();
    harness.server.setBehavior('anthropic', { kind: 'error', fixture: 'error-529-overloaded' });
    const router = harness.makeRouter({ parallelAttempts: 1 });
    const error = await router.complete('Hi', { route: route.slice(0, 2) }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AllProvidersFailedError);
    expect((error as AllProvidersFailedError).errors.map((each) => [each.provider, each.reason])).toEqual([
      ['openai', 'invalid_request'],
      ['anthropic', 'overloaded'],
    ]);
  });

  it('is not asked again in a retry round: only the candidate whose failure may pass is', async () => {
    refuseAtOpenAI();
    harness.server.enqueue('anthropic', { kind: 'error', fixture: 'error-529-overloaded' });
    const router = harness.makeRouter({ parallelAttempts: 1, maxRetries: 1, retryBaseDelayMs: 0 });
    const result = await router.complete('Hi', { route: route.slice(0, 2) });
    expect(result.provider).toBe('anthropic');
    expect([requestsTo('openai'), requestsTo('anthropic')]).toEqual([1, 2]);
  });
});
