/**
 * What every QuotaStore does, run against each (memory, Redis): the sliding minute per caller, spend per
 * UTC day. Times are given, not read, so no test waits.
 */
import { describe, expect, it } from 'vitest';
import type { QuotaStore } from './quota-store.js';
import { requestWindowMs } from './sliding-window.js';

export function describeQuotaStore(name: string, createStore: () => QuotaStore): void {
  describe(`QuotaStore: ${name}`, () => {
    it('admits up to the limit in a minute, refuses without counting, and lets the old window slide out', async () => {
      const store = createStore();
      const start = requestWindowMs * 100;
      const outcomes = [];
      for (let index = 0; index < 4; index += 1) outcomes.push((await store.takeRequest('billing', 3, start + index)).admitted);
      expect(outcomes).toEqual([true, true, true, false]);
      expect(await store.requestCounts('billing', start + 10)).toEqual({ previous: 0, current: 3 });
      // Another caller has its own count.
      expect((await store.takeRequest('search', 3, start + 10)).admitted).toBe(true);
      // Half into the next window, the three count as 1.5: one more fits, a second does not.
      const half = start + requestWindowMs * 1.5;
      expect(await store.takeRequest('billing', 3, half)).toEqual({ admitted: true, previous: 3, current: 1 });
      expect((await store.takeRequest('billing', 3, half)).admitted).toBe(false);
      // Two windows later nothing is left.
      expect(await store.requestCounts('billing', start + requestWindowMs * 3)).toEqual({ previous: 0, current: 0 });
    });

    it('adds spend up within a UTC day and starts again the next', async () => {
      const store = createStore();
      const morning = Date.UTC(2026, 10, 26, 8);
      await store.addSpend('billing', 0.25, morning);
      await store.addSpend('billing', 0.5, morning + 3_600_000);
      expect(await store.spentToday('billing', morning + 7_200_000)).toBeCloseTo(0.75);
      expect(await store.spentToday('search', morning)).toBe(0);
      expect(await store.spentToday('billing', Date.UTC(2026, 10, 27, 0, 0, 1))).toBe(0);
      await store.addSpend('billing', 0.1, Date.UTC(2026, 10, 27, 1));
      expect(await store.spentToday('billing', Date.UTC(2026, 10, 27, 2))).toBeCloseTo(0.1);
    });
  });
}
