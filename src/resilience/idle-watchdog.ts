import type { Clock, TimerHandle } from '../clock.js';

/**
 * Calls `onIdle` once when `touch()` has not been called for `idleTimeoutMs`. One timer per idle period,
 * not one per touch: a stream of many small chunks arms a timer only when it might actually be idle.
 */
export class IdleWatchdog {
  readonly #clock: Clock;
  readonly #idleTimeoutMs: number;
  readonly #onIdle: () => void;
  #lastActivityMs: number;
  #timer: TimerHandle | undefined;
  #paused = false;

  constructor(options: { clock: Clock; idleTimeoutMs: number; onIdle: () => void }) {
    this.#clock = options.clock;
    this.#idleTimeoutMs = options.idleTimeoutMs;
    this.#onIdle = options.onIdle;
    this.#lastActivityMs = options.clock.now();
    this.#arm(options.idleTimeoutMs);
  }

  /** Activity: the idle period starts again. */
  touch(): void {
    this.#lastActivityMs = this.#clock.now();
  }

  /** Waiting on something other than the source (a reader that has not asked for more): no idle time counts. */
  pause(): void {
    this.#paused = true;
  }

  /** Back to waiting on the source: the idle period starts now. */
  resume(): void {
    this.#paused = false;
    this.touch();
  }

  /** Never fire. Idempotent. */
  stop(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(delayMs: number): void {
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      if (this.#paused) {
        this.#arm(this.#idleTimeoutMs);
        return;
      }
      const idleMs = this.#clock.now() - this.#lastActivityMs;
      if (idleMs >= this.#idleTimeoutMs) this.#onIdle();
      else this.#arm(this.#idleTimeoutMs - idleMs);
    }, delayMs);
  }
}
