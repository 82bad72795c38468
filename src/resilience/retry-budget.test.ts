import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { ManualClock } from './manual-clock.js';
import { RetryBudget } from './retry-budget.js';

/** Calls against a provider that fails every request: each call retries until the budget says no. */
function upstreamRequestsWhenAllFail(budget: RetryBudget, clock: ManualClock, calls: number, spacingMs: number): number {
  let upstream = 0;
  for (let call = 0; call < calls; call++) {
    budget.recordCall();
    upstream++;
    for (let retry = 0; retry < 5 && budget.tryConsume(); retry++) upstream++;
    clock.advance(spacingMs);
  }
  return upstream;
}

describe('RetryBudget', () => {
  it('keeps upstream requests within 1.2x the calls when every request fails', () => {
    const clock = new ManualClock();
    const budget = new RetryBudget({ clock, ratio: 0.2, minRetriesPerSecond: 0, windowMs: 10_000 });
    const upstream = upstreamRequestsWhenAllFail(budget, clock, 1_000, 10);
    expect(upstream).toBeLessThanOrEqual(1_200);
    expect(upstream).toBeGreaterThanOrEqual(1_150); // the budget is actually spent, not just refused
  });

  it('allows the per-second minimum to a quiet service, and no more', () => {
    const clock = new ManualClock();
    const budget = new RetryBudget({ clock, ratio: 0.2, minRetriesPerSecond: 1, windowMs: 10_000 });
    let granted = 0;
    while (budget.tryConsume()) granted++;
    expect(granted).toBe(10);
    expect(budget.available()).toBe(0);
    clock.advance(10_000); // the spent retries leave the window
    expect(budget.available()).toBe(10);
    expect(budget.tryConsume()).toBe(true);
  });

  it('earns ratio retries per call', () => {
    const clock = new ManualClock();
    const budget = new RetryBudget({ clock, ratio: 0.5, minRetriesPerSecond: 0 });
    expect(budget.tryConsume()).toBe(false);
    budget.recordCall();
    expect(budget.tryConsume()).toBe(false);
    budget.recordCall();
    expect(budget.tryConsume()).toBe(true);
    expect(budget.tryConsume()).toBe(false);
  });

  it('bounds amplification for any traffic pattern (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 0, max: 2_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (calls, spacingMs, ratio) => {
          const clock = new ManualClock();
          const windowMs = 10_000;
          const budget = new RetryBudget({ clock, ratio, minRetriesPerSecond: 0, windowMs });
          const upstream = upstreamRequestsWhenAllFail(budget, clock, calls, spacingMs);
          // Retries in any window are bounded by ratio x calls in that window, so by ratio x all calls.
          expect(upstream - calls).toBeLessThanOrEqual(Math.floor(calls * ratio) + 1e-9);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects bad options', () => {
    const clock = new ManualClock();
    expect(() => new RetryBudget({ clock, ratio: -0.1 })).toThrow(InvalidArgumentError);
    expect(() => new RetryBudget({ clock, minRetriesPerSecond: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => new RetryBudget({ clock, windowMs: 0 })).toThrow(InvalidArgumentError);
  });
});
