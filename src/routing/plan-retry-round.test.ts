import { describe, expect, it } from 'vitest';
import { type FailureReason, ProviderError } from '../errors.js';
import { minimumRoundMs, planRetryRound } from './plan-retry-round.js';

const retry = { retries: 3, baseDelayMs: 500, maxDelayMs: 8_000 };
const failure = (provider: string, reason: FailureReason, extra: { retryAfterMs?: number; shouldRetry?: boolean; model?: string } = {}) => ({
  error: new ProviderError({ provider, reason, message: 'failed', ...extra }),
  target: `${provider}/${extra.model ?? 'm'}`,
});
type Failure = ReturnType<typeof failure>;
const plan = (failures: Failure[], round: number, options: { random?: number; remainingMs?: number; readyInMs?: (provider: string) => number } = {}) =>
  planRetryRound({ failures, round, retry, remainingMs: options.remainingMs ?? 60_000, readyInMs: options.readyInMs ?? (() => 0), random: () => options.random ?? 0 });

describe('planRetryRound', () => {
  it('doubles the wait each round up to the cap, less up to a quarter of jitter', () => {
    const failures = [failure('openai', 'server_error')];
    expect(plan(failures, 2)?.delayMs).toBe(500);
    expect(plan(failures, 3)?.delayMs).toBe(1_000);
    expect(plan(failures, 4, { random: 0.5 })?.delayMs).toBe(2_000 * 0.875);
    const many = { ...retry, retries: 10 };
    expect(planRetryRound({ failures, round: 9, retry: many, remainingMs: 60_000, readyInMs: () => 0, random: () => 0 })?.delayMs).toBe(8_000);
  });

  it('stops after the allowed rounds', () => {
    expect(plan([failure('openai', 'timeout')], 4)).toBeDefined();
    expect(plan([failure('openai', 'timeout')], 5)).toBeUndefined();
  });

  it('names only the candidates whose failure may pass, by reason or by their provider\'s own advice', () => {
    const failures = [
      failure('openai', 'overloaded', { model: 'gpt-4o-mini' }),
      failure('openai', 'model_not_found', { model: 'gpt-5-nope' }),
      failure('groq', 'authentication'),
      failure('google', 'model_not_found', { shouldRetry: true }),
      failure('together', 'server_error', { shouldRetry: false }),
    ];
    expect([...(plan(failures, 2)?.targets ?? [])]).toEqual(['openai/gpt-4o-mini', 'google/m']);
    expect(plan([failure('groq', 'authentication'), failure('openai', 'content_filter')], 2)).toBeUndefined();
  });

  it('never names a candidate that refused the request as invalid, even when its provider advised retrying', () => {
    const failures = [failure('anthropic', 'invalid_request', { shouldRetry: true }), failure('openai', 'server_error')];
    expect([...(plan(failures, 2)?.targets ?? [])]).toEqual(['openai/m']);
    expect(plan([failure('anthropic', 'invalid_request', { shouldRetry: true })], 2)).toBeUndefined();
  });

  it('waits until the first such candidate may be asked: its Retry-After, or its cooldown', () => {
    const limited = [failure('openai', 'rate_limit', { retryAfterMs: 3_000 }), failure('groq', 'rate_limit', { retryAfterMs: 2_000 })];
    expect(plan(limited, 2)?.delayMs).toBe(2_000);
    expect(plan([failure('openai', 'rate_limit', { retryAfterMs: 3_000 }), failure('groq', 'network')], 2)?.delayMs).toBe(500);
    // A 429 without Retry-After: the provider cools down for 2 s; asking sooner would find it left out.
    expect(plan([failure('openai', 'rate_limit')], 2, { readyInMs: () => 2_000 })?.delayMs).toBe(2_000);
  });

  it('starts no round that would have less than a second before the deadline', () => {
    expect(plan([failure('openai', 'network')], 2, { remainingMs: 500 + minimumRoundMs })).toBeDefined();
    expect(plan([failure('openai', 'network')], 2, { remainingMs: 499 + minimumRoundMs })).toBeUndefined();
    expect(plan([failure('openai', 'rate_limit', { retryAfterMs: 3_000 })], 2, { remainingMs: 3_500 })).toBeUndefined();
    expect(plan([failure('openai', 'overloaded')], 2, { readyInMs: () => Number.POSITIVE_INFINITY })).toBeUndefined();
  });
});
