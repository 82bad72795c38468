/**
 * Exponential backoff with jitter (AWS architecture blog, "Exponential Backoff And Jitter"): of the ceiling
 * min(maxMs, baseMs * 2^attempt), a share `jitterShare` is random and the rest fixed. Full jitter (the default,
 * 1) is a uniform delay in [0, ceiling); a smaller share never retries at once (0.5: "equal jitter").
 */

import { InvalidArgumentError } from '../errors.js';

export interface BackoffOptions {
  /** 0 for the first retry, 1 for the second, ... */
  attempt: number;
  baseMs: number;
  maxMs: number;
  /** The share of the ceiling that is random, from 0 (none) to 1 (all of it, the default). */
  jitterShare?: number;
  /** A source of numbers in [0, 1). Default Math.random. */
  random?: () => number;
}

/** Whole milliseconds, always within [0, maxMs]. */
export function backoffDelayMs(options: BackoffOptions): number {
  const { attempt, baseMs, maxMs } = options;
  if (!Number.isInteger(attempt) || attempt < 0) {
    throw new InvalidArgumentError({ argument: 'attempt', message: 'attempt must be an integer >= 0' });
  }
  if (!(Number.isFinite(baseMs) && baseMs >= 0) || !(Number.isFinite(maxMs) && maxMs >= 0)) {
    throw new InvalidArgumentError({ argument: 'baseMs', message: 'baseMs and maxMs must be finite numbers >= 0' });
  }
  const jitterShare = options.jitterShare ?? 1;
  if (!(jitterShare >= 0 && jitterShare <= 1)) {
    throw new InvalidArgumentError({ argument: 'jitterShare', message: 'jitterShare must be a number from 0 to 1' });
  }
  // 2 ** 1100 is Infinity, which Math.min copes with; 0 * Infinity is NaN, which it does not.
  const ceilingMs = baseMs === 0 ? 0 : Math.min(maxMs, baseMs * 2 ** attempt);
  const random = (options.random ?? Math.random)();
  // Clamp: a bad random source (1, negative, NaN) must not break the bound.
  const fraction = random >= 0 && random < 1 ? random : 0;
  return Math.min(maxMs, Math.floor((1 - jitterShare + jitterShare * fraction) * ceilingMs));
}
