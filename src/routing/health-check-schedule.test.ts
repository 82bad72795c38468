import { describe, expect, it } from 'vitest';
import { ManualClock } from '../resilience/manual-clock.js';
import { HealthCheckSchedule, type HealthCheckScheduleOptions } from './health-check-schedule.js';

/** A schedule every second on a manual clock; each check waits for `finishCheck()`, and the first fails if told to. */
function scheduleOf(options: { sync?: HealthCheckScheduleOptions['sync']; firstFails?: boolean } = {}) {
  const clock = new ManualClock();
  const state = { checks: 0, finishCheck: (): void => undefined };
  const schedule = new HealthCheckSchedule({
    clock,
    intervalMs: 1_000,
    sync: options.sync,
    check: () => {
      state.checks += 1;
      if (options.firstFails === true && state.checks === 1) return Promise.reject(new Error('unreachable'));
      return new Promise<void>((resolve) => (state.finishCheck = resolve));
    },
  });
  return { clock, schedule, state };
}

describe('HealthCheckSchedule', () => {
  it('checks every interval after the last check settled, failed or not', async () => {
    const { clock, schedule, state } = scheduleOf({ firstFails: true });
    await clock.advanceAsync(999);
    expect(state.checks).toBe(0);
    await clock.advanceAsync(1);
    expect(state.checks).toBe(1);
    await clock.advanceAsync(1_000);
    expect(state.checks).toBe(2);
    // The next interval counts from when this check settles.
    await clock.advanceAsync(5_000);
    expect(state.checks).toBe(2);
    state.finishCheck();
    await clock.advanceAsync(1_000);
    expect(state.checks).toBe(3);
    schedule.stop();
  });

  it("checks only on this instance's turn, and keeps asking for it", async () => {
    const turns: number[] = [];
    const sync = {
      acquireHealthCheckTurn: (ttlMs: number): Promise<boolean> => {
        turns.push(ttlMs);
        return Promise.resolve(turns.length === 2);
      },
    };
    const { clock, schedule, state } = scheduleOf({ sync });
    await clock.advanceAsync(3_000);
    expect(turns).toEqual([1_000, 1_000]);
    expect(state.checks).toBe(1);
    state.finishCheck();
    await clock.advanceAsync(1_000);
    expect(turns).toEqual([1_000, 1_000, 1_000]);
    expect(state.checks).toBe(1);
    schedule.stop();
  });

  it('after stop(), starts no check, and one in flight schedules none after it', async () => {
    const { clock, schedule, state } = scheduleOf();
    await clock.advanceAsync(1_000);
    expect(state.checks).toBe(1);
    schedule.stop();
    state.finishCheck();
    await clock.advanceAsync(0);
    expect(clock.pendingTimerCount).toBe(0);
    await clock.advanceAsync(10_000);
    expect(state.checks).toBe(1);

    const idle = scheduleOf();
    expect(idle.clock.pendingTimerCount).toBe(1);
    idle.schedule.stop();
    expect(idle.clock.pendingTimerCount).toBe(0);
  });
});
