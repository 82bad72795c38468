/**
 * A call without a route takes the selection remembered for its preference only while everything it depends on
 * reads as it did (routing/remembered-selections.ts): a change is seen by the very next call. Real HTTP to the
 * provider test server.
 */
import { describe, expect, it } from 'vitest';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false, parallelAttempts: 1 });

describe('the selection remembered for calls of one kind', () => {
  it('sees a key removed and another set between two calls', async () => {
    const env = harness.server.environment(['groq', 'together']);
    delete env.TOGETHER_API_KEY;
    const router = harness.makeRouter({ env });
    expect((await router.complete('first')).provider).toBe('groq');
    expect((await router.complete('second')).provider).toBe('groq');
    delete env.GROQ_API_KEY;
    env.TOGETHER_API_KEY = harness.server.apiKeyFor('together');
    const afterChange = await router.complete('third');
    expect(afterChange.provider).toBe('together');
    expect(afterChange.attempts.map((attempt) => `${attempt.provider} ${attempt.outcome}`)).toEqual(['together success']);
  });

  it('sees a circuit that opened: the next call asks it as the last resort, not as a candidate', async () => {
    const router = harness.makeRouter({ env: harness.server.environment(['groq']), breaker: { consecutiveFailures: 1 } });
    expect((await router.complete('first')).provider).toBe('groq');
    harness.server.enqueue('groq', { kind: 'status', status: 503 });
    await expect(router.complete('second')).rejects.toMatchObject({ name: 'AllProvidersFailedError' });
    expect(router.getHealthStatus().groq!.circuitState).toBe('open');
    // Its only provider's circuit open: the call tries it anyway (panic mode), through its breaker.
    const lastResort = await router.complete('third');
    expect(lastResort.provider).toBe('groq');
    expect(harness.server.requests.filter((request) => request.provider === 'groq')).toHaveLength(3);
  });
});
