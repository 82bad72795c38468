/**
 * One deadline over a whole call, and signals combined with explicit cleanup.
 * `AbortSignal.any` exists in Node 20, but its listeners on a long-lived parent are only released by
 * garbage collection; here every listener and timer is removed by `dispose()`.
 */

import { CancelScope, type Cancellation } from '../cancellation.js';
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
  /** Clear the timer and stop listening to the parent. Idempotent. The signal will not abort after this. */
  dispose(): void;
}

export interface DeadlineSignalOptions {
  clock: Clock;
  /** Time allowed from now. Infinity means no deadline (the parent can still abort). */
  timeoutMs: number;
  parent?: AbortSignal | undefined;
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
  readonly #parent: AbortSignal | undefined;
  #onParentAbort: (() => void) | undefined;
  #timer: ReturnType<Clock['setTimeout']> | undefined;
  #didTimeOut = false;
  #disposed = false;

  constructor(options: DeadlineSignalOptions) {
    const { clock, timeoutMs, parent } = options;
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
    this.#parent = parent;
    this.deadlineAtMs = clock.now() + timeoutMs;
    if (parent?.aborted) {
      this.#disposed = true;
      this.cancellation.abort(parent.reason);
      return;
    }
    if (parent !== undefined) {
      const onParentAbort = (): void => {
        if (this.#disposed) return;
        this.dispose();
        this.cancellation.abort(parent.reason);
      };
      this.#onParentAbort = onParentAbort;
      parent.addEventListener('abort', onParentAbort, { once: true });
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

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#onParentAbort !== undefined) this.#parent?.removeEventListener('abort', this.#onParentAbort);
  }

  #onTimeout(): void {
    this.#timer = undefined;
    if (this.#disposed) return;
    this.#didTimeOut = true;
    this.dispose();
    this.cancellation.abort(new DeadlineExceededError({ timeoutMs: this.#timeoutMs }));
  }
}

export interface CombinedSignal {
  /** Aborts with the reason of the first input signal to abort. */
  readonly signal: AbortSignal;
  /** Stop listening to the inputs. Idempotent. */
  dispose(): void;
}

/** A signal that aborts when any of `signals` aborts (undefined entries are skipped). */
export function anySignal(signals: readonly (AbortSignal | undefined)[]): CombinedSignal {
  const controller = new AbortController();
  const listened: AbortSignal[] = [];
  let disposed = false;
  const dispose = (): void => {
    if (disposed) return;
    disposed = true;
    for (const signal of listened) signal.removeEventListener('abort', onAbort);
    listened.length = 0;
  };
  function onAbort(event: Event): void {
    if (disposed) return;
    const reason: unknown = (event.target as AbortSignal).reason;
    dispose();
    controller.abort(reason);
  }

  for (const signal of signals) {
    if (signal === undefined) continue;
    if (signal.aborted) {
      dispose();
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    listened.push(signal);
  }
  return { signal: controller.signal, dispose };
}
