/**
 * Gateway keys' quotas in Redis, so every gateway sharing a Redis and prefix counts one minute and one day
 * per key. A request is taken by one script (read both windows, compare, count), atomic across instances, and
 * counted once even when ioredis sends the script again (an operation id kept beside the window's count);
 * spend is sent as this process's running total (`RedisSpendTally`), so it counts once however often it is
 * sent. Each key expires when its window or day can no longer be read.
 *
 * Each operation has the shared state's small time budget: past it, or with Redis down, this gateway counts
 * requests in its own memory instead (a key's rate then holds per instance until Redis is back), never
 * failing the call over a counter. Spend recorded meanwhile is sent when the connection is ready again, and so
 * are the requests admitted while it was down, to the windows the sliding minute still reads as of the latest
 * request (`RedisRequestTally`; a window that has passed since, sent on reconnecting, is read by no count).
 */
import { type Clock, systemClock } from '../clock.js';
import { MemoryQuotaStore } from '../quota/memory-quota-store.js';
import type { QuotaStore, RequestTake } from '../quota/quota-store.js';
import { requestWindowMs, type WindowCounts, windowPosition } from '../quota/sliding-window.js';
import type { RedisConnection } from './create-redis-client.js';
import { createOperationIds } from './operation-ids.js';
import { RedisRequestTally } from './redis-request-tally.js';
import { RedisSpendTally } from './redis-spend-tally.js';
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
 * KEYS: the current window, the previous one, the current window's operation ids. ARGV: the limit, how far into
 * the current window (0 to 1), the current window's time to live, this take's operation id. Returns admitted (1 or
 * 0), current, previous. A take counted before under the same id (the script sent again by ioredis's Cluster client)
 * counts nothing and answers as it did then. A refusal is not recorded: it counts nothing, and the same take read
 * again is refused again (a window's count only grows, and the arguments fix the window and its weight).
 */
const takeRequestScript = `
local first = redis.call('HGET', KEYS[3], ARGV[4])
if first then
  local current, previous = string.match(first, '^(%d+):(%d+)$')
  return {1, tonumber(current), tonumber(previous)}
end
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
if previous * (1 - tonumber(ARGV[2])) + current + 1 > tonumber(ARGV[1]) then
  return {0, current, previous}
end
current = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[4], string.format('%d:%d', current, previous))
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return {1, current, previous}
`;

export class RedisQuotaStore implements QuotaStore {
  readonly #client: RedisConnection;
  readonly #keys: SharedStateKeys;
  readonly #budget: { budgetMs: number; clock: Clock };
  /** Where requests are counted while Redis does not answer in time. */
  readonly #local = new MemoryQuotaStore();
  readonly #spend: RedisSpendTally;
  /** Requests admitted in `#local` while the connection was down, to send once it is back. */
  readonly #requestsCountedAlone: RedisRequestTally;
  readonly #nextOperationId = createOperationIds();
  readonly #onReady = (): void => {
    void this.#spend.flush({ everything: true });
    void this.#requestsCountedAlone.flush({ everything: true });
  };

  constructor(options: RedisQuotaStoreOptions) {
    this.#client = options.client;
    this.#keys = sharedStateKeys(options.prefix);
    this.#budget = { budgetMs: options.operationTimeoutMs ?? 50, clock: options.clock ?? systemClock };
    this.#spend = new RedisSpendTally({ client: this.#client, keys: this.#keys, budget: this.#budget });
    this.#requestsCountedAlone = new RedisRequestTally({ client: this.#client, keys: this.#keys, budget: this.#budget });
    // Back from an outage (or a Redis restarted empty): what was spent and admitted meanwhile, or all of it, is sent.
    this.#client.on('ready', this.#onReady);
  }

  async takeRequest(caller: string, limit: number, nowMs: number): Promise<RequestTake> {
    const { index, elapsed } = windowPosition(nowMs);
    // With no offline queue, a command while the connection is not ready is refused without being sent.
    const unsent = this.#client.status !== 'ready';
    const operation = this.#client
      .eval(
        takeRequestScript,
        3,
        this.#keys.quotaRequests(caller, index),
        this.#keys.quotaRequests(caller, index - 1),
        this.#keys.quotaRequestsOnce(caller, index),
        String(limit),
        String(elapsed),
        // Read as the previous window through the next one; the ids as long as the count they guard.
        String(2 * requestWindowMs),
        this.#nextOperationId(),
      )
      .then((reply): RequestTake | undefined => {
        if (!Array.isArray(reply) || reply.length !== 3) return undefined;
        const [admitted, current, previous] = reply.map(Number) as [number, number, number];
        return { admitted: admitted === 1, current, previous };
      });
    const shared = await withinBudget(operation, { ...this.#budget, fallback: undefined });
    if (shared !== undefined) {
      // A send of the requests counted alone failed: Redis answers again, so they go now.
      if (this.#requestsCountedAlone.behind) void this.#requestsCountedAlone.flush({ nowMs });
      return shared;
    }
    const local = await this.#local.takeRequest(caller, limit, nowMs);
    // Only a request whose command never left: one that did may yet be counted by Redis itself.
    if (local.admitted && unsent) this.#requestsCountedAlone.addAdmitted(caller, nowMs);
    return local;
  }

  async requestCounts(caller: string, nowMs: number): Promise<WindowCounts> {
    const { index } = windowPosition(nowMs);
    const operation = this.#client
      .mget(this.#keys.quotaRequests(caller, index), this.#keys.quotaRequests(caller, index - 1))
      .then(([current, previous]): WindowCounts => ({ current: Number(current ?? 0), previous: Number(previous ?? 0) }));
    return (await withinBudget(operation, { ...this.#budget, fallback: undefined })) ?? this.#local.requestCounts(caller, nowMs);
  }

  spentToday(caller: string, nowMs: number): Promise<number> {
    return this.#spend.spentToday(caller, nowMs);
  }

  addSpend(caller: string, usd: number, nowMs: number): Promise<void> {
    return this.#spend.addSpend(caller, usd, nowMs);
  }

  /**
   * Send the spend Redis has not acknowledged yet (done by itself each time the connection is ready, and after
   * the next spend Redis takes). Resolves when each was answered or failed; never rejects.
   */
  flushSpend(): Promise<void> {
    return this.#spend.flush();
  }

  /** Stop listening to the connection (which stays open: its owner closes it). */
  close(): void {
    this.#client.off('ready', this.#onReady);
  }
}
