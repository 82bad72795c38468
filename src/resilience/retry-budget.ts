/**
 * A retry budget bounds amplification: over a sliding window, retries (and hedges, if the router
 * spends the budget on them) may add at most `ratio` extra upstream requests per call, plus a small
 * allowance of `minRetriesPerSecond` so that a quiet service can still retry at all.
 * With every provider failing every request, upstream requests stay <= calls * (1 + ratio) + allowance.
 * (The design of Finagle's and gRPC's retry budgets, counted in time buckets.)
 */

import type { Clock } from '../clock.js';
import { InvalidArgumentError } from '../errors.js';

export interface RetryBudgetOptions {
  clock: Clock;
  /** Retries allowed per call within the window. Default 0.2. */
  ratio?: number;
  /** Retries always allowed, per second of window, whatever the traffic. Default 1. */
  minRetriesPerSecond?: number;
  /** Default 10_000. */
  windowMs?: number;
  /** Resolution of the sliding window. Default 10. */
  bucketCount?: number;
}

export class RetryBudget {
  private readonly clock: Clock;
  private readonly ratio: number;
  private readonly allowance: number;
  private readonly bucketMs: number;
  private readonly epochs: Float64Array;
  private readonly calls: Float64Array;
  private readonly retries: Float64Array;

  constructor(options: RetryBudgetOptions) {
    const windowMs = options.windowMs ?? 10_000;
    const bucketCount = options.bucketCount ?? 10;
    const minRetriesPerSecond = options.minRetriesPerSecond ?? 1;
    this.clock = options.clock;
    this.ratio = options.ratio ?? 0.2;
    if (!(Number.isFinite(this.ratio) && this.ratio >= 0)) {
      throw new InvalidArgumentError({ argument: 'ratio', message: 'ratio must be a finite number >= 0' });
    }
    if (!(Number.isFinite(minRetriesPerSecond) && minRetriesPerSecond >= 0)) {
      throw new InvalidArgumentError({ argument: 'minRetriesPerSecond', message: 'minRetriesPerSecond must be >= 0' });
    }
    if (!(Number.isFinite(windowMs) && windowMs > 0) || !Number.isInteger(bucketCount) || bucketCount < 1) {
      throw new InvalidArgumentError({ argument: 'windowMs', message: 'windowMs must be > 0 and bucketCount an integer >= 1' });
    }
    this.allowance = minRetriesPerSecond * (windowMs / 1_000);
    this.bucketMs = windowMs / bucketCount;
    this.epochs = new Float64Array(bucketCount).fill(Number.NEGATIVE_INFINITY);
    this.calls = new Float64Array(bucketCount);
    this.retries = new Float64Array(bucketCount);
  }

  /** A call arrived (its first upstream request is not a retry). */
  recordCall(): void {
    this.calls[this.bucketFor(this.clock.now())]!++;
  }

  /** Spend one retry if the budget allows it. */
  tryConsume(): boolean {
    const nowMs = this.clock.now();
    const index = this.bucketFor(nowMs);
    if (this.retriesInWindow(nowMs) + 1 > this.callsInWindow(nowMs) * this.ratio + this.allowance) return false;
    this.retries[index]!++;
    return true;
  }

  /** Retries still available right now. */
  available(): number {
    const nowMs = this.clock.now();
    return Math.max(0, Math.floor(this.callsInWindow(nowMs) * this.ratio + this.allowance - this.retriesInWindow(nowMs)));
  }

  private callsInWindow(nowMs: number): number {
    return this.sumInWindow(this.calls, nowMs);
  }

  private retriesInWindow(nowMs: number): number {
    return this.sumInWindow(this.retries, nowMs);
  }

  private sumInWindow(counts: Float64Array, nowMs: number): number {
    const oldestEpoch = Math.floor(nowMs / this.bucketMs) - this.epochs.length + 1;
    let sum = 0;
    for (let index = 0; index < this.epochs.length; index++) {
      if (this.epochs[index]! >= oldestEpoch) sum += counts[index]!;
    }
    return sum;
  }

  private bucketFor(nowMs: number): number {
    const size = this.epochs.length;
    const epoch = Math.floor(nowMs / this.bucketMs);
    const index = ((epoch % size) + size) % size;
    if (this.epochs[index] !== epoch) {
      this.epochs[index] = epoch;
      this.calls[index] = 0;
      this.retries[index] = 0;
    }
    return index;
  }
}
