/**
 * Recent latencies of one kind of call to one provider (whole answers, or first tokens of streams), and their
 * p95, which `hedge: 'auto'` waits before it starts the next candidate. Samples live in a bounded ring (at most
 * `maxSamples`, none older than `windowMs`); the p95 is recomputed from a sorted copy at most every
 * `refreshMs` or after 16 new samples, so reading it on every call costs a comparison, and recording a sample
 * costs two array writes: nothing is allocated per call.
 */

import type { Clock } from '../clock.js';

export interface LatencySamplesOptions {
  readonly clock: Clock;
  /** Samples older than this are ignored. Default 60_000. */
  readonly windowMs?: number;
  /** Ring size. Default 128. */
  readonly maxSamples?: number;
}

/** How stale the p95 may be. A hedge delay 100 ms old changes nothing that matters. */
const refreshMs = 100;
const recordsBeforeRefresh = 16;

export class LatencySamples {
  readonly #clock: Clock;
  readonly #windowMs: number;
  readonly #atMs: Float64Array;
  readonly #latencyMs: Float64Array;
  readonly #sorted: Float64Array;
  /** Index of the next write; the ring holds `#count` samples ending just before it. */
  #next = 0;
  #count = 0;
  #p95Ms: number | undefined;
  #validUntilMs = Number.NEGATIVE_INFINITY;
  #recordsSinceRefresh = 0;

  constructor(options: LatencySamplesOptions) {
    const maxSamples = options.maxSamples ?? 128;
    this.#clock = options.clock;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#atMs = new Float64Array(maxSamples);
    this.#latencyMs = new Float64Array(maxSamples);
    this.#sorted = new Float64Array(maxSamples);
  }

  /** A call that answered after `latencyMs`. */
  record(latencyMs: number, nowMs: number = this.#clock.now()): void {
    this.#atMs[this.#next] = nowMs;
    this.#latencyMs[this.#next] = Number.isFinite(latencyMs) && latencyMs > 0 ? latencyMs : 0;
    this.#next = (this.#next + 1) % this.#atMs.length;
    if (this.#count < this.#atMs.length) this.#count += 1;
    this.#recordsSinceRefresh += 1;
  }

  /**
   * A call cancelled before it answered (it lost a race, or its call ended) after `elapsedMs`: a censored
   * sample, which says only that its latency was at least that. Recorded as a plain sample it would pull the
   * p95 down (every loser counted as faster than it was); left out, the slowest calls, the ones a hedge cancels,
   * would never be seen, and the p95 would drift down with each hedge that won, hedging ever sooner. So it
   * counts only when it is already above the current p95: then the call surely was in the tail, and the p95's
   * rank moves as it should; its value is a lower bound, so a p95 that lands on it is, if anything, a little
   * early. A loser below the p95 may have been fast or slow: it is left out. Without a p95 yet, nothing counts.
   */
  recordAtLeast(elapsedMs: number, nowMs: number = this.#clock.now()): void {
    const p95Ms = this.p95Ms(nowMs);
    if (p95Ms !== undefined && elapsedMs > p95Ms) this.record(elapsedMs, nowMs);
  }

  /** The p95 of the window's samples (nearest rank), or undefined without any. `nowMs` saves a clock read. */
  p95Ms(nowMs: number = this.#clock.now()): number | undefined {
    if (nowMs < this.#validUntilMs && this.#recordsSinceRefresh < recordsBeforeRefresh) return this.#p95Ms;
    this.#refresh(nowMs);
    return this.#p95Ms;
  }

  #refresh(nowMs: number): void {
    const oldestMs = nowMs - this.#windowMs;
    const size = this.#atMs.length;
    let length = 0;
    // Newest first: samples are in time order, so the first one out of the window ends the pass.
    for (let offset = 0; offset < this.#count; offset += 1) {
      const index = (this.#next - 1 - offset + size) % size;
      if (this.#atMs[index]! <= oldestMs) break;
      this.#sorted[length++] = this.#latencyMs[index]!;
    }
    if (length === 0) {
      this.#p95Ms = undefined;
    } else {
      this.#sorted.subarray(0, length).sort();
      this.#p95Ms = this.#sorted[Math.max(1, Math.ceil(0.95 * length)) - 1];
    }
    this.#validUntilMs = nowMs + refreshMs;
    this.#recordsSinceRefresh = 0;
  }
}
