/**
 * Recent health of one provider: success rate, latency quantiles, the last failure.
 * Samples live in a bounded ring buffer (at most `maxSamples`, none older than `windowMs`).
 * Latency quantiles are computed over successful calls only (a failure's latency says little about how
 * long an answer takes), from a sorted copy cached until the next record or the next sample expiry,
 * so `latencyQuantileMs` is cheap enough to call on every request.
 */

import type { Clock } from '../clock.js';
import { InvalidArgumentError, type FailureReason } from '../errors.js';

export interface ProviderHealthSnapshot {
  /** Successes / calls among the samples in the window; 1 when there are none. */
  readonly successRate: number;
  /** Over successful calls in the window; undefined when there are none. */
  readonly latencyP50Ms: number | undefined;
  readonly latencyP95Ms: number | undefined;
  /** Calls in the window (at most `maxSamples`). */
  readonly sampleCount: number;
  readonly consecutiveFailures: number;
  readonly lastFailureReason: FailureReason | undefined;
  readonly lastFailureAtMs: number | undefined;
  /** Since creation, not limited to the window. */
  readonly totalCalls: number;
  readonly totalFailures: number;
}

/** The figures routing reads on every call; see `ProviderHealth.recentFigures`. */
export interface RecentHealthFigures {
  /** Calls in the window the figures cover. */
  readonly sampleCount: number;
  readonly successRate: number;
  readonly latencyP50Ms: number | undefined;
  readonly latencyP95Ms: number | undefined;
}

/** How stale the hot-path figures may be. Ranking by a figure 100 ms old changes nothing that matters. */
const figuresRefreshMs = 100;

export interface ProviderHealthOptions {
  clock: Clock;
  /** Samples older than this are ignored. Default 60_000. */
  windowMs?: number;
  /** Ring buffer size. Default 128. */
  maxSamples?: number;
}

export class ProviderHealth {
  private readonly clock: Clock;
  private readonly windowMs: number;
  private readonly atMs: Float64Array;
  private readonly latencyMs: Float64Array;
  private readonly succeeded: Uint8Array;
  /** Index of the next write; the ring holds `count` samples ending just before it. */
  private next = 0;
  private count = 0;
  private consecutiveFailures = 0;
  private lastFailureReason: FailureReason | undefined;
  private lastFailureAtMs: number | undefined;
  private totalCalls = 0;
  private totalFailures = 0;
  /** Sorted latencies of successes in the window; valid while `!stale && now < sortedValidUntilMs`. */
  private readonly sorted: Float64Array;
  private sortedLength = 0;
  /** Calls and successes in the window, as of the last refresh. */
  private windowCalls = 0;
  private windowSuccesses = 0;
  private sortedValidUntilMs = Number.NEGATIVE_INFINITY;
  private stale = true;
  private figures: RecentHealthFigures | undefined;
  private figuresValidUntilMs = Number.NEGATIVE_INFINITY;
  private recordsSinceFigures = 0;

  constructor(options: ProviderHealthOptions) {
    const maxSamples = options.maxSamples ?? 128;
    this.clock = options.clock;
    this.windowMs = options.windowMs ?? 60_000;
    if (!Number.isInteger(maxSamples) || maxSamples < 1) {
      throw new InvalidArgumentError({ argument: 'maxSamples', message: 'maxSamples must be an integer >= 1' });
    }
    if (!(this.windowMs > 0)) {
      throw new InvalidArgumentError({ argument: 'windowMs', message: 'windowMs must be a positive number' });
    }
    this.atMs = new Float64Array(maxSamples);
    this.latencyMs = new Float64Array(maxSamples);
    this.succeeded = new Uint8Array(maxSamples);
    this.sorted = new Float64Array(maxSamples);
  }

