/**
 * Breakers driven by an injected clock, hedging, and a property test over random fault sequences,
 * all through real HTTP to the provider test server.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AllProvidersFailedError,
  BackupModelRouter,
  type RouterEvent,
  BackupModelsError,
  DeadlineExceededError,
  ProviderError,
} from '../src/index.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import type { ProviderBehavior } from '../src/testing/provider-behavior.js';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/provider-test-server.js';

let server: ProviderTestServer;
beforeAll(async () => {
  server = await startProviderTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

const groqThenOpenAI = [
  { provider: 'groq', model: 'llama-3.1-8b-instant' },
  { provider: 'openai', model: 'gpt-4o-mini' },
];

describe('circuit breaker through the router', () => {
  it('opens after consecutive failures, skips the provider, then lets one probe close it', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const router = new BackupModelRouter({
      env: server.environment(),
      clock,
      cacheEnabled: false,
      parallelAttempts: 1,
      breaker: { consecutiveFailures: 3, openDurationMs: 5_000 },
    });
    const changes: RouterEvent[] = [];
    router.onEvent((event) => {
      if (event.type === 'circuit-change') changes.push(event);
    });
    try {
      server.setBehavior('openai', { kind: 'success', text: 'openai' });
      // Groq has no recorded 5xx body: an empty 503, as a load balancer in front of it sends.
      server.setBehavior('groq', { kind: 'status', status: 503 });
      for (let call = 0; call < 3; call++) {
        const result = await router.complete(`call ${call}`, { route: groqThenOpenAI });
        expect(result.provider).toBe('openai');
      }
      expect(router.getHealthStatus().groq!.circuitState).toBe('open');
      expect(changes).toContainEqual({ type: 'circuit-change', provider: 'groq', from: 'closed', to: 'open' });

      const whileOpen = await router.complete('while open', { route: groqThenOpenAI });
      expect(whileOpen.attempts[0]).toMatchObject({ provider: 'groq', outcome: 'skipped', detail: 'circuit open' });
      expect(server.requests.filter((request) => request.provider === 'groq')).toHaveLength(3);

      server.setBehavior('groq', { kind: 'success', text: 'groq is back' });
      clock.advance(5_001);
      const probe = await router.complete('probe', { route: groqThenOpenAI });
      expect(probe.provider).toBe('groq');
      expect(router.getHealthStatus().groq!.circuitState).toBe('closed');
      expect(changes.map((change) => (change.type === 'circuit-change' ? change.to : ''))).toEqual(['open', 'half_open', 'closed']);
    } finally {
      await router.close();
    }
  });

  it('does not count invalid requests against a provider, however many', async () => {
    const router = new BackupModelRouter({ env: server.environment(), cacheEnabled: false, parallelAttempts: 3 });
    try {
      server.setBehavior('groq', { kind: 'error', fixture: 'error-404-model-not-found' });
      server.setBehavior('openai', { kind: 'error', fixture: 'error-400-unsupported-parameter-max_tokens' });
      for (let call = 0; call < 20; call++) {
        // Both OpenAI models refuse (the second opinion), and Groq's model is missing (after the first call, not asked).
        const error = await router
          .complete('bad request', { route: [{ provider: 'openai', model: 'o3-mini' }, ...groqThenOpenAI], parallelAttempts: 1 })
          .catch((caught: unknown) => caught);
        expect((error as ProviderError).reason).toBe('invalid_request');
      }
      expect(server.requests.filter((request) => request.provider === 'openai')).toHaveLength(40);
      expect(router.getHealthStatus().openai!).toMatchObject({ circuitState: 'closed', consecutiveFailures: 0 });
    } finally {
      await router.close();
    }
  });
});

describe('panic mode: every circuit open', () => {
  it('tries the provider nearest its probe instead of refusing the call', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const router = new BackupModelRouter({
      env: server.environment(),
      clock,
      cacheEnabled: false,
      parallelAttempts: 1,
      breaker: { consecutiveFailures: 2, openDurationMs: 60_000 },
    });
    const onlyGroq = [{ provider: 'groq', model: 'llama-3.1-8b-instant' }];
    try {
      server.setBehavior('groq', { kind: 'status', status: 503 });
      for (let call = 0; call < 2; call++) await router.complete(`call ${call}`, { route: onlyGroq }).catch(() => undefined);
      expect(router.getHealthStatus().groq!.circuitState).toBe('open');

      const stillDown = await router.complete('still down', { route: onlyGroq }).catch((error: unknown) => error);
      expect(stillDown).toBeInstanceOf(AllProvidersFailedError);
      expect((stillDown as AllProvidersFailedError).attempts.map((attempt) => [attempt.provider, attempt.outcome])).toEqual([
        ['groq', 'failure'],
      ]);

      server.setBehavior('groq', { kind: 'success', text: 'back before the probe' });
      const rescued = await router.complete('rescued', { route: onlyGroq });
      expect(rescued.content).toBe('back before the probe');
      expect(server.requests.filter((request) => request.provider === 'groq')).toHaveLength(4);
    } finally {
      await router.close();
    }
  });
});

describe('hedging', () => {
  it('starts the next candidate only after the delay, so a fast answer costs one request', async () => {
    server.setBehavior('groq', { kind: 'success', text: 'quick groq' });
    const router = new BackupModelRouter({ env: server.environment(), cacheEnabled: false, parallelAttempts: 3, hedge: { delayMs: 2_000 } });
    try {
      const result = await router.complete('hedged');
      expect(result.content).toBe('quick groq');
      expect(server.requests).toHaveLength(1);
    } finally {
      await router.close();
    }
  });

  it('rescues a straggler by starting the next candidate after the delay', async () => {
    server.setBehavior('groq', { kind: 'success', text: 'slow groq', latencyMs: 5_000 });
    server.setBehavior('openai', { kind: 'success', text: 'hedge won' });
    const router = new BackupModelRouter({ env: server.environment(), cacheEnabled: false, parallelAttempts: 3, hedge: { delayMs: 50 } });
    try {
      const result = await router.complete('hedged');
      expect(result.content).toBe('hedge won');
      expect(result.attempts.map((attempt) => [attempt.provider, attempt.outcome])).toEqual([
        ['openai', 'success'],
        ['groq', 'aborted'],
      ]);
      await server.waitForClientAbort({ provider: 'groq' });
    } finally {
      await router.close();
    }
  });
  it('waits its delay on the attempt that replaced a failed one, not on the failed one\'s clock', async () => {
    // Found by a review: groq failed at 400 ms and openai took its place, but the hedge timer set at groq's
    // start fired at 900 ms, 500 ms into openai's wait, and paid for a third request openai made needless.
    server.setBehavior('groq', { kind: 'status', status: 503, body: '<html>Service Unavailable</html>', contentType: 'text/html', latencyMs: 400 });
    server.setBehavior('openai', { kind: 'success', text: 'openai in time', latencyMs: 600 });
    const route = [
      { provider: 'groq', model: 'llama-3.1-8b-instant' },
      { provider: 'openai', model: 'gpt-4o-mini' },
      { provider: 'together', model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo' },
    ];
    const router = new BackupModelRouter({ env: server.environment(), cacheEnabled: false, parallelAttempts: 3, hedge: { delayMs: 900 } });
    try {
      const result = await router.complete('hedged after a failure', { route });
      expect(result.content).toBe('openai in time');
      expect(server.requests.filter((request) => request.provider === 'together')).toHaveLength(0);
    } finally {
      await router.close();
    }
  });
});

describe('property: every call ends in a result or a typed error, within its attempt limit', () => {
  const recordedRateLimit: Record<string, string> = {
    groq: 'error-429-rate-limit-tpm',
    openai: 'error-429-rate-limit-rpm',
    together: 'error-429-rate-limit',
  };
  const faults: ((provider: string) => ProviderBehavior)[] = [
    () => ({ kind: 'success', text: 'ok' }),
    () => ({ kind: 'status', status: 500 }),
    (provider) => ({ kind: 'error', fixture: recordedRateLimit[provider]!, headers: { 'retry-after': '0' } }),
    () => ({ kind: 'status', status: 502, body: '<html>bad gateway</html>', contentType: 'text/html' }),
    () => ({ kind: 'reset-before-headers' }),
    () => ({ kind: 'malformed-json' }),
    () => ({ kind: 'stall-before-headers' }),
    () => ({ kind: 'success', text: 'late', latencyMs: 150 }),
  ];

  it('holds over random fault sequences', async () => {
    const providers = ['groq', 'openai', 'together'];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...providers), fc.integer({ min: 0, max: faults.length - 1 })), { minLength: 1, maxLength: 9 }),
        fc.integer({ min: 1, max: 3 }),
        async (sequence, parallelAttempts) => {
          server.reset();
          // Once its queue is used up, a provider is down: only the queued successes can answer.
          for (const provider of providers) server.setBehavior(provider, { kind: 'status', status: 503 });
          for (const [provider, faultIndex] of sequence) server.enqueue(provider, faults[faultIndex]!(provider));
          const environment = server.environment(providers);
          const router = new BackupModelRouter({
            env: environment,
            catalog: undefined,
            cacheEnabled: false,
            parallelAttempts,
            timeoutMs: 1_000,
            defaultRateLimitCooldownMs: 1,
          });
          try {
            const result = await router.complete('property').then(
              (value) => ({ ok: true as const, value }),
              (error: unknown) => ({ ok: false as const, error }),
            );
            if (result.ok) {
              expect(['ok', 'late']).toContain(result.value.content.slice(0, 4).trim());
            } else {
              expect(BackupModelsError.isInstance(result.error)).toBe(true);
              expect(
                result.error instanceof AllProvidersFailedError ||
                  result.error instanceof DeadlineExceededError ||
                  ProviderError.isInstance(result.error),
              ).toBe(true);
            }
            const upstream = server.requests.length;
            expect(upstream).toBeLessThanOrEqual(providers.length);
          } finally {
            await router.close();
          }
          await server.waitFor(() => server.inFlight === 0, { timeoutMs: 2_000 });
        },
      ),
      { numRuns: 25 },
    );
  }, 90_000);
});
