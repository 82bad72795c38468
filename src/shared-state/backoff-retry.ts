/**
 * One retry planned at a time, after a backoff that grows at each retry (from `baseMs`, doubled, up to `maxMs`;
 * half of it fixed and half jittered, so it never retries at once nor in step with other instances) until the
 * retried work succeeds and says so with `reset()`. The timer is the clock's (the system clock's does not keep
 * the process alive); `cancel()` clears it.
 */
import type { Clock, TimerHandle } from '../clock.js';
import { backoffDelayMs } from '../resilience/backoff.js';

export interface BackoffRetryOptions {
  readonly clock: Clock;
  readonly baseMs: number;
  readonly maxMs: number;
  /** The retried work; it calls `schedule()` again if it fails. */
  readonly run: () => void;
}

export class BackoffRetry {
  readonly #options: BackoffRetryOptions;
  /** Retries planned since the last success: how far the backoff has grown. */
  #attempt = 0;
  #timer: TimerHandle | undefined;

  constructor(options: BackoffRetryOptions) {
    this.#options = options;
  }

  get isScheduled(): boolean {
    return this.#timer !== undefined;
  }

  /** Run the work after the next backoff, unless a run is planned already. */
  schedule(): void {
    if (this.#timer !== undefined) return;
    const { clock, baseMs, maxMs, run } = this.#options;
    const delayMs = backoffDelayMs({ attempt: this.#attempt, baseMs, maxMs, jitterShare: 0.5 });
    this.#attempt += 1;
    this.#timer = clock.setTimeout(() => {
      this.#timer = undefined;
      run();
    }, delayMs);
  }

  /** The work succeeded: nothing is planned, and the next backoff starts from `baseMs` again. */
  reset(): void {
    this.cancel();
    this.#attempt = 0;
  }

  cancel(): void {
    if (this.#timer === undefined) return;
    this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
