import type { Clock, TimerHandle } from '../clock.js';
import type { ProviderStateSync } from './provider-state-sync.js';

export interface HealthCheckScheduleOptions {
  readonly clock: Clock;
  /** The router's `healthCheckIntervalMs`. */
  readonly intervalMs: number;
  /** Shared state: one instance checks for all, in turn. Without it, every check is this instance's. */
  readonly sync: Pick<ProviderStateSync, 'acquireHealthCheckTurn'> | undefined;
  /** The check (the router's `healthCheck`). Its failure is ignored: the next check comes all the same. */
  readonly check: () => Promise<unknown>;
}

/**
 * The router's background health checks: one every `intervalMs` after the last has settled, when it is this
 * instance's turn. The first is scheduled at once; `stop()` ends the schedule.
 */
export class HealthCheckSchedule {
  readonly #options: HealthCheckScheduleOptions;
  #timer: TimerHandle | undefined;
  #stopped = false;

  constructor(options: HealthCheckScheduleOptions) {
    this.#options = options;
    this.#schedule();
  }

  /** No check starts from now on: the next one is cancelled, and one in flight schedules none after it. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#options.clock.clearTimeout(this.#timer);
  }

  #schedule(): void {
    const { clock, intervalMs, sync, check } = this.#options;
    this.#timer = clock.setTimeout(() => {
      if (this.#stopped) return;
      const turn = sync?.acquireHealthCheckTurn(intervalMs) ?? Promise.resolve(true);
      void turn
        .then((mine) => (mine ? check() : undefined))
        .catch(() => undefined)
        .finally(() => {
          if (!this.#stopped) this.#schedule();
        });
    }, intervalMs);
  }
}
