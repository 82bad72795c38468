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
 */
import type { SharedKeyAttemptRefusal } from '../key-attempts/shared-failed-key-attempts.js';
import type { RedisConnection } from './create-redis-client.js';
import type { SharedStateKeys } from './shared-state-keys.js';

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

export class RedisKeyAttemptRefusals {
  readonly #client: RedisConnection;
  readonly #key: string;
  readonly #maxAddresses: number;

  constructor(options: { readonly client: RedisConnection; readonly keys: SharedStateKeys; readonly maxAddresses: number }) {
    this.#client = options.client;
    this.#key = options.keys.keyAttemptRefusals;
    this.#maxAddresses = options.maxAddresses;
  }

  /** Keep `address` refused for `retryAfterMs` from now on Redis's clock. Never rejects: a failure only loses it. */
  async remember(refusal: SharedKeyAttemptRefusal): Promise<void> {
    const refusedForMs = String(Math.max(1, Math.ceil(refusal.retryAfterMs)));
    await this.#client.eval(rememberRefusalScript, 1, this.#key, refusal.address, refusedForMs, String(this.#maxAddresses)).catch(ignore);
  }

  /** The refusals in force now, each with what remains of it; none when Redis does not answer. Never rejects. */
  async readCurrent(): Promise<SharedKeyAttemptRefusal[]> {
    const reply = await this.#client.eval(readRefusalsScript, 1, this.#key, String(this.#maxAddresses)).catch(() => undefined);
    return decodeRefusals(reply);
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

function ignore(): void {}
