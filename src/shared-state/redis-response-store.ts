/**
 * The Responses API items the gateway answered, in Redis, so that every gateway sharing a Redis and prefix resolves the
 * items any of them answered (`item_reference`): one key per entry, `<prefix>:responses:v1:<scope>:<name>`, its value the
 * entry's JSON text, set with the gateway's time to live (PX), so Redis forgets it as the memory store would. Entries
 * are spread over a cluster (no hash tag): each is read with its own GET, all sent at once.
 *
 * Each operation has the shared state's time budget: a set past it, or with Redis away, keeps nothing (the requests
 * naming those items are told they were not found); a get or delete past it is undefined, which the gateway answers
 * with a 503 rather than calling items missing that may well be there, or a response deleted that may not be.
 */
import { type Clock, systemClock } from '../clock.js';
import { InvalidArgumentError } from '../errors.js';
import type { ResponseStore, ResponseStoreEntry } from '../response-store/response-store.js';
import type { RedisConnection } from './create-redis-client.js';
import { defaultOperationTimeoutMs } from './redis-cache-backend.js';
import { sharedStateKeys, type SharedStateKeys } from './shared-state-keys.js';
import { withinBudget } from './within-budget.js';

export interface RedisResponseStoreOptions {
  /** A connection made with `createRedisClient` (no offline queue, short command timeout). */
  readonly client: RedisConnection;
  /** Namespace of every key. Default 'backup-models'. */
  readonly prefix?: string;
  /** Time budget of one set, get, touch or delete (of all its entries). Default 50 ms. */
  readonly operationTimeoutMs?: number;
  /** Times the budget. Default: the system clock. */
  readonly clock?: Clock;
}

export class RedisResponseStore implements ResponseStore {
  readonly #client: RedisConnection;
  readonly #keys: SharedStateKeys;
  readonly #budget: { budgetMs: number; clock: Clock };

  constructor(options: RedisResponseStoreOptions) {
    this.#client = options.client;
    this.#keys = sharedStateKeys(options.prefix);
    const budgetMs = options.operationTimeoutMs ?? defaultOperationTimeoutMs;
    if (!(Number.isFinite(budgetMs) && budgetMs > 0)) {
      throw new InvalidArgumentError({ argument: 'operationTimeoutMs', message: 'operationTimeoutMs must be > 0' });
    }
    this.#budget = { budgetMs, clock: options.clock ?? systemClock };
  }

  set(scope: string, entries: readonly ResponseStoreEntry[], ttlSeconds: number): Promise<void> {
    if (!(Number.isFinite(ttlSeconds) && ttlSeconds > 0)) {
      return Promise.reject(new InvalidArgumentError({ argument: 'ttlSeconds', message: 'ttlSeconds must be a finite number > 0' }));
    }
    const ttlMs = Math.max(1, Math.round(ttlSeconds * 1_000));
    const operation = Promise.all(entries.map((entry) => this.#client.set(this.#keys.responseEntry(scope, entry.name), entry.text, 'PX', ttlMs))).then(() => undefined);
    return withinBudget(operation, { ...this.#budget, fallback: undefined });
  }

  get(scope: string, names: readonly string[]): Promise<readonly (string | undefined)[] | undefined> {
    const operation = Promise.all(names.map((name) => this.#client.get(this.#keys.responseEntry(scope, name)))).then((texts) =>
      texts.map((text) => text ?? undefined),
    );
    return withinBudget<readonly (string | undefined)[] | undefined>(operation, { ...this.#budget, fallback: undefined });
  }

  touch(scope: string, names: readonly string[], ttlSeconds: number): Promise<void> {
    if (!(Number.isFinite(ttlSeconds) && ttlSeconds > 0)) {
      return Promise.reject(new InvalidArgumentError({ argument: 'ttlSeconds', message: 'ttlSeconds must be a finite number > 0' }));
    }
    const ttlMs = Math.max(1, Math.round(ttlSeconds * 1_000));
    // One PEXPIRE per key, all sent at once (one round trip): a key no longer there is left so (PEXPIRE answers 0).
    const operation = Promise.all(names.map((name) => this.#client.pexpire(this.#keys.responseEntry(scope, name), ttlMs))).then(() => undefined);
    return withinBudget(operation, { ...this.#budget, fallback: undefined });
  }

  delete(scope: string, names: readonly string[]): Promise<true | undefined> {
    // One DEL per key, all sent at once: keys are spread over a cluster's slots, which one multi-key DEL may not cross.
    const operation = Promise.all(names.map((name) => this.#client.del(this.#keys.responseEntry(scope, name)))).then((): true => true);
    return withinBudget<true | undefined>(operation, { ...this.#budget, fallback: undefined });
  }
}
