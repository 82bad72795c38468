/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"):
 * a uniform random delay in [0, min(maxMs, baseMs * 2^attempt)).
 */

import { InvalidArgumentError } from '../errors.js';

export interface BackoffOptions {
  /** 0 for the first retry, 1 for the second, ... */
  attempt: number;
  baseMs: number;
  maxMs: number;
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
  // 2 ** 1100 is Infinity, which Math.min copes with; 0 * Infinity is NaN, which it does not.
  const ceilingMs = baseMs === 0 ? 0 : Math.min(maxMs, baseMs * 2 ** attempt);
  const random = (options.random ?? Math.random)();
  // Clamp: a bad random source (1, negative, NaN) must not break the bound.
  const fraction = random >= 0 && random < 1 ? random : 0;
  return Math.min(maxMs, Math.floor(fraction * ceilingMs));
}
