/**
 * A health check that finds a provider answering lets its open circuit probe at the next call, instead of at the
 * end of an open period that doubles with each failed probe (up to a minute). Found by bench/versus-others.js: after
 * an outage the router came back to the first provider only at its next probe, 10 s on, while Portkey (stateless)
 * was back at once. The probe still decides: a check proves the provider answers, not that its calls do. Real HTTP to
 * the provider test server with OpenAI's recorded 503; the router's time is a ManualClock.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BackupModelRouter } from '../src/index.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/provider-test-server.js';

const clock = new ManualClock(Date.UTC(2026, 0, 1));
let server: ProviderTestServer;
let router: BackupModelRouter;

const openAIThenGroq = [
  { provider: 'openai', model: 'gpt-4o-mini' },
  { provider: 'groq', model: 'llama-3.1-8b-instant' },
];
const overloaded = { kind: 'error', fixture: 'error-503-model-overloaded' } as const;

beforeAll(async () => {
  server = await startProviderTestServer();
});
afterAll(async () => server.close());
afterEach(async () => router.close());

/** OpenAI overloaded until its circuit opens, then a failed probe: open for 10 s from now. */
async function openAICircuitBackedOff(): Promise<void> {
  server.reset();
  router = new BackupModelRouter({ env: server.environment(['openai', 'groq']), clock, cacheEnabled: false, parallelAttempts: 1 });
  server.setBehavior('openai', overloaded);
  for (let call = 0; call < 5; call += 1) await router.complete(`During the outage ${call}`, { route: openAIThenGroq });
  expect(router.getHealthStatus().openai).toMatchObject({ circuitState: 'open', cooldownUntilMs: clock.now() + 5_000 });
  clock.advance(5_000);
  const probed = await router.complete('The first probe', { route: openAIThenGroq });
  expect(probed.attempts.map((attempt) => [attempt.provider, attempt.outcome])).toEqual([
    ['openai', 'failure'],
    ['groq', 'success'],
  ]);
  expect(router.getHealthStatus().openai).toMatchObject({ circuitState: 'open', cooldownUntilMs: clock.now() + 10_000 });
}

describe('a health check that finds an open provider answering', () => {
  it('lets its next call probe it: recovered, the provider answers again at once and its circuit closes', async () => {
    await openAICircuitBackedOff();
    server.setBehavior('openai', { kind: 'success' });
    clock.advance(1_000);
    const beforeCheck = await router.complete('Recovered, not yet checked', { route: openAIThenGroq });
    expect(beforeCheck.attempts[0]).toMatchObject({ provider: 'openai', outcome: 'skipped', detail: 'circuit open' });

    expect(await router.healthCheck()).toMatchObject({ openai: true });
    const afterCheck = await router.complete('Recovered and checked', { route: openAIThenGroq });
    expect(afterCheck.provider).toBe('openai');
    expect(router.getHealthStatus().openai).toMatchObject({ circuitState: 'closed', cooldownUntilMs: null });
  });

  it('keeps the backoff when the probe fails: the models list answers while its calls are still overloaded', async () => {
    await openAICircuitBackedOff();
    clock.advance(1_000);
    // The check's models list answers (one success queued ahead of the overloaded default); the call that follows does not.
    server.enqueue('openai', { kind: 'success' });
    expect(await router.healthCheck()).toMatchObject({ openai: true });
    const probed = await router.complete('Checked, still overloaded', { route: openAIThenGroq });
    expect(probed.attempts.map((attempt) => [attempt.provider, attempt.outcome])).toEqual([
      ['openai', 'failure'],
      ['groq', 'success'],
    ]);
    // The second failed probe doubles the open period again: 20 s.
    expect(router.getHealthStatus().openai).toMatchObject({ circuitState: 'open', cooldownUntilMs: clock.now() + 20_000 });
  });
});
