/**
 * Identical concurrent calls share one execution. The first caller's `fn` runs once per key; callers
 * arriving while it is in flight wait for the same promise. The entry is removed as soon as it settles,
 * so errors are never memoised (and values neither: caching is the cache's job).
 *
 * Aborts: the shared work has its own lifetime, not the first caller's. Each caller may pass its own
 * `signal`; when it aborts, that caller alone rejects with its signal's reason, and the work goes on for
 * the others. `fn` receives a signal that aborts only when every waiter has left (each aborted), so work
 * nobody waits for any more is cancelled. A caller without a signal never leaves, so it keeps the work
 * alive. After everyone left, the next caller with the same key starts afresh.
 */

interface Flight<T> {
  readonly promise: Promise<T>;
  readonly controller: AbortController;
  /** Callers still waiting on the result. */
  waiters: number;
  settled: boolean;
}

export interface SingleFlightRunOptions {
  /** This caller's own signal: aborting it rejects this caller only. */
  signal?: AbortSignal | undefined;
}

export class SingleFlight<T> {
  private readonly flights = new Map<string, Flight<T>>();

  /** Keys with work in flight. */
  get inFlightCount(): number {
    return this.flights.size;
  }

  run(key: string, fn: (signal: AbortSignal) => Promise<T>, options: SingleFlightRunOptions = {}): Promise<T> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const flight = this.flights.get(key) ?? this.start(key, fn);
    flight.waiters++;
    if (signal === undefined) return flight.promise;

    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        flight.waiters--;
        if (flight.waiters === 0 && !flight.settled) {
          // Nobody waits any more: cancel the work, and let the next caller start anew.
          if (this.flights.get(key) === flight) this.flights.delete(key);
          flight.controller.abort(signal.reason);
        }
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  private start(key: string, fn: (signal: AbortSignal) => Promise<T>): Flight<T> {
    const controller = new AbortController();
    let promise: Promise<T>;
    try {
      promise = Promise.resolve(fn(controller.signal));
    } catch (error: unknown) {
      promise = Promise.reject(error);
    }
    const flight: Flight<T> = { promise, controller, waiters: 0, settled: false };
    const settle = (): void => {
      flight.settled = true;
      if (this.flights.get(key) === flight) this.flights.delete(key);
    };
    promise.then(settle, settle);
    this.flights.set(key, flight);
    return flight;
  }
}
