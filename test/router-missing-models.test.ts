/**
 * A model its provider answers 404 model_not_found for (retired: Gemini 1.5, Claude 3 Haiku; or a mistyped id)
 * is remembered as missing for the router's `missingModelPeriodMs` and left out of calls meanwhile, while the
 * provider's other models and the other providers serve. Real HTTP to the provider test server, which replays
 * each provider's recorded 404 body for the retired model and its recorded success for the others; time from an
 * injected clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AllProvidersFailedError, NoProviderAvailableError, type RouterEvent } from '../src/index.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { requestsFor, retireModel } from '../src/testing/missing-model.test-support.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false, parallelAttempts: 1 });
const hourMs = 60 * 60_000;
const startMs = Date.UTC(2026, 4, 1);

const retired = { provider: 'google', model: 'gemini-1.5-flash' } as const;
const served = { provider: 'google', model: 'gemini-2.5-flash' } as const;
const retiredThenServed = [retired, served];

let stopRetiring: (() => void) | undefined;
afterEach(() => {
  stopRetiring?.();
  stopRetiring = undefined;
});

function googleOnly(clock: ManualClock, missingModelPeriodMs?: number) {
  stopRetiring = retireModel(harness.server, retired);
  return harness.makeRouter({
    env: harness.server.environment(['google']),
    clock,
    ...(missingModelPeriodMs !== undefined ? { missingModelPeriodMs } : {}),
  });
}

describe('a model its provider reports missing', () => {
  it('is not asked again for an hour by default, while another model of the same provider answers', async () => {
    const clock = new ManualClock(startMs);
    const router = googleOnly(clock);

    const first = await router.complete('hi', { route: retiredThenServed });
    expect(first.provider).toBe('google');
    expect(first.attempts.map((attempt) => [attempt.model, attempt.outcome])).toEqual([[retired.model, 'failure'], [served.model, 'success']]);
    expect(first.attempts[0]?.reason).toBe('model_not_found');
    expect(requestsFor(harness.server, retired)).toHaveLength(1);

    const second = await router.complete('hi', { route: retiredThenServed });
    expect(second.attempts.map((attempt) => [attempt.model, attempt.outcome])).toEqual([[retired.model, 'skipped'], [served.model, 'success']]);
    expect(second.attempts[0]).toMatchObject({ model: retired.model, outcome: 'skipped', detail: expect.stringContaining('model_not_found') });
    expect(requestsFor(harness.server, retired)).toHaveLength(1);
    expect(requestsFor(harness.server, served)).toHaveLength(2);

    clock.advance(hourMs - 1);
    await router.complete('hi', { route: retiredThenServed });
    expect(requestsFor(harness.server, retired)).toHaveLength(1);

    clock.advance(1);
    const afterPeriod = await router.complete('hi', { route: retiredThenServed });
    expect(requestsFor(harness.server, retired)).toHaveLength(2);
    expect(afterPeriod.attempts[0]).toMatchObject({ model: retired.model, outcome: 'failure', reason: 'model_not_found' });
  });

  it('is left out of a stream too', async () => {
    const clock = new ManualClock(startMs);
    const router = googleOnly(clock);
    for (let index = 0; index < 2; index += 1) {
      const stream = router.stream('hi', { route: retiredThenServed });
      for await (const chunk of stream) void chunk;
      expect((await stream.result).attempts.at(-1)).toMatchObject({ model: served.model, outcome: 'success' });
    }
    expect(requestsFor(harness.server, retired)).toHaveLength(1);
  });

  it('shows in the health status with since and until, and counts against neither the circuit nor the success rate', async () => {
    const clock = new ManualClock(startMs);
    const router = googleOnly(clock, 10 * 60_000);
    const events: RouterEvent[] = [];
    router.onEvent((event) => events.push(event));
    await router.complete('hi', { route: retiredThenServed });

    const google = router.getHealthStatus().google;
    expect(google?.missingModels).toEqual([{ model: retired.model, sinceMs: startMs, untilMs: startMs + 10 * 60_000 }]);
    expect(google).toMatchObject({ circuitState: 'closed', successRate: 1, cooldownUntilMs: null });
    expect(events).toContainEqual({ type: 'model-missing', provider: 'google', model: retired.model, untilMs: startMs + 10 * 60_000 });
    expect(router.getHealthStatus().openai?.missingModels).toEqual([]);

    clock.advance(10 * 60_000);
    expect(router.getHealthStatus().google?.missingModels).toEqual([]);
  });

  it('is asked again after a health check of its provider succeeds', async () => {
    const clock = new ManualClock(startMs);
    const router = googleOnly(clock);
    await router.complete('hi', { route: retiredThenServed });
    expect(router.getHealthStatus().google?.missingModels).toHaveLength(1);

    expect(await router.healthCheck()).toMatchObject({ google: true });
    expect(router.getHealthStatus().google?.missingModels).toEqual([]);
    await router.complete('hi', { route: retiredThenServed });
    expect(requestsFor(harness.server, retired)).toHaveLength(2);
  });

  it('gives way to its provider\'s own model when it was the preferred model', async () => {
    const clock = new ManualClock(startMs);
    const router = googleOnly(clock);
    const preferred = { preferredProvider: 'google', preferredModel: retired.model, tier: 3 as const };
    const tierModel = router.providers.find((provider) => provider.id === 'google')?.definition.modelsByTier[3] ?? '';
    expect(tierModel).not.toBe(retired.model);
    // Only Google has a key: the first call has nobody else to fail over to.
    await expect(router.complete('hi', preferred)).rejects.toSatisfy((error) => AllProvidersFailedError.isInstance(error));

    const second = await router.complete('hi', preferred);
    expect(second.provider).toBe('google');
    expect(second.attempts.map((attempt) => [attempt.model, attempt.outcome])).toEqual([[retired.model, 'skipped'], [tierModel, 'success']]);
    expect(requestsFor(harness.server, retired)).toHaveLength(1);
    expect(requestsFor(harness.server, { provider: 'google', model: tierModel })).toHaveLength(1);
  });

  it('fails a call that has no other model at once, saying so, without sending it', async () => {
    const clock = new ManualClock(startMs);
    const router = googleOnly(clock);
    const onlyRetired = { route: [retired] };
    await expect(router.complete('hi', onlyRetired)).rejects.toSatisfy((error) => AllProvidersFailedError.isInstance(error));

    clock.advance(60_000);
    const failure = await router.complete('hi', onlyRetired).catch((error: unknown) => error);
    expect(NoProviderAvailableError.isInstance(failure)).toBe(true);
    const error = failure as NoProviderAvailableError;
    expect(error).toMatchObject({ everyModelMissing: true, noProviderConfigured: false, retryAfterMs: hourMs - 60_000 });
    expect(error.message).toContain('google/gemini-1.5-flash');
    expect(error.message).toContain('model_not_found');
    expect(requestsFor(harness.server, retired)).toHaveLength(1);
  });

  it('is remembered per model: another provider serving the same call is unaffected, and 0 remembers nothing', async () => {
    const clock = new ManualClock(startMs);
    stopRetiring = retireModel(harness.server, { provider: 'anthropic', model: 'claude-3-haiku-20240307' });
    const router = harness.makeRouter({ env: harness.server.environment(['anthropic', 'openai']), clock, missingModelPeriodMs: 0 });
    const route = [{ provider: 'anthropic', model: 'claude-3-haiku-20240307' }, { provider: 'openai', model: 'gpt-4o-mini' }];
    await router.complete('hi', { route });
    await router.complete('hi', { route });
    expect(requestsFor(harness.server, { provider: 'anthropic', model: 'claude-3-haiku-20240307' })).toHaveLength(2);
    expect(router.getHealthStatus().anthropic?.missingModels).toEqual([]);
  });
});
