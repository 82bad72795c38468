import { describe, expect, it } from 'vitest';
import { type FailureReason, ProviderError } from '../errors.js';
import { planRetryRound } from './plan-retry-round.js';

const retry = { retries: 3, baseDelayMs: 500, maxDelayMs: 8_000 };
const failure = (provider: string, reason: FailureReason, extra: { retryAfterMs?: number; shouldRetry?: boolean } = {}) =>
  new ProviderError({ provider, reason, message: 'failed', ...extra });
const plan = (errors: ProviderError[], round: number, random = 0, remainingMs = 60_000) =>
  planRetryRound({ errors, round, retry, remainingMs, random: () => random });

describe('planRetryRound', () => {
  it('doubles the wait each round up to the cap, less up to a quarter of jitter', () => {
    const errors = [failure('openai', 'server_error')];
    expect(plan(errors, 2)?.delayMs).toBe(500);
    expect(plan(errors, 3)?.delayMs).toBe(1_000);
    expect(plan(errors, 4, 0.5)?.delayMs).toBe(2_000 * 0.875);
    expect(planRetryRound({ errors, round: 9, retry: { ...retry, retries: 10 }, remainingMs: 60_000, random: () => 0 })?.delayMs).toBe(8_000);
  });

  it('stops after the allowed rounds', () => {
    expect(plan([failure('openai', 'timeout')], 4)).toBeDefined();
    expect(plan([failure('openai', 'timeout')], 5)).toBeUndefined();
  });

  it('names only the providers whose failure may pass, by reason or by their own advice', () => {
    const errors = [
      failure('openai', 'overloaded'),
      failure('groq', 'authentication'),
      failure('google', 'invalid_request', { shouldRetry: true }),
      failure('together', 'server_error', { shouldRetry: false }),
    ];
    expect([...(plan(errors, 2)?.providers ?? [])]).toEqual(['openai', 'google']);
    expect(plan([failure('groq', 'authentication'), failure('openai', 'content_filter')], 2)).toBeUndefined();
  });

  it('waits for the shortest Retry-After when every retryable failure gave one, and not past the deadline', () => {
    expect(plan([failure('openai', 'rate_limit', { retryAfterMs: 3_000 }), failure('groq', 'rate_limit', { retryAfterMs: 2_000 })], 2)?.delayMs).toBe(2_000);
    // One failure without a Retry-After may be asked again after the backoff alone.
    expect(plan([failure('openai', 'rate_limit', { retryAfterMs: 3_000 }), failure('groq', 'network')], 2)?.delayMs).toBe(500);
    expect(plan([failure('openai', 'rate_limit', { retryAfterMs: 3_000 })], 2, 0, 3_000)).toBeUndefined();
    expect(plan([failure('openai', 'network')], 2, 0, 400)).toBeUndefined();
  });
});
