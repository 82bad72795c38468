/**
 * The addresses refused now for their failed key attempts, kept in Redis beside the messages that announce them,
 * so an instance whose subscriber was cut off reads back, once subscribed again, the refusals it did not hear:
 * one sorted set, `<prefix>:key-attempts:v1:refused`, each address scored with when its refusal ends on Redis's
 * clock (its `TIME`: no instance's clock is read, so clocks that disagree do not matter). Ended refusals are
 * dropped at each write, at most `maxAddresses` are kept (the ones ending first go), and the key expires with the
 * longest refusal. One key, so it works on a cluster as on one server.
 *
 * The instance whose count reached the limit writes the refusal, after the script that counted and published
 * it: a subscriber that reads the set in the round trip between finds it missing (and lets the address try once
 * more, as before), and an instance that stops in between leaves it to the message alone.
 *
 * A refusal Redis did not take (a refusal such as OOM, READONLY or WRONGTYPE, a connection or cluster node lost
 * before it ran, no answer within the budget) is written again after a backoff, and at once when the connection
 * is ready again, until Redis takes it or it has ended; each writing sends what remains of it, and writing one
 * twice is harmless (a refusal never ends sooner for being written again). At most `maxAddresses` wait to be
 * written; past that, the one that came first is forgotten.
 */
import type { Clock } from '../clock.js';
import type { SharedKeyAttemptRefusal } from '../key-attempts/shared-failed-key-attempts.js';
import { BackoffRetry } from './backoff-retry.js';
import type { RedisConnection } from './create-redis-client.js';
import type { SharedStateKeys } from './shared-state-keys.js';
import { withinBudget } from './within-budget.js';
import { deleteOldestKey } from '../map-order.js';

/** Redis's clock in ms, in a script. */
const redisNowMsLua = `
local time = redis.call('TIME')
local nowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`;

/**
 * KEYS: the refusals. ARGV: the address, how long it is refused (ms), the most addresses kept. A refusal never
 * ends sooner for being written again.
 */
const rememberRefusalScript = `${redisNowMsLua}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowMs)
local refusedForMs = tonumber(ARGV[2])
local untilMs = nowMs + refusedForMs
local known = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]) or '0')
if untilMs > known then redis.call('ZADD', KEYS[1], untilMs, ARGV[1]) end
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[3])
if excess > 0 then redis.call('ZPOPMIN', KEYS[1], excess) end
if redis.call('PTTL', KEYS[1]) < refusedForMs then redis.call('PEXPIRE', KEYS[1], refusedForMs) end
return 1
`;

/** KEYS: the refusals. ARGV: the most read. Returns Redis's clock and the refusals not ended, address and end. */
const readRefusalsScript = `${redisNowMsLua}
return { nowMs, redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. nowMs, '+inf', 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[1])) }
`;

/** An IPv6 /64 block is at most 24 characters: anything longer is not ours. */
const maxAddressLength = 64;

/** A refusal, from values read off the wire (a message, a reply); undefined unless both are plausible. */
export function refusalOf(address: unknown, retryAfterMs: unknown): SharedKeyAttemptRefusal | undefined {
  if (typeof address !== 'string' || address.length === 0 || address.length > maxAddressLength) return undefined;
  if (typeof retryAfterMs !== 'number' || !(Number.isFinite(retryAfterMs) && retryAfterMs > 0)) return undefined;
  return { address, retryAfterMs };
}

export interface RedisKeyAttemptRefusalsOptions {
  readonly client: RedisConnection;
  readonly keys: SharedStateKeys;
  /** Most refusals read, kept in Redis, and waiting here to be written. */
  readonly maxAddresses: number;
  /** Time budget of one writing: past it, the refusal is written again later. */
  readonly budget: { readonly budgetMs: number; readonly clock: Clock };
  /** Waits between writings of a refusal Redis did not take. */
  readonly retryDelay: { readonly baseMs: number; readonly maxMs: number };
}

export class RedisKeyAttemptRefusals {
  readonly #client: RedisConnection;
  readonly #key: string;
  readonly #maxAddresses: number;
  readonly #budget: { readonly budgetMs: number; readonly clock: Clock };
  /** Refusals Redis has not taken yet: address to when it ends on this clock, in the order they came. */
  readonly #unwritten = new Map<string, number>();
  readonly #retry: BackoffRetry;
  /** The writing of the unwritten in progress, so two never overlap. */
  #writing: Promise<void> | undefined;
  #closed = false;

