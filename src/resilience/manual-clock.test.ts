import { describe, expect, it } from 'vitest';
import { sleep } from '../clock.js';
import { ManualClock } from './manual-clock.js';

describe('ManualClock', () => {
  it('starts where told and moves only on advance', () => {
    const clock = new ManualClock(1_000);
    expect(clock.now()).toBe(1_000);
    clock.advance(250);
    expect(clock.now()).toBe(1_250);
  });

  it('runs due timers in due order, with now() at each due time', () => {
    const clock = new ManualClock();
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => seen.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => seen.push(`c@${clock.now()}`), 20);
    clock.setTimeout(() => seen.push('late'), 31);
    clock.advance(30);
    expect(seen).toEqual(['a@10', 'b@20', 'c@20']);
    expect(clock.now()).toBe(30);
    expect(clock.pendingTimerCount).toBe(1);
  });

  it('runs timers scheduled by timers when they fall due within the same advance', () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 5);
    }, 5);
    clock.advance(10);
    expect(seen).toEqual([5, 10]);
  });

  it('does not run cleared timers', () => {
    const clock = new ManualClock();
    let ran = false;
    const handle = clock.setTimeout(() => {
      ran = true;
    }, 5);
    clock.clearTimeout(handle);
    clock.advance(100);
    expect(ran).toBe(false);
    expect(clock.pendingTimerCount).toBe(0);
  });

  it('drives sleep() from src/clock.ts, and advanceAsync lets the awaiting code continue', async () => {
    const clock = new ManualClock();
    const order: string[] = [];
    const task = (async () => {
      await sleep(clock, 100);
      order.push(`woke@${clock.now()}`);
      await sleep(clock, 50);
      order.push(`woke@${clock.now()}`);
    })();
    await clock.advanceAsync(150);
    await task;
    expect(order).toEqual(['woke@100', 'woke@150']);
  });

  it('runAll runs every pending timer and stops on endless rescheduling', () => {
    const clock = new ManualClock();
    let count = 0;
    clock.setTimeout(() => count++, 1_000);
    clock.setTimeout(() => count++, 5);
    clock.runAll();
    expect(count).toBe(2);
    expect(clock.now()).toBe(1_000);
    const again = (): void => {
      clock.setTimeout(again, 1);
    };
    again();
    expect(() => clock.runAll(50)).toThrow(/more than 50 timers/);
  });
});
