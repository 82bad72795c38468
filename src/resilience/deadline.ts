/**
 * One deadline over a whole call, tied to its parent with explicit cleanup: `AbortSignal.any` and
 * `AbortSignal.timeout` exist in Node 20, but a listener on a long-lived parent is only released by
 * garbage collection, and each costs an AbortSignal; here every listener and timer is removed by `dispose()`.
 */

import { CancelScope, type Cancellation, cancellationOf } from '../cancellation.js';
import type { Clock } from '../clock.js';
import { DeadlineExceededError, InvalidArgumentError } from '../errors.js';

export interface DeadlineSignal {
  /**
   * Aborts with a `DeadlineExceededError` when time runs out, or with the parent's own reason. Costs no
   * AbortSignal until `signal` is read.
   */
  readonly cancellation: Cancellation;
  /** The same as an AbortSignal, made on first use. */
  readonly signal: AbortSignal;
  /** Epoch ms at which the deadline passes (Infinity without one). */
  readonly deadlineAtMs: number;
  /** Milliseconds left, never negative. */
  remainingMs(): number;
  /** True when the signal aborted because the deadline passed (not because the parent aborted). */
  timedOut(): boolean;
  /** End it now with `reason`, as the parent's abort would (the router's close()). */
  abort(reason: unknown): void;
  /** Clear the timer and stop listening to the parent. Idempotent. The signal will not abort after this. */
  dispose(): void;
}

export interface DeadlineSignalOptions {
  clock: Clock;
  /** Time allowed from now. Infinity means no deadline (the parent can still abort). */
  timeoutMs: number;
  /** The caller's abort, or a cancellation the call is part of. */
  parent?: AbortSignal | Cancellation | undefined;
  /** The time the deadline counts from, when the caller has just read the clock. Default `clock.now()`. */
  nowMs?: number;
}

export function createDeadlineSignal(options: DeadlineSignalOptions): DeadlineSignal {
  if (!(options.timeoutMs >= 0)) {
    throw new InvalidArgumentError({ argument: 'timeoutMs', message: 'timeoutMs must be a number >= 0' });
  }
  return new Deadline(options);
}

/** One object per call, not a handful of closures: every call makes one. */
class Deadline implements DeadlineSignal {
  readonly cancellation = new CancelScope();
  readonly deadlineAtMs: number;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  #stopListening: (() => void) | undefined;
  #timer: ReturnType<Clock['setTimeout']> | undefined;
  #didTimeOut = false;
  #disposed = false;

  constructor(options: DeadlineSignalOptions) {
    const { clock, timeoutMs, parent } = options;
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
    this.deadlineAtMs = (options.nowMs ?? clock.now()) + timeoutMs;
    if (parent?.aborted) {
      this.#disposed = true;
      this.cancellation.abort(parent.reason);
      return;
    }
    if (parent !== undefined) {
      this.#stopListening = cancellationOf(parent).onAbort(() => {
        if (this.#disposed) return;
        this.dispose();
        this.cancellation.abort(parent.reason);
      });
    }
    if (Number.isFinite(timeoutMs)) this.#timer = clock.setTimeout(() => this.#onTimeout(), timeoutMs);
  }

  get signal(): AbortSignal {
    return this.cancellation.signal;
  }

  remainingMs(): number {
    return Math.max(0, this.deadlineAtMs - this.#clock.now());
  }

  timedOut(): boolean {
    return this.#didTimeOut;
  }

  abort(reason: unknown): void {
    if (this.#disposed) return;
    this.dispose();
    this.cancellation.abort(reason);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#stopListening?.();
  }

  #onTimeout(): void {
    this.#timer = undefined;
    if (this.#disposed) return;
    this.#didTimeOut = true;
    this.dispose();
    this.cancellation.abort(new DeadlineExceededError({ timeoutMs: this.#timeoutMs }));
  }
}
