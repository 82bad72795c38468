import { describe, expect, it } from 'vitest';
import { ManualClock } from '../resilience/manual-clock.js';
import { HealthCheckSchedule } from './health-check-schedule.js';

describe('HealthCheckSchedule', () => {
  it('checks every interval after the last check settled, failed or not', async () => {
    const clock = new ManualClock();
    let checks = 0;
    let finishCheck: (() => void) | undefined;
    const schedule = new HealthCheckSchedule({
      clock,
      intervalMs: 1_000,
      sync: undefined,
      check: () => {
        checks += 1;
        // The first check fails; the second takes its time.
        if (checks === 1) return Promise.reject(new Error('unreachable'));
        return new Promise<void>((resolve) => (finishCheck = resolve));
      },
    });
    await clock.advanceAsync(999);
    expect(checks).toBe(0);
    await clock.advanceAsync(1);
    expect(checks).toBe(1);
    await clock.advanceAsync(1_000);
    expect(checks).toBe(2);
    // The next interval counts from when this check settles.
    await clock.advanceAsync(5_000);
    expect(checks).toBe(2);
    finishCheck?.();
    await clock.advanceAsync(1_000);
    expect(checks).toBe(3);
    schedule.stop();
  });

  it("checks only on this instance's turn, and keeps asking for it", async () => {
    const clock = new ManualClock();
    const turns: number[] = [];
    let checks = 0;
    const schedule = new HealthCheckSchedule({
      clock,
      intervalMs: 1_000,
      sync: {
        acquireHealthCheckTurn: (ttlMs) => {
          turns.push(ttlMs);
          return Promise.resolve(turns.length === 2);
        },
      },
      check: () => Promise.resolve(checks++),
    });
    await clock.advanceAsync(3_000);
    expect(turns).toEqual([1_000, 1_000, 1_000]);
    expect(checks).toBe(1);
    schedule.stop();
  });

  it('after stop(), starts no check, and one in flight schedules none after it', async () => {
    const clock = new ManualClock();
    let checks = 0;
    let finishCheck: (() => void) | undefined;
    const schedule = new HealthCheckSchedule({
      clock,
      intervalMs: 1_000,
      sync: undefined,
      check: () => {
        checks += 1;
        return new Promise<void>((resolve) => (finishCheck = resolve));
      },
    });
    await clock.advanceAsync(1_000);
    expect(checks).toBe(1);
    schedule.stop();
    finishCheck?.();
    await clock.advanceAsync(0);
    expect(clock.pendingTimerCount).toBe(0);
    await clock.advanceAsync(10_000);
    expect(checks).toBe(1);

    const idle = new HealthCheckSchedule({ clock, intervalMs: 1_000, sync: undefined, check: () => Promise.resolve(checks++) });
    expect(clock.pendingTimerCount).toBe(1);
    idle.stop();
    expect(clock.pendingTimerCount).toBe(0);
  });
});
