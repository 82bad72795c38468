import type { CacheBackend, CachedCompletion } from '../cache/cache-backend.js';

/**
 * A cache backend as the router uses it, which never fails a call: a read that rejects is a miss and a
 * write that rejects is skipped, each passed to `onError` (the router reports it as a `cache-error` event).
 */
export class GuardedCache {
  readonly #backend: CacheBackend;
  readonly #ttlSeconds: number;
  readonly #onError: (operation: 'get' | 'set', error: unknown) => void;

  constructor(backend: CacheBackend, options: { readonly ttlSeconds: number; readonly onError: (operation: 'get' | 'set', error: unknown) => void }) {
    this.#backend = backend;
    this.#ttlSeconds = options.ttlSeconds;
    this.#onError = options.onError;
  }

  /** The cached answer, or undefined. */
  async read(key: string): Promise<CachedCompletion | undefined> {
    try {
      return await this.#backend.get(key);
    } catch (error) {
      this.#onError('get', error);
      return undefined;
    }
  }

  /** Store a paid answer; the answer is returned to the caller whether this worked or not. */
  async write(key: string, completion: CachedCompletion): Promise<void> {
    try {
      await this.#backend.set(key, completion, this.#ttlSeconds);
    } catch (error) {
      this.#onError('set', error);
    }
  }

  close(): Promise<void> {
    return this.#backend.close();
  }
}
