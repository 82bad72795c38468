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

/** One failure of the round, and which candidate (`provider/model`) it was. */
export interface RoundFailure {
  readonly error: ProviderError;
  readonly target: string;
}

export interface RetryPlan {
  readonly delayMs: number;
  /** The candidates (`provider/model`) worth asking again: those whose failure may pass. */
  readonly targets: ReadonlySet<string>;
}

/** A round needs time of its own: none starts with less than this left before the deadline once its wait is over. */
export const minimumRoundMs = 1_000;

/**
 * Whether, when and whom to ask again after a round in which every candidate failed. A candidate is asked again
 * when its failure is retryable (`isRetryable`: its provider's own `x-should-retry` when it sent one, else
 * overload, server error, timeout, network or rate limit) and is no refusal of the request (`invalid_request`).
 * The wait is exponential with up to 25% jitter, and no shorter than the time until the first such candidate
 * may be asked at all (its Retry-After, or its provider's cooldown or open circuit, from `readyInMs`). No round that would start with less than
 * `minimumRoundMs` before the deadline: the caller gets the failures now rather than a timeout later. Pure.
 */
export function planRetryRound(options: {
  readonly failures: readonly RoundFailure[];
  /** The round it would be: 2 for the first retry. */
  readonly round: number;
  readonly retry: RetryOptions;
  readonly remainingMs: number;
  /** Milliseconds until a provider may be asked again (0 when it may now). */
  readonly readyInMs: (providerId: string) => number;
  /** A number in [0, 1). */
  readonly random: () => number;
}): RetryPlan | undefined {
  const { retry } = options;
  if (options.round - 1 > retry.retries) return undefined;
  // A refusal is never asked again of the candidate that made it, whatever its `x-should-retry`: the others give a second opinion.
  const retryable = options.failures.filter((failure) => failure.error.isRetryable && failure.error.reason !== 'invalid_request');
  if (retryable.length === 0) return undefined;
  const exponential = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (options.round - 2));
  const backoffMs = exponential * (1 - 0.25 * options.random());
  let firstReadyMs = Number.POSITIVE_INFINITY;
  for (const { error } of retryable) {
    firstReadyMs = Math.min(firstReadyMs, Math.max(error.retryAfterMs ?? 0, options.readyInMs(error.provider)));
  }
  const delayMs = Math.max(backoffMs, firstReadyMs);
  if (delayMs + minimumRoundMs > options.remainingMs) return undefined;
  return { delayMs, targets: new Set(retryable.map((failure) => failure.target)) };
}
