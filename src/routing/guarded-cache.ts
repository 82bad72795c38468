import type { CacheBackend, CacheEntry } from '../cache/cache-backend.js';
import type { Cancellation } from '../cancellation.js';
import type { Clock } from '../clock.js';
import { redactSecrets } from '../errors.js';
import type { ListenerSet } from '../resilience/listener-set.js';
import type { RouterEvent } from './router-events.js';

export interface GuardedCacheOptions<T extends CacheEntry> {
  readonly ttlSeconds: number;
  /** The kind of entry this cache reads (a completion, embeddings): an entry of another kind reads as a miss. */
  readonly accepts: (entry: CacheEntry) => entry is T;
  readonly clock: Clock;
  /**
   * The backend answers at once (the router's own in-process LRU): its reads need no time limit and its writes
   * no tracking, so the common case costs no timer.
   */
  readonly immediate: boolean;
  readonly onError: (operation: 'get' | 'set', error: unknown) => void;
}

/** How long a call lets its cache read take, and what ends it sooner. */
export interface CacheReadLimit {
  readonly withinMs: number;
  /** The call's cancellation: when it aborts, the read is left at once (as a miss; the call then ends). */
  readonly cancellation: Cancellation;
}

/**
 * A cache backend as the router uses it, which never fails or holds up a call: a read that rejects, or that
 * has not answered within its limit, is a miss; a write is not waited for, and one that rejects is skipped.
 * Each is passed to `onError` (the router reports it as a `cache-error` event). While a write is in flight its
 * answer is served from here, so a slow store does not make the same question asked upstream again meanwhile.
 */
export class GuardedCache<T extends CacheEntry> {
  readonly #backend: CacheBackend;
  readonly #options: GuardedCacheOptions<T>;
  /** Answers being written, by key, until their write settles. */
  readonly #writing = new Map<string, T>();
  /** Writes in flight, which close() waits for before it closes the backend. */
  readonly #writes = new Set<Promise<void>>();
  readonly #reportWriteError = (error: unknown): void => this.#options.onError('set', error);

  constructor(backend: CacheBackend, options: GuardedCacheOptions<T>) {
    this.#backend = backend;
    this.#options = options;
  }

  /** The backend answers at once: a read needs no limit (so a call need not make one). */
  get answersAtOnce(): boolean {
    return this.#options.immediate;
  }

  /** The cached answer, or undefined. `limit` bounds the read, unless the backend answers at once. */
  async read(key: string, limit: CacheReadLimit | undefined): Promise<T | undefined> {
    const writing = this.#writing.size === 0 ? undefined : this.#writing.get(key);
    if (writing !== undefined) {
      // Served only within its TTL, as the store would: a write that never settles must not serve it for good.
      if (this.#options.clock.now() < writing.storedAtMs + this.#options.ttlSeconds * 1000) return writing;
      this.#writing.delete(key);
    }
    try {
      const reading = this.#backend.get(key);
      const entry = await (this.#options.immediate || limit === undefined ? reading : this.#withinLimit(reading, limit));
      return entry !== undefined && this.#options.accepts(entry) ? entry : undefined;
    } catch (error) {
      this.#options.onError('get', error);
      return undefined;
    }
  }

  /** Store a paid answer. Not waited for: the answer goes to the caller whether or not, and however late, it is stored. */
  write(key: string, completion: T): void {
    let writing: Promise<void>;
    try {
      writing = this.#backend.set(key, completion, this.#options.ttlSeconds);
    } catch (error) {
      this.#options.onError('set', error);
      return;
    }
    const reported = writing.then(undefined, this.#reportWriteError);
    if (this.#options.immediate) return;
    this.#writing.set(key, completion);
    const settled = reported.finally(() => {
      if (this.#writing.get(key) === completion) this.#writing.delete(key);
      this.#writes.delete(settled);
    });
    this.#writes.add(settled);
  }

  /**
   * Close the backend once the writes in flight have settled, or after `waitMs` at most: a store that never
   * answers a write would otherwise hold close() for good.
   */
  async close(waitMs: number): Promise<void> {
    await this.settle(waitMs);
    await this.#backend.close();
  }

  /** Wait for the writes in flight to settle, `waitMs` at most (the backend stays open: another user may close it). */
  async settle(waitMs: number): Promise<void> {
    if (this.#writes.size > 0) {
      const { clock } = this.#options;
      let timer: ReturnType<Clock['setTimeout']> | undefined;
      const waited = new Promise<void>((resolve) => (timer = clock.setTimeout(resolve, waitMs)));
      await Promise.race([Promise.all(this.#writes), waited]);
      clock.clearTimeout(timer!);
    }
  }

  /**
   * The read's answer; a rejection with a TimeoutError when it has not come within the limit; undefined when
   * the call ends first. A late answer or rejection is dropped.
   */
  #withinLimit(reading: Promise<CacheEntry | undefined>, limit: CacheReadLimit): Promise<CacheEntry | undefined> {
    const { clock } = this.#options;
    const { cancellation, withinMs } = limit;
    if (cancellation.aborted) {
      reading.catch(() => undefined);
      return Promise.resolve(undefined);
    }
    return new Promise((resolve, reject) => {
      const finish = (): void => {
        clock.clearTimeout(timer);
        stopListening();
      };
      const timer = clock.setTimeout(() => {
        stopListening();
        reject(new DOMException(`The cache read did not answer within ${Math.round(withinMs)} ms: taken as a miss.`, 'TimeoutError'));
      }, withinMs);
      const stopListening = cancellation.onAbort(() => {
        clock.clearTimeout(timer);
        resolve(undefined);
      });
      reading.then(
        (value) => {
          finish();
          resolve(value);
        },
        (error: unknown) => {
          finish();
          reject(error);
        },
      );
    });
  }
}

/** A cache backend's failure as a `cache-error` event (sent only when anyone listens), its message redacted. */
export function reportCacheError(events: ListenerSet<RouterEvent>, operation: 'get' | 'set', error: unknown): void {
  if (events.size === 0) return;
  const errorName = error instanceof Error ? error.name : typeof error;
  const message = redactSecrets(error instanceof Error ? error.message : String(error));
  events.emit({ type: 'cache-error', operation, errorName, message });
}
