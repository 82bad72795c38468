/**
 * Gateway keys' spend per UTC day in Redis, counted once however often it is sent. Each tally (one per
 * gateway process) keeps its own running total per caller and day and sends that total, never an increment:
 * one script adds to the shared day only the part Redis has not seen yet, remembering per process the last
 * total it counted. So spend recorded while Redis did not answer is sent when the connection is back (or with
 * the caller's next spend), a send that Redis applied but whose answer was lost adds nothing when sent again,
 * and every gateway sees it once. Until Redis acknowledges it, this process adds it to the shared total it
 * reads; with Redis away, to the last shared total it read.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { dayMs, utcDay } from '../quota/sliding-window.js';
import type { RedisConnection } from './create-redis-client.js';
import type { SharedStateKeys } from './shared-state-keys.js';
import { withinBudget } from './within-budget.js';

export interface RedisSpendTallyOptions {
  readonly client: RedisConnection;
  readonly keys: SharedStateKeys;
  readonly budget: { readonly budgetMs: number; readonly clock: Clock };
}

/** What this process spent for one caller on one day, and what Redis has of it. */
interface DayTally {
  readonly caller: string;
  readonly dayIndex: number;
  /** Everything this process spent, in USD. */
  spentUsd: number;
  /** The part of `spentUsd` Redis confirmed it counts. */
  acknowledgedUsd: number;
  /** The shared day's total as last read from Redis; undefined until read. */
  sharedUsd: number | undefined;
}

/**
 * KEYS: the day's total, the hash of each process's counted total. ARGV: this process's id, its running
 * total, the keys' time to live. Adds what is new of the running total; returns the day's total (as text:
 * a script's numbers are truncated to integers).
 */
const sendRunningTotalScript = `
local counted = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local running = tonumber(ARGV[2])
if running > counted then
  redis.call('INCRBYFLOAT', KEYS[1], string.format('%.17g', running - counted))
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return redis.call('GET', KEYS[1]) or '0'
`;

export class RedisSpendTally {
  readonly #client: RedisConnection;
  readonly #keys: SharedStateKeys;
  readonly #budget: { readonly budgetMs: number; readonly clock: Clock };
  /** Not the shared state's instance id: a process started again under the same id starts its totals at 0. */
  readonly #processId = randomUUID();
  /** Per day and caller (`<day>:<caller>`), today's and yesterday's only. */
  readonly #tallies = new Map<string, DayTally>();
  /** Some send failed since the last flush: a later success sends the rest. */
  #behind = false;

  constructor(options: RedisSpendTallyOptions) {
    this.#client = options.client;
    this.#keys = options.keys;
    this.#budget = options.budget;
  }

  async spentToday(caller: string, nowMs: number): Promise<number> {
    const tally = this.#tallyOf(caller, utcDay(nowMs).index);
    const operation = this.#client.get(this.#keys.quotaSpend(caller, tally.dayIndex)).then((text) => Number(text ?? 0));
    const shared = await withinBudget(operation, { ...this.#budget, fallback: undefined });
    if (shared !== undefined && Number.isFinite(shared)) {
      tally.sharedUsd = Math.max(tally.sharedUsd ?? 0, shared);
      return shared + unacknowledged(tally);
    }
    return (tally.sharedUsd ?? 0) + unacknowledged(tally);
  }

  async addSpend(caller: string, usd: number, nowMs: number): Promise<void> {
    const tally = this.#tallyOf(caller, utcDay(nowMs).index);
    tally.spentUsd += usd;
    const sent = await this.#send(tally);
    if (!sent) this.#behind = true;
    else if (this.#behind) void this.flush();
  }

  /**
   * Send every running total Redis has not acknowledged (all of them with `everything`: after a reconnection,
   * as Redis may have restarted empty). Resolves when each has been answered or has failed; never rejects.
   */
  async flush(options: { everything?: boolean } = {}): Promise<void> {
    this.#behind = false;
    const pending = [...this.#tallies.values()].filter(
      (tally) => tally.spentUsd > 0 && (options.everything === true || unacknowledged(tally) > 0),
    );
    const sent = await Promise.all(pending.map((tally) => this.#send(tally)));
    if (sent.includes(false)) this.#behind = true;
  }

  /** Whether Redis acknowledged the running total; its answer counts even when it comes after the budget. */
  #send(tally: DayTally): Promise<boolean> {
    const runningUsd = tally.spentUsd;
    const operation = this.#client
      .eval(
        sendRunningTotalScript,
        2,
        this.#keys.quotaSpend(tally.caller, tally.dayIndex),
        this.#keys.quotaSpendSent(tally.caller, tally.dayIndex),
        this.#processId,
        String(runningUsd),
        String(2 * dayMs),
      )
      .then((reply) => {
        tally.acknowledgedUsd = Math.max(tally.acknowledgedUsd, runningUsd);
        const shared = Number(reply);
        if (Number.isFinite(shared)) tally.sharedUsd = Math.max(tally.sharedUsd ?? 0, shared);
        return true;
      });
    return withinBudget(operation, { ...this.#budget, fallback: false });
  }

  #tallyOf(caller: string, dayIndex: number): DayTally {
    const key = `${dayIndex}:${caller}`;
    let tally = this.#tallies.get(key);
    if (tally === undefined) {
      // Tallies older than yesterday are of no use to any budget now.
      for (const [oldKey, old] of this.#tallies) if (old.dayIndex < dayIndex - 1) this.#tallies.delete(oldKey);
      tally = { caller, dayIndex, spentUsd: 0, acknowledgedUsd: 0, sharedUsd: undefined };
      this.#tallies.set(key, tally);
    }
    return tally;
  }
}

function unacknowledged(tally: DayTally): number {
  return Math.max(0, tally.spentUsd - tally.acknowledgedUsd);
}
