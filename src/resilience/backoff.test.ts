import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { backoffDelayMs } from './backoff.js';

describe('backoffDelayMs', () => {
  it('is always a whole number of ms within [0, maxMs], whatever the inputs and the random source', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2_000 }),
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        fc.oneof(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.constantFrom(1, -1, Number.NaN, 2)),
        (attempt, baseMs, maxMs, random) => {
          const delayMs = backoffDelayMs({ attempt, baseMs, maxMs, random: () => random });
          expect(Number.isInteger(delayMs)).toBe(true);
          expect(delayMs).toBeGreaterThanOrEqual(0);
          expect(delayMs).toBeLessThanOrEqual(maxMs);
        },
      ),
    );
  });

  it('grows the ceiling exponentially from baseMs up to maxMs (full jitter below it)', () => {
    const nearlyOne = (): number => 0.999_999;
    const ceilings = [0, 1, 2, 3, 4, 5, 10].map((attempt) => backoffDelayMs({ attempt, baseMs: 100, maxMs: 2_000, random: nearlyOne }));
    expect(ceilings).toEqual([99, 199, 399, 799, 1_599, 1_999, 1_999]);
    expect(backoffDelayMs({ attempt: 3, baseMs: 100, maxMs: 2_000, random: () => 0 })).toBe(0);
    expect(backoffDelayMs({ attempt: 3, baseMs: 100, maxMs: 2_000, random: () => 0.5 })).toBe(400);
  });

  it('is 0 with a zero base, even at an attempt where 2^attempt overflows', () => {
    expect(backoffDelayMs({ attempt: 2_000, baseMs: 0, maxMs: 1_000, random: () => 0.5 })).toBe(0);
    expect(backoffDelayMs({ attempt: 2_000, baseMs: 1, maxMs: 1_000, random: () => 0.5 })).toBe(500);
  });

  it('rejects a negative or fractional attempt and non-finite bounds', () => {
    expect(() => backoffDelayMs({ attempt: -1, baseMs: 100, maxMs: 1_000 })).toThrow(InvalidArgumentError);
    expect(() => backoffDelayMs({ attempt: 1.5, baseMs: 100, maxMs: 1_000 })).toThrow(InvalidArgumentError);
    expect(() => backoffDelayMs({ attempt: 1, baseMs: Number.POSITIVE_INFINITY, maxMs: 1_000 })).toThrow(InvalidArgumentError);
  });

  it('with a jitter share below 1, keeps the rest of the ceiling fixed: never at once', () => {
    const at = (random: number): number => backoffDelayMs({ attempt: 2, baseMs: 100, maxMs: 2_000, jitterShare: 0.5, random: () => random });
    expect([at(0), at(0.5), at(0.999_999)]).toEqual([200, 300, 399]);
    expect(backoffDelayMs({ attempt: 2, baseMs: 100, maxMs: 2_000, jitterShare: 0, random: () => 0.7 })).toBe(400);
    expect(() => backoffDelayMs({ attempt: 1, baseMs: 100, maxMs: 1_000, jitterShare: 1.5 })).toThrow(InvalidArgumentError);
  });
});