  /**
   * Success rate and latency quantiles for ranking and hedging on the hot path: the same figures as
   * `snapshot()`, recomputed at most every `figuresRefreshMs` (or after 16 new samples), so a busy router
   * does not re-sort its window on every call. The object is shared: do not keep it. `nowMs` saves a read
   * of the clock when the caller has just read it.
   */
  recentFigures(nowMs: number = this.clock.now()): RecentHealthFigures {
    if (this.figures !== undefined && nowMs < this.figuresValidUntilMs && this.recordsSinceFigures < 16) {
      return this.figures;
    }
    const calls = this.refreshSorted(nowMs);
    this.figures = {
      sampleCount: calls,
      successRate: calls === 0 ? 1 : this.windowSuccesses / calls,
      latencyP50Ms: this.sortedQuantile(0.5),
      latencyP95Ms: this.sortedQuantile(0.95),
    };
    this.figuresValidUntilMs = nowMs + figuresRefreshMs;
    this.recordsSinceFigures = 0;
    return this.figures;
  }

  /** `nowMs`, when the caller has just read the clock, saves reading it again. */
  recordSuccess(latencyMs: number, nowMs: number = this.clock.now()): void {
    this.consecutiveFailures = 0;
    this.record(true, latencyMs, nowMs);
  }

  recordFailure(reason: FailureReason, latencyMs: number, nowMs: number = this.clock.now()): void {
    this.consecutiveFailures++;
    this.totalFailures++;
    this.lastFailureReason = reason;
    this.lastFailureAtMs = nowMs;
    this.record(false, latencyMs, nowMs);
  }

  /** Latency of successful calls in the window at quantile `q` in [0, 1] (nearest rank); undefined without any. */
  latencyQuantileMs(q: number): number | undefined {
    if (!(q >= 0 && q <= 1)) throw new InvalidArgumentError({ argument: 'q', message: 'q must be in [0, 1]' });
    this.refreshSorted();
    return this.sortedQuantile(q);
  }

  snapshot(): ProviderHealthSnapshot {
    const nowMs = this.clock.now();
    const calls = this.refreshSorted(nowMs);
    return {
      successRate: calls === 0 ? 1 : this.windowSuccesses / calls,
      latencyP50Ms: this.sortedQuantile(0.5),
      latencyP95Ms: this.sortedQuantile(0.95),
      sampleCount: calls,
      consecutiveFailures: this.consecutiveFailures,
      lastFailureReason: this.lastFailureReason,
      lastFailureAtMs: this.lastFailureAtMs,
      totalCalls: this.totalCalls,
      totalFailures: this.totalFailures,
    };
  }

  private record(success: boolean, latencyMs: number, nowMs: number): void {
    this.totalCalls++;
    this.recordsSinceFigures++;
    this.atMs[this.next] = nowMs;
    this.latencyMs[this.next] = Number.isFinite(latencyMs) && latencyMs > 0 ? latencyMs : 0;
    this.succeeded[this.next] = success ? 1 : 0;
    this.next = (this.next + 1) % this.atMs.length;
    this.count = Math.min(this.count + 1, this.atMs.length);
    this.stale = true;
  }

  /** Nearest rank in the sorted latencies, as last refreshed. */
  private sortedQuantile(q: number): number | undefined {
    if (this.sortedLength === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.sortedLength));
    return this.sorted[rank - 1];
  }

  /**
   * Brings the sorted latencies and the window's counts up to date, in one pass over the ring (the hot
   * path recomputes them every few calls). Returns the calls in the window.
   */
  private refreshSorted(nowMs: number = this.clock.now()): number {
    if (!this.stale && nowMs < this.sortedValidUntilMs) return this.windowCalls;
    const oldestMs = nowMs - this.windowMs;
    const size = this.atMs.length;
    let calls = 0;
    let successes = 0;
    let length = 0;
    let earliestMs = Number.POSITIVE_INFINITY;
    // Newest first: samples are in time order, so the first one out of the window ends the pass.
    for (let offset = 0; offset < this.count; offset++) {
      const index = (this.next - 1 - offset + size) % size;
      const atMs = this.atMs[index]!;
      if (atMs <= oldestMs) break;
      calls++;
      earliestMs = atMs;
      if (this.succeeded[index] === 1) {
        successes++;
        this.sorted[length++] = this.latencyMs[index]!;
      }
    }
    this.sorted.subarray(0, length).sort();
    this.sortedLength = length;
    this.windowCalls = calls;
    this.windowSuccesses = successes;
    // Valid until the earliest sample in the window leaves it (or a new record).
    this.sortedValidUntilMs = earliestMs + this.windowMs;
    this.stale = false;
    return calls;
  }
}
