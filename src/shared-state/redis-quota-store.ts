/**
 * Gateway keys' quotas in Redis, so every gateway sharing a Redis and prefix counts one minute and one day
 * per key. A request is taken by one script (read both windows, compare, count), atomic across instances;
 * spend is added with INCRBYFLOAT. Each key expires when its window or day can no longer be read.
 *
 * Each operation has the shared state's small time budget: past it, or with Redis down, this gateway counts
 * in its own memory instead (a key's limit then holds per instance until Redis is back), never failing the
 * call over a counter.
 */
import { type Clock, systemClock } from '../clock.js';
import { MemoryQuotaStore } from '../quota/memory-quota-store.js';
import type { QuotaStore, RequestTake } from '../quota/quota-store.js';
import { requestWindowMs, utcDay, type WindowCounts, windowPosition, dayMs } from '../quota/sliding-window.js';
import type { RedisConnection } from './create-redis-client.js';
import { sharedStateKeys, type SharedStateKeys } from './shared-state-keys.js';
import { withinBudget } from './within-budget.js';

export interface RedisQuotaStoreOptions {
  readonly client: RedisConnection;
  readonly prefix?: string;
  /** Time budget of one operation. Default 50 ms. */
  readonly operationTimeoutMs?: number;
  readonly clock?: Clock;
}

/**
 * KEYS: the current window, the previous one. ARGV: the limit, how far into the current window (0 to 1),
 * the current window's time to live. Returns admitted (1 or 0), current, previous.
 */
const takeRequestScript = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
if previous * (1 - tonumber(ARGV[2])) + current + 1 > tonumber(ARGV[1]) then
  return {0, current, previous}
end
current = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, current, previous}
`;

export class RedisQuotaStore implements QuotaStore {
  readonly #client: RedisConnection;
  readonly #keys: SharedStateKeys;
  readonly #budget: { budgetMs: number; clock: Clock };
  /** Where counting goes while Redis does not answer in time. */
  readonly #local = new MemoryQuotaStore();

  constructor(options: RedisQuotaStoreOptions) {
    this.#client = options.client;
    this.#keys = sharedStateKeys(options.prefix);
    this.#budget = { budgetMs: options.operationTimeoutMs ?? 50, clock: options.clock ?? systemClock };
  }

  async takeRequest(caller: string, limit: number, nowMs: number): Promise<RequestTake> {
    const { index, elapsed } = windowPosition(nowMs);
    const operation = this.#client
      .eval(
        takeRequestScript,
        2,
        this.#keys.quotaRequests(caller, index),
        this.#keys.quotaRequests(caller, index - 1),
        String(limit),
        String(elapsed),
        // Read as the previous window through the next one.
        String(2 * requestWindowMs),
      )
      .then((reply): RequestTake | undefined => {
        if (!Array.isArray(reply) || reply.length !== 3) return undefined;
        const [admitted, current, previous] = reply.map(Number) as [number, number, number];
        return { admitted: admitted === 1, current, previous };
      });
    return (await withinBudget(operation, { ...this.#budget, fallback: undefined })) ?? this.#local.takeRequest(caller, limit, nowMs);
  }

  async requestCounts(caller: string, nowMs: number): Promise<WindowCounts> {
    const { index } = windowPosition(nowMs);
    const operation = this.#client
      .mget(this.#keys.quotaRequests(caller, index), this.#keys.quotaRequests(caller, index - 1))
      .then(([current, previous]): WindowCounts => ({ current: Number(current ?? 0), previous: Number(previous ?? 0) }));
    return (await withinBudget(operation, { ...this.#budget, fallback: undefined })) ?? this.#local.requestCounts(caller, nowMs);
  }

  async spentToday(caller: string, nowMs: number): Promise<number> {
    const operation = this.#client.get(this.#keys.quotaSpend(caller, utcDay(nowMs).index)).then((text) => Number(text ?? 0));
    const spent = await withinBudget(operation, { ...this.#budget, fallback: undefined });
    return spent !== undefined && Number.isFinite(spent) ? spent : this.#local.spentToday(caller, nowMs);
  }

  async addSpend(caller: string, usd: number, nowMs: number): Promise<void> {
    const key = this.#keys.quotaSpend(caller, utcDay(nowMs).index);
    const operation = this.#client
      .pipeline()
      .incrbyfloat(key, usd)
      .pexpire(key, 2 * dayMs)
      .exec()
      .then((results) => results?.every(([error]) => error === null) === true);
    if (!(await withinBudget(operation, { ...this.#budget, fallback: false }))) await this.#local.addSpend(caller, usd, nowMs);
  }
}
