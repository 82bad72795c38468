/**
 * Identical concurrent calls share one execution. The first caller's `fn` runs once per key; callers
 * arriving while it is in flight wait for the same promise. The entry is removed as soon as it settles,
 * so errors are never memoised (and values neither: caching is the cache's job).
 *
 * Aborts: the shared work has its own lifetime, not the first caller's. Each caller may pass its own
 * `signal` (an AbortSignal or a Cancellation); when it aborts, that caller alone rejects with its reason,
 * and the work goes on for the others. `fn` receives a Cancellation that aborts only when every waiter has
 * left (each aborted), so work nobody waits for any more is cancelled. A caller without a signal never
 * leaves, so it keeps the work alive. After everyone left, the next caller with the same key starts afresh.
 */
import { CancelScope, type Cancellation, cancellationOf, untilAborted } from '../cancellation.js';

interface Flight<T> {
  readonly promise: Promise<T>;
  readonly scope: CancelScope;
  /** Callers still waiting on the result. */
  waiters: number;
  settled: boolean;
}

export interface SingleFlightRunOptions {
  /** This caller's own signal: aborting it rejects this caller only. */
  signal?: AbortSignal | Cancellation | undefined;
}

export class SingleFlight<T> {
  private readonly flights = new Map<string, Flight<T>>();

  /** Keys with work in flight. */
  get inFlightCount(): number {
    return this.flights.size;
  }

  /** Whether work for `key` is in flight: a `run` with it now would join that work rather than start it. */
  has(key: string): boolean {
    return this.flights.has(key);
  }

  run(key: string, fn: (cancellation: Cancellation) => Promise<T>, options: SingleFlightRunOptions = {}): Promise<T> {
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    const flight = this.flights.get(key) ?? this.start(key, fn);
    flight.waiters++;
    if (options.signal === undefined) return flight.promise;
    const signal = cancellationOf(options.signal);

    return untilAborted(flight.promise, signal, () => {
      flight.waiters--;
      if (flight.waiters === 0 && !flight.settled) {
        // Nobody waits any more: cancel the work, and let the next caller start anew.
        if (this.flights.get(key) === flight) this.flights.delete(key);
        flight.scope.abort(signal.reason);
      }
      return signal.reason;
    });
  }

  private start(key: string, fn: (cancellation: Cancellation) => Promise<T>): Flight<T> {
    const scope = new CancelScope();
    let promise: Promise<T>;
    try {
      promise = Promise.resolve(fn(scope));
    } catch (error: unknown) {
      promise = Promise.reject(error);
    }
    const flight: Flight<T> = { promise, scope, waiters: 0, settled: false };
    const settle = (): void => {
      flight.settled = true;
      if (this.flights.get(key) === flight) this.flights.delete(key);
    };
    promise.then(settle, settle);
    this.flights.set(key, flight);
    return flight;
  }
}
