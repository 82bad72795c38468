/**
 * A Clock that only moves when told to. Tests of every layer use it to drive breakers, cooldowns,
 * deadlines, hedging and cache TTLs without sleeping.
 */

import type { Clock, TimerHandle } from '../clock.js';

interface PendingTimer {
  readonly id: number;
  readonly dueAtMs: number;
  readonly callback: () => void;
}

export class ManualClock implements Clock {
  private currentMs: number;
  private nextTimerId = 1;
  /** Pending timers by id; ordered on demand by due time, then by creation. */
  private readonly timers = new Map<number, PendingTimer>();

  constructor(startMs = 0) {
    this.currentMs = startMs;
  }

  now(): number {
    return this.currentMs;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextTimerId++;
    const safeDelayMs = Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0;
    this.timers.set(id, { id, dueAtMs: this.currentMs + safeDelayMs, callback });
    return id as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as unknown as number);
  }

  /** Timers scheduled and not yet run or cleared. */
  get pendingTimerCount(): number {
    return this.timers.size;
  }

  /**
   * Move time forward by `ms`, running every timer that falls due on the way, in due order, with
   * `now()` equal to each timer's due time while it runs. Timers scheduled by those callbacks run too
   * when they fall due within the same advance.
   */
  advance(ms: number): void {
    const targetMs = this.currentMs + Math.max(0, ms);
    for (let timer = this.nextDue(targetMs); timer !== undefined; timer = this.nextDue(targetMs)) {
      this.timers.delete(timer.id);
      this.currentMs = Math.max(this.currentMs, timer.dueAtMs);
      timer.callback();
    }
    this.currentMs = targetMs;
  }

  /**
   * Like `advance`, but lets promise callbacks run after each timer, so async code reacting to a timer
   * (an aborted fetch, a hedge starting) settles before the next timer fires.
   */
  async advanceAsync(ms: number): Promise<void> {
    const targetMs = this.currentMs + Math.max(0, ms);
    await flushPromises();
    for (let timer = this.nextDue(targetMs); timer !== undefined; timer = this.nextDue(targetMs)) {
      this.timers.delete(timer.id);
      this.currentMs = Math.max(this.currentMs, timer.dueAtMs);
      timer.callback();
      await flushPromises();
    }
    this.currentMs = targetMs;
  }

  /** Run timers until none is left (each with `now()` at its due time). Throws if timers keep rescheduling. */
  runAll(maxTimers = 10_000): void {
    for (let count = 0; this.timers.size > 0; count++) {
      if (count >= maxTimers) throw new Error(`ManualClock.runAll: more than ${maxTimers} timers ran`);
      const timer = this.nextDue(Number.POSITIVE_INFINITY);
      if (timer === undefined) return;
      this.advance(timer.dueAtMs - this.currentMs);
    }
  }

  private nextDue(limitMs: number): PendingTimer | undefined {
    let earliest: PendingTimer | undefined;
    for (const timer of this.timers.values()) {
      if (timer.dueAtMs > limitMs) continue;
      // Map iteration is creation order, so `<` keeps the earlier-created timer on ties.
      if (earliest === undefined || timer.dueAtMs < earliest.dueAtMs) earliest = timer;
    }
    return earliest;
  }
}

/** Let pending promise reactions run: a macrotask turn drains the whole microtask queue. */
function flushPromises(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
