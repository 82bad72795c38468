/**
 * Requests a gateway process admitted in its own memory while its Redis connection was down, sent to the shared
 * windows once it is back, so the other gateways count them too. Like spend (`RedisSpendTally`), each tally
 * (one per process) sends its running total per caller and window, never an increment: one script adds to the
 * shared window only what Redis has not counted yet, remembering per process the last total it counted. So a
 * send Redis applied but whose answer was lost adds nothing when sent again, and a Redis restarted empty gets
 * them all back.
 *
 * Only requests whose command never left are tallied (the connection was not ready: with no offline queue
 * ioredis refuses at once): one sent but not answered in time may still be carried out by Redis (held by a
 * `CLIENT PAUSE`, say) and would then count twice. A window the sliding minute no longer reads (older than the
 * one before the current one, by the latest time a caller gave) is not sent: it could refuse nobody.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { requestWindowMs, windowPosition } from '../quota/sliding-window.js';
import type { RedisConnection } from './create-redis-client.js';
import type { SharedStateKeys } from './shared-state-keys.js';
import { withinBudget } from './within-budget.js';

export interface RedisRequestTallyOptions {
  readonly client: RedisConnection;
  readonly keys: SharedStateKeys;
  readonly budget: { readonly budgetMs: number; readonly clock: Clock };
}

/** What this process admitted alone for one caller in one fixed window, and what Redis has of it. */
interface WindowTally {
  readonly caller: string;
  readonly windowIndex: number;
  /** Requests admitted in memory in this window, less those Redis turned out to count itself. */
  admitted: number;
  /** The part of `admitted` Redis confirmed it counts. */
  acknowledged: number;
}

/**
 * KEYS: the window's count, the hash of each process's counted total. ARGV: this process's id, its running
 * total, the keys' time to live (that of a request's own count: read as the previous window through the next).
 */
const sendRunningTotalScript = `
local counted = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local running = tonumber(ARGV[2])
if running > counted then
  redis.call('INCRBY', KEYS[1], running - counted)
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
`;

export class RedisRequestTally {
  readonly #client: RedisConnection;
  readonly #keys: SharedStateKeys;
  readonly #budget: { readonly budgetMs: number; readonly clock: Clock };
  /** Not the shared state's instance id: a process started again under the same id starts its totals at 0. */
  readonly #processId = randomUUID();
  /** Per window and caller (`<window>:<caller>`), only windows the sliding minute still reads. */
  readonly #tallies = new Map<string, WindowTally>();
  /** The latest window a caller's time fell in: tallies before the one before it are dropped. */
  #latestWindowIndex = Number.NEGATIVE_INFINITY;
  /**
   * A request was admitted, or a send failed, since the last flush began. A flag, not a walk of the tallies: it is
   * read at every request Redis answers, and the tallies of an outage stay until their windows pass.
   */
  #behind = false;

  constructor(options: RedisRequestTallyOptions) {
    this.#client = options.client;
    this.#keys = options.keys;
    this.#budget = options.budget;
  }

  /**
   * Whether some admitted request may not have been acknowledged by Redis yet, and no flush is sending it now.
   * Reset as a flush begins, so the requests answered while it is under way do not each start one more.
   */
  get behind(): boolean {
    return this.#behind;
  }

  /** A request of `caller` at `nowMs` was admitted in memory, its command never sent: to send later. */
  addAdmitted(caller: string, nowMs: number): void {
    this.#tallyOf(caller, windowPosition(nowMs).index).admitted += 1;
    this.#behind = true;
  }

  /**
   * Send every running total Redis has not acknowledged (all of them with `everything`: after a reconnection, as
   * Redis may have restarted empty), of the windows still read at `nowMs` (a caller's time) or, without it, at
   * the latest time a caller gave. Resolves when each has been answered or has failed; never rejects.
   */
  async flush(options: { everything?: boolean; nowMs?: number } = {}): Promise<void> {
    this.#behind = false;
    if (options.nowMs !== undefined) this.#forgetPassedWindows(windowPosition(options.nowMs).index);
    const pending = [...this.#tallies.values()].filter(
      (tally) => tally.admitted > 0 && (options.everything === true || tally.admitted > tally.acknowledged),
    );
    const sent = await Promise.all(pending.map((tally) => this.#send(tally)));
    if (sent.includes(false)) this.#behind = true;
  }

  /** Whether Redis acknowledged the running total; its answer counts even when it comes after the budget. */
  #send(tally: WindowTally): Promise<boolean> {
    const running = tally.admitted;
    const operation = this.#client
      .eval(
        sendRunningTotalScript,
        2,
        this.#keys.quotaRequests(tally.caller, tally.windowIndex),
        this.#keys.quotaRequestsSent(tally.caller, tally.windowIndex),
        this.#processId,
        String(running),
        String(2 * requestWindowMs),
      )
      .then(() => {
        tally.acknowledged = Math.max(tally.acknowledged, running);
        return true;
      });
    return withinBudget(operation, { ...this.#budget, fallback: false });
  }

  #tallyOf(caller: string, windowIndex: number): WindowTally {
    this.#forgetPassedWindows(windowIndex);
    const key = `${windowIndex}:${caller}`;
    let tally = this.#tallies.get(key);
    if (tally === undefined) {
      tally = { caller, windowIndex, admitted: 0, acknowledged: 0 };
      this.#tallies.set(key, tally);
    }
    return tally;
  }

  /** Time reached window `windowIndex`: a count whose window has passed need not be sent, no sliding minute reads it. */
  #forgetPassedWindows(windowIndex: number): void {
    if (windowIndex <= this.#latestWindowIndex) return;
    this.#latestWindowIndex = windowIndex;
    for (const [key, tally] of this.#tallies) if (tally.windowIndex < windowIndex - 1) this.#tallies.delete(key);
  }
}