  constructor(options: RedisKeyAttemptRefusalsOptions) {
    this.#client = options.client;
    this.#key = options.keys.keyAttemptRefusals;
    this.#maxAddresses = options.maxAddresses;
    this.#budget = options.budget;
    this.#retry = new BackoffRetry({ clock: options.budget.clock, ...options.retryDelay, run: () => void this.#writeUnwritten() });
  }

  /** Refusals waiting to be written. */
  get unwrittenCount(): number {
    return this.#unwritten.size;
  }

  /** Keep `address` refused for `retryAfterMs` from now on Redis's clock: written now, and again until Redis takes it. */
  remember(refusal: SharedKeyAttemptRefusal): void {
    if (this.#closed) return;
    const { address } = refusal;
    const endsAtMs = this.#budget.clock.now() + refusal.retryAfterMs;
    const waiting = this.#unwritten.get(address);
    // One ending later waits already: it is written as it is.
    if (waiting !== undefined && waiting >= endsAtMs) return;
    this.#unwritten.delete(address);
    if (this.#unwritten.size >= this.#maxAddresses) deleteOldestKey(this.#unwritten);
    this.#unwritten.set(address, endsAtMs);
    void this.#write(address, endsAtMs).then((written) => {
      if (!written && !this.#closed) this.#retry.schedule();
    });
  }

  /** The connection is ready again: write what waits now, with no more backoff. */
  writeUnwrittenNow(): void {
    if (this.#closed || this.#unwritten.size === 0) return;
    this.#retry.reset();
    void this.#writeUnwritten();
  }

  /** The refusals in force now, each with what remains of it; undefined when Redis does not answer. Never rejects. */
  async readCurrent(): Promise<SharedKeyAttemptRefusal[] | undefined> {
    const reply = await this.#client.eval(readRefusalsScript, 1, this.#key, String(this.#maxAddresses)).catch(() => failed);
    return reply === failed ? undefined : decodeRefusals(reply);
  }

  /** Stop writing again. What waits is forgotten. */
  close(): void {
    this.#closed = true;
    this.#retry.cancel();
    this.#unwritten.clear();
  }

  /** True when Redis took it, or when it has ended (nothing left to keep); then it waits no more. */
  async #write(address: string, endsAtMs: number): Promise<boolean> {
    const refusedForMs = Math.ceil(endsAtMs - this.#budget.clock.now());
    const written =
      refusedForMs <= 0 ||
      (await withinBudget(
        this.#client.eval(rememberRefusalScript, 1, this.#key, address, String(refusedForMs), String(this.#maxAddresses)).then(() => true),
        { ...this.#budget, fallback: false },
      ));
    // Unless a longer one came meanwhile, which waits to be written.
    if (written && this.#unwritten.get(address) === endsAtMs) this.#unwritten.delete(address);
    return written;
  }

  /** Write every waiting refusal once; if any is left, again after the next backoff. */
  #writeUnwritten(): Promise<void> {
    this.#writing ??= (async () => {
      for (const [address, endsAtMs] of [...this.#unwritten]) {
        if (this.#closed) return;
        await this.#write(address, endsAtMs);
      }
    })().finally(() => {
      this.#writing = undefined;
      if (this.#closed) return;
      if (this.#unwritten.size === 0) this.#retry.reset();
      else this.#retry.schedule();
    });
    return this.#writing;
  }

}

/** `[nowMs, [address, untilMs, ...]]`, as the read script returns it, into refusals; anything malformed is skipped. */
function decodeRefusals(reply: unknown): SharedKeyAttemptRefusal[] {
  if (!Array.isArray(reply) || reply.length !== 2 || !Array.isArray(reply[1])) return [];
  const nowMs = Number(reply[0]);
  const pairs = reply[1] as unknown[];
  const refusals: SharedKeyAttemptRefusal[] = [];
  for (let index = 0; index + 1 < pairs.length; index += 2) {
    const refusal = refusalOf(pairs[index], Number(pairs[index + 1]) - nowMs);
    if (refusal !== undefined) refusals.push(refusal);
  }
  return refusals;
}

const failed = Symbol('failed');
