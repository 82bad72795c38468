import type { Clock } from '../clock.js';

export interface WithinBudgetOptions<T> {
  readonly budgetMs: number;
  readonly clock: Clock;
  /** What to resolve with when the operation fails or is too slow. */
  readonly fallback: T;
}

/**
 * The operation's value if it settles successfully within `budgetMs`, else `fallback`. Never rejects.
 * A late result or rejection is swallowed, and the timer is cleared as soon as the operation settles.
 */
export function withinBudget<T>(operation: Promise<T>, options: WithinBudgetOptions<T>): Promise<T> {
  const { budgetMs, clock, fallback } = options;
  return new Promise<T>((resolve) => {
    let settled = false;
    const timer = clock.setTimeout(() => {
      if (settled) return;
      settled = true;
      resolve(fallback);
    }, budgetMs);
    operation.then(
      (value) => {
        if (settled) return;
        settled = true;
        clock.clearTimeout(timer);
        resolve(value);
      },
      () => {
        if (settled) return;
        settled = true;
        clock.clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}
