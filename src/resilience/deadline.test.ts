import { describe, expect, it } from 'vitest';
import { DeadlineExceededError, InvalidArgumentError } from '../errors.js';
import { createDeadlineSignal } from './deadline.js';
import { ManualClock } from './manual-clock.js';

/** How many 'abort' listeners a signal has, by counting through add/remove. */
function countingSignal(): { signal: AbortSignal; controller: AbortController; listeners: () => number } {
  const controller = new AbortController();
  const signal = controller.signal;
  let count = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((...args: Parameters<typeof add>) => {
    count++;
    add(...args);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
    count--;
    remove(...args);
  }) as typeof signal.removeEventListener;
  return { signal, controller, listeners: () => count };
}

describe('createDeadlineSignal', () => {
  it('aborts with DeadlineExceededError when time runs out, and reports timedOut', () => {
    const clock = new ManualClock(1_000);
    const deadline = createDeadlineSignal({ clock, timeoutMs: 2_000 });
    expect(deadline.deadlineAtMs).toBe(3_000);
    clock.advance(1_999);
    expect(deadline.signal.aborted).toBe(false);
    expect(deadline.remainingMs()).toBe(1);
    clock.advance(1);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.signal.reason).toBeInstanceOf(DeadlineExceededError);
    expect((deadline.signal.reason as DeadlineExceededError).timeoutMs).toBe(2_000);
    expect(deadline.timedOut()).toBe(true);
    expect(deadline.remainingMs()).toBe(0);
  });

  it("passes the parent's abort reason through as is, and is not a timeout", () => {
    const clock = new ManualClock();
    const parent = countingSignal();
    const deadline = createDeadlineSignal({ clock, timeoutMs: 5_000, parent: parent.signal });
    expect(parent.listeners()).toBe(1);
    const reason = new Error('caller gave up');
    parent.controller.abort(reason);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.signal.reason).toBe(reason);
    expect(deadline.timedOut()).toBe(false);
    expect(clock.pendingTimerCount).toBe(0);
    expect(parent.listeners()).toBe(0);
  });

  it('starts aborted when the parent already is, without a timer', () => {
    const clock = new ManualClock();
    const parent = new AbortController();
    parent.abort('early');
    const deadline = createDeadlineSignal({ clock, timeoutMs: 5_000, parent: parent.signal });
    expect(deadline.signal.reason).toBe('early');
    expect(clock.pendingTimerCount).toBe(0);
  });

  it('dispose clears the timer and the parent listener, and the signal never aborts afterwards', () => {
    const clock = new ManualClock();
    const parent = countingSignal();
    const deadline = createDeadlineSignal({ clock, timeoutMs: 5_000, parent: parent.signal });
    expect(clock.pendingTimerCount).toBe(1);
    deadline.dispose();
    deadline.dispose();
    expect(clock.pendingTimerCount).toBe(0);
    expect(parent.listeners()).toBe(0);
    clock.advance(10_000);
    parent.controller.abort();
    expect(deadline.signal.aborted).toBe(false);
  });

  it('a timeout removes the parent listener too', () => {
    const clock = new ManualClock();
    const parent = countingSignal();
    createDeadlineSignal({ clock, timeoutMs: 10, parent: parent.signal });
    clock.advance(10);
    expect(parent.listeners()).toBe(0);
  });

  it('Infinity means no timer; a negative or NaN timeout is rejected', () => {
    const clock = new ManualClock();
    const deadline = createDeadlineSignal({ clock, timeoutMs: Number.POSITIVE_INFINITY });
    expect(clock.pendingTimerCount).toBe(0);
    expect(deadline.remainingMs()).toBe(Number.POSITIVE_INFINITY);
    expect(() => createDeadlineSignal({ clock, timeoutMs: -1 })).toThrow(InvalidArgumentError);
    expect(() => createDeadlineSignal({ clock, timeoutMs: Number.NaN })).toThrow(InvalidArgumentError);
  });
});
