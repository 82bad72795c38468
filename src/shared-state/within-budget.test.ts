import { describe, expect, it } from 'vitest';
import { ManualClock } from '../resilience/manual-clock.js';
import { withinBudget } from './within-budget.js';

describe('withinBudget', () => {
  it('gives the value when the operation settles in time, and clears its timer', async () => {
    const clock = new ManualClock(0);
    await expect(withinBudget(Promise.resolve('hit'), { budgetMs: 50, clock, fallback: 'miss' })).resolves.toBe('hit');
    expect(clock.pendingTimerCount).toBe(0);
  });

  it('gives the fallback when the operation fails, without rejecting', async () => {
    const clock = new ManualClock(0);
    const failing = Promise.reject(new Error('Connection is closed.'));
    await expect(withinBudget(failing, { budgetMs: 50, clock, fallback: 'miss' })).resolves.toBe('miss');
    expect(clock.pendingTimerCount).toBe(0);
  });

  it('gives the fallback at the budget, and ignores a late result or a late failure', async () => {
    const clock = new ManualClock(0);
    let resolveLate!: (value: string) => void;
    let rejectLate!: (error: Error) => void;
    const late = withinBudget(new Promise<string>((resolve) => (resolveLate = resolve)), { budgetMs: 50, clock, fallback: 'miss' });
    const lateFailure = withinBudget(new Promise<string>((_, reject) => (rejectLate = reject)), {
      budgetMs: 50,
      clock,
      fallback: 'miss',
    });
    clock.advance(49);
    let settled = false;
    void late.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    clock.advance(1);
    await expect(late).resolves.toBe('miss');
    await expect(lateFailure).resolves.toBe('miss');
    resolveLate('hit');
    rejectLate(new Error('Command timed out'));
    await expect(late).resolves.toBe('miss');
  });
});
