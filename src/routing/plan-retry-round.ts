import type { ProviderError } from '../errors.js';

/** Another round over the providers when every candidate failed: off by default, as failover is the retry. */
export interface RetryOptions {
  /** Rounds after the first. Default 0. */
  readonly retries: number;
  /** Wait before the first retry; it doubles each round. Default 500 ms, as OpenAI's and Anthropic's SDKs. */
  readonly baseDelayMs: number;
  /** Cap on the wait. Default 8 s. */
  readonly maxDelayMs: number;
}

export interface RetryPlan {
  readonly delayMs: number;
  /** The providers worth asking again: those whose failure may pass (not a bad key, not an invalid request). */
  readonly providers: ReadonlySet<string>;
}

/**
 * Whether, when and whom to ask again after a round in which every candidate failed. A provider is asked again
 * when its failure is retryable (`isRetryable`: its own `x-should-retry` when it sent one, else overload, server
 * error, timeout, network or rate limit). The wait is exponential with up to 25% jitter, and no shorter than
 * the shortest Retry-After when every such failure gave one. No round that could not finish before the
 * deadline: the caller gets the failures now rather than a timeout later. Pure.
 */
export function planRetryRound(options: {
  readonly errors: readonly ProviderError[];
  /** The round it would be: 2 for the first retry. */
  readonly round: number;
  readonly retry: RetryOptions;
  readonly remainingMs: number;
  /** A number in [0, 1). */
  readonly random: () => number;
}): RetryPlan | undefined {
  const { errors, retry } = options;
  if (options.round - 1 > retry.retries) return undefined;
  const retryable = errors.filter((error) => error.isRetryable);
  if (retryable.length === 0) return undefined;
  const exponential = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (options.round - 2));
  const backoffMs = exponential * (1 - 0.25 * options.random());
  let shortestRetryAfterMs = Number.POSITIVE_INFINITY;
  for (const error of retryable) shortestRetryAfterMs = Math.min(shortestRetryAfterMs, error.retryAfterMs ?? backoffMs);
  const delayMs = Math.max(backoffMs, shortestRetryAfterMs);
  if (delayMs >= options.remainingMs) return undefined;
  return { delayMs, providers: new Set(retryable.map((error) => error.provider)) };
}
