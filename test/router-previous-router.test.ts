/**
 * A router made to replace another (`previousRouter`, as the gateway's configuration reload makes one) keeps what
 * the previous one knew of the providers still at the same upstream: an open circuit, a rate-limit cooldown and the
 * cached answers; a refused key's cooldown is not kept, and a provider moved elsewhere starts afresh. Real HTTP to
 * the provider test server, time from a manual clock.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness();
const onlyGroq = [{ provider: 'groq', model: 'llama-3.1-8b-instant' }];
const groqThenOpenAI = [...onlyGroq, { provider: 'openai', model: 'gpt-4o-mini' }];
const requestsTo = (provider: string): number => harness.server.requests.filter((request) => request.provider === provider).length;

describe('a router made with previousRouter', () => {
  it('keeps an open circuit of a provider at the same upstream, and skips it as the previous router did', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const options = { clock, cacheEnabled: false, parallelAttempts: 1, breaker: { consecutiveFailures: 2, openDurationMs: 60_000 } };
    const previous = harness.makeRouter(options);
    harness.server.setBehavior('groq', { kind: 'status', status: 503 });
    harness.server.setBehavior('openai', { kind: 'success', text: 'openai' });
    for (let call = 0; call < 2; call++) await previous.complete(`call ${call}`, { route: groqThenOpenAI });
    expect(previous.getHealthStatus().groq!.circuitState).toBe('open');

    const next = harness.makeRouter({ ...options, previousRouter: previous });
    expect(next.getHealthStatus().groq!.circuitState).toBe('open');
    const result = await next.complete('after the reload', { route: groqThenOpenAI });
    expect(result.attempts[0]).toMatchObject({ provider: 'groq', outcome: 'skipped', detail: 'circuit open' });
    expect(requestsTo('groq')).toBe(2);
  });

  it('starts afresh for a provider whose base URL changed', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const options = { clock, cacheEnabled: false, parallelAttempts: 1, breaker: { consecutiveFailures: 2, openDurationMs: 60_000 } };
    const previous = harness.makeRouter(options);
    harness.server.setBehavior('groq', { kind: 'status', status: 503 });
    for (let call = 0; call < 2; call++) await previous.complete(`call ${call}`, { route: onlyGroq }).catch(() => undefined);
    expect(previous.getHealthStatus().groq!.circuitState).toBe('open');

    // The same test server under another path: another upstream as far as the router can tell.
    const env = { ...harness.server.environment(), GROQ_BASE_URL: `${harness.server.url}/moved/v1` };
    const next = harness.makeRouter({ ...options, env, previousRouter: previous });
    expect(next.getHealthStatus().groq!.circuitState).toBe('closed');
  });

  it("keeps a rate limit's cooldown but not a refused key's: the new key gets its try", async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const options = { clock, cacheEnabled: false, parallelAttempts: 1 };
    const previous = harness.makeRouter(options);
    harness.server.setBehavior('openai', { kind: 'error', fixture: 'error-401-invalid-api-key' });
    harness.server.setBehavior('groq', { kind: 'error', fixture: 'error-429-rate-limit-tpm', headers: { 'retry-after': '30' } });
    await previous.complete('refused', { route: [{ provider: 'openai', model: 'gpt-4o-mini' }] }).catch(() => undefined);
    await previous.complete('rate limited', { route: onlyGroq }).catch(() => undefined);
    expect(previous.getHealthStatus().openai!.cooldownReason).toBe('authentication');
    expect(previous.getHealthStatus().groq!.cooldownReason).toBe('rate_limit');

    const next = harness.makeRouter({ ...options, previousRouter: previous });
    expect(next.getHealthStatus().openai!.cooldownReason).toBeNull();
    expect(next.getHealthStatus().groq!.cooldownReason).toBe('rate_limit');
    harness.server.setBehavior('openai', { kind: 'success', text: 'the new key works' });
    const result = await next.complete('with the new key', { route: [{ provider: 'openai', model: 'gpt-4o-mini' }] });
    expect(result.content).toBe('the new key works');
  });

  it("answers from the previous router's cache, which the previous router's close() leaves open", async () => {
    const previous = harness.makeRouter();
    harness.server.setBehavior('groq', { kind: 'success', text: 'cached once' });
    const first = await previous.complete('Same question', { route: onlyGroq });
    expect(first.cached).toBe(false);

    const next = harness.makeRouter({ previousRouter: previous });
    await previous.close();
    const again = await next.complete('Same question', { route: onlyGroq });
    expect(again).toMatchObject({ content: 'cached once', cached: true });
    expect(requestsTo('groq')).toBe(1);
  });
});
