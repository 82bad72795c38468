import { describe, expect, it } from 'vitest';
import { IdleWatchdog } from './idle-watchdog.js';
import { ManualClock } from './manual-clock.js';

describe('IdleWatchdog', () => {
  it('fires once after the idle period, counted from the last touch', () => {
    const clock = new ManualClock(0);
    let fired = 0;
    const watchdog = new IdleWatchdog({ clock, idleTimeoutMs: 100, onIdle: () => fired++ });
    clock.advance(60);
    watchdog.touch();
    clock.advance(60);
    watchdog.touch();
    clock.advance(99);
    expect(fired).toBe(0);
    clock.advance(1);
    expect(fired).toBe(1);
    clock.advance(1_000);
    expect(fired).toBe(1);
    expect(clock.pendingTimerCount).toBe(0);
  });

  it('keeps at most one timer however often it is touched, and none after stop', () => {
    const clock = new ManualClock(0);
    const watchdog = new IdleWatchdog({ clock, idleTimeoutMs: 100, onIdle: () => undefined });
    for (let step = 0; step < 50; step++) {
      clock.advance(10);
      watchdog.touch();
      expect(clock.pendingTimerCount).toBe(1);
    }
    watchdog.stop();
    expect(clock.pendingTimerCount).toBe(0);
  });

  it('counts no idle time while paused (a slow reader), and a full period again from resume', () => {
    const clock = new ManualClock(0);
    let fired = 0;
    const watchdog = new IdleWatchdog({ clock, idleTimeoutMs: 100, onIdle: () => fired++ });
    clock.advance(50);
    watchdog.pause();
    clock.advance(1_000);
    expect(fired).toBe(0);
    expect(clock.pendingTimerCount).toBe(1);
    watchdog.resume();
    clock.advance(99);
    expect(fired).toBe(0);
    clock.advance(1);
    expect(fired).toBe(1);
  });
});
