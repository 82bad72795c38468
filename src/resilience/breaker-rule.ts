/**
 * When should a circuit open? A rule answers that and nothing else; the state machine lives in
 * `CircuitBreaker`. (The split follows cockatiel's ConsecutiveBreaker and SamplingBreaker.)
 * Only health failures are reported to a rule: the router decides what counts (see `isHealthFailure`).
 */

import { InvalidArgumentError } from '../errors.js';

export interface BreakerRule {
  /** A call succeeded at `nowMs`. */
  success(nowMs: number): void;
  /** A call failed at `nowMs`. Returns true when the circuit should open now. */
  failure(nowMs: number): boolean;
  /** Forget everything, as after the circuit closes again. */
  reset(): void;
}

/** Opens after `threshold` failures in a row; any success starts the count again. */
export class ConsecutiveFailuresRule implements BreakerRule {
  private readonly threshold: number;
  private consecutiveFailures = 0;

  constructor(options: { threshold: number }) {
    requireInteger('threshold', options.threshold, 1);
    this.threshold = options.threshold;
  }

  success(_nowMs: number): void {
    this.consecutiveFailures = 0;
  }

  failure(_nowMs: number): boolean {
    this.consecutiveFailures++;
    return this.consecutiveFailures >= this.threshold;
  }

  reset(): void {
    this.consecutiveFailures = 0;
  }
}

export interface FailureRateRuleOptions {
  /** Fraction of failed calls in the window at which the circuit opens, in (0, 1]. */
  failureRate: number;
  /** Length of the sliding window. */
  windowMs: number;
  /** Calls needed in the window before the rate is trusted. */
  minimumCalls: number;
  /** Resolution of the window: it slides by `windowMs / bucketCount`. Default 10. */
  bucketCount?: number;
}

/**
 * Opens when at least `minimumCalls` calls happened within the last `windowMs` and the share of failures
 * among them reached `failureRate`. Memory is bounded: counts are kept in `bucketCount` time buckets.
 */
export class FailureRateRule implements BreakerRule {
  private readonly failureRate: number;
  private readonly minimumCalls: number;
  private readonly bucketMs: number;
  private readonly bucketEpochs: Float64Array;
  private readonly bucketSuccesses: Uint32Array;
  private readonly bucketFailures: Uint32Array;

  constructor(options: FailureRateRuleOptions) {
    const bucketCount = options.bucketCount ?? 10;
    if (!(options.failureRate > 0 && options.failureRate <= 1)) {
      throw new InvalidArgumentError({ argument: 'failureRate', message: 'failureRate must be in (0, 1]' });
    }
    requirePositive('windowMs', options.windowMs);
    requireInteger('minimumCalls', options.minimumCalls, 1);
    requireInteger('bucketCount', bucketCount, 1);
    this.failureRate = options.failureRate;
    this.minimumCalls = options.minimumCalls;
    this.bucketMs = options.windowMs / bucketCount;
    this.bucketEpochs = new Float64Array(bucketCount).fill(Number.NEGATIVE_INFINITY);
    this.bucketSuccesses = new Uint32Array(bucketCount);
    this.bucketFailures = new Uint32Array(bucketCount);
  }

  success(nowMs: number): void {
    this.bucketSuccesses[this.bucketFor(nowMs)]!++;
  }

  failure(nowMs: number): boolean {
    this.bucketFailures[this.bucketFor(nowMs)]!++;
    const oldestEpoch = Math.floor(nowMs / this.bucketMs) - this.bucketEpochs.length + 1;
    let calls = 0;
    let failures = 0;
    for (let index = 0; index < this.bucketEpochs.length; index++) {
      if (this.bucketEpochs[index]! < oldestEpoch) continue;
      calls += this.bucketSuccesses[index]! + this.bucketFailures[index]!;
      failures += this.bucketFailures[index]!;
    }
    return calls >= this.minimumCalls && failures >= this.failureRate * calls;
  }

  reset(): void {
    this.bucketEpochs.fill(Number.NEGATIVE_INFINITY);
    this.bucketSuccesses.fill(0);
    this.bucketFailures.fill(0);
  }

  /** The slot of the bucket covering `nowMs`, emptied first if it still holds an older bucket. */
  private bucketFor(nowMs: number): number {
    const epoch = Math.floor(nowMs / this.bucketMs);
    const index = ((epoch % this.bucketEpochs.length) + this.bucketEpochs.length) % this.bucketEpochs.length;
    if (this.bucketEpochs[index] !== epoch) {
      this.bucketEpochs[index] = epoch;
      this.bucketSuccesses[index] = 0;
      this.bucketFailures[index] = 0;
    }
    return index;
  }
}

/** Opens when any of `rules` says so. Every rule sees every outcome. */
export function anyOf(...rules: readonly BreakerRule[]): BreakerRule {
  return {
    success(nowMs) {
      for (const rule of rules) rule.success(nowMs);
    },
    failure(nowMs) {
      let open = false;
      // No short-circuit: each rule must count this failure.
      for (const rule of rules) open = rule.failure(nowMs) || open;
      return open;
    },
    reset() {
      for (const rule of rules) rule.reset();
    },
  };
}

/** Opens only when every one of `rules` says so. Every rule sees every outcome. */
export function allOf(...rules: readonly BreakerRule[]): BreakerRule {
  return {
    success(nowMs) {
      for (const rule of rules) rule.success(nowMs);
    },
    failure(nowMs) {
      let open = true;
      // No short-circuit: each rule must count this failure.
      for (const rule of rules) open = rule.failure(nowMs) && open;
      return open;
    },
    reset() {
      for (const rule of rules) rule.reset();
    },
  };
}

/** The window that judges a run of failures: what happened just now. */
const recentWindowMs = 5_000;

export interface DefaultBreakerRuleOptions {
  /** Failures in a row that open a circuit seeing few calls. Default 5. */
  readonly consecutiveFailures?: number;
  /** Share of failed calls in the window that opens it. Default 0.5. */
  readonly failureRate?: number;
  /** Calls in the window before the rate alone is trusted. Default 10. */
  readonly minimumCalls?: number;
  /** Default 30 s. */
  readonly windowMs?: number;
}

/**
 * The default: half of at least 10 calls within 30 s failed, or 5 failures in a row with at least half of
 * the last 5 s failed. A run of failures alone is not enough: at hundreds of calls a second a provider
 * failing one call in three has five in a row by chance every few seconds, and opening it then would refuse
 * calls it would have answered. The short window lets a provider that just went down open after its run,
 * however many successes it had before.
 */
export function defaultBreakerRule(options: DefaultBreakerRuleOptions = {}): BreakerRule {
  const failureRate = options.failureRate ?? 0.5;
  const windowMs = options.windowMs ?? 30_000;
  const consecutiveFailures = options.consecutiveFailures ?? 5;
  return anyOf(
    new FailureRateRule({ failureRate, windowMs, minimumCalls: options.minimumCalls ?? 10 }),
    allOf(
      new ConsecutiveFailuresRule({ threshold: consecutiveFailures }),
      new FailureRateRule({ failureRate, windowMs: Math.min(recentWindowMs, windowMs), minimumCalls: consecutiveFailures }),
    ),
  );
}

function requireInteger(argument: string, value: number, minimum: number): void {
  if (!Number.isInteger(value) || value < minimum) {
    throw new InvalidArgumentError({ argument, message: `${argument} must be an integer >= ${minimum}` });
  }
}

function requirePositive(argument: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new InvalidArgumentError({ argument, message: `${argument} must be a positive number of milliseconds` });
  }
}
