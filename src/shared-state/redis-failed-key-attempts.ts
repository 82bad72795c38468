/**
 * Failed gateway key attempts in Redis, so every gateway sharing a Redis and prefix counts one allowance per
 * client address (see key-attempts/shared-failed-key-attempts.ts for how the gateway uses it).
 *
 * A failure is counted by one script: INCRBY of the address's key, which expires with its window (set when the
 * failure is the window's first, so the window begins at the first failure at any instance), and, from the
 * limit on, a message on `<prefix>:key-attempts:v1` naming the address and what remains of its window, which
 * every instance hears on the subscriber connection and keeps in memory. Memory in Redis is bounded: per address
 * that failed in the last window, one small key and a hash of its failures' operation ids. The keys and the
 * message hold the address's counting block (an IPv6 /64), never a key.
 *
 * A failure has the shared state's small time budget: past it, or with Redis down, the count resolves
 * undefined and the gateway counts alone. The failures counted while the connection was down (their command
 * never left) are added to the shared count once it is ready again, while their window still runs, published
 * as a refusal if they bring it to the limit (`FailuresCountedAlone`). They are sent once: a send that left
 * but was not answered is not sent again, nor is a failure whose command left but was not answered in time, as
 * Redis may count it itself (held by a `CLIENT PAUSE`, say); so a failure is at worst lost, as before, never
 * counted twice by us. On a cluster ioredis itself sends again a count whose node connection closed before its
 * answer (see create-redis-client.ts): each count carries an operation id, kept beside the address's count until
 * its window ends, and the script run again with it adds nothing (operation-ids.ts).
 *
 * A message is lost while an instance's subscriber is away. So the instance whose count reached the limit also
 * keeps the refusal in Redis (`RedisKeyAttemptRefusals`, which writes it again until Redis takes it), and each
 * time an instance subscribes (at start, and again after its subscriber was cut off) it reads back the refusals
 * in force and refuses those addresses too, once its commands connection is ready; a reading Redis does not
 * answer is made again after a backoff, until one is answered or the subscriber is lost again (its next
 * subscription reads anew). A count whose answer never came (Redis slower than the budget, which is the commands
 * connection's command timeout) cannot keep its refusal: the instance that sent it keeps the refusal it then
 * hears for that address (`UnansweredFailureCounts`). A refusal an instance still missed (written in the round
 * trip around its reading, or not written at all: its message was missed too by the instance that should write
 * it, or that instance stopped) costs what it did before: the address tries once more there, and the count its
 * failure gets back refuses it from then on.
 */
import { type Clock, systemClock } from '../clock.js';
import type { SharedFailedKeyAttempts, SharedFailureCount, SharedKeyAttemptRefusal } from '../key-attempts/shared-failed-key-attempts.js';
import { ListenerSet } from '../resilience/listener-set.js';
import { BackoffRetry } from './backoff-retry.js';
import type { RedisConnection } from './create-redis-client.js';
import { FailuresCountedAlone } from './failures-counted-alone.js';
import { createOperationIds } from './operation-ids.js';
import { RedisChannelSubscription } from './redis-channel-subscription.js';
import { RedisKeyAttemptRefusals, refusalOf } from './redis-key-attempt-refusals.js';
import { sharedStateKeys, type SharedStateKeys } from './shared-state-keys.js';
import { UnansweredFailureCounts } from './unanswered-failure-counts.js';
import { withinBudget } from './within-budget.js';

export interface RedisFailedKeyAttemptsOptions {
  readonly client: RedisConnection;
  /** A connection of its own for SUBSCRIBE, which may be shared with the other shared state. Not closed here. */
  readonly subscriber: RedisConnection;
  readonly prefix?: string;
  /** Time budget of one count. Default 50 ms. */
  readonly operationTimeoutMs?: number;
  readonly clock?: Clock;
  /**
   * Most addresses kept: whose failures, counted while Redis was away, wait to be sent; refused, in Redis, to be
   * read back; refused, waiting to be written. Default 10,000.
   */
  readonly maxAddresses?: number;
  /**
   * The first wait before a refusal Redis did not keep is written again, or a reading of the refusals Redis did
   * not answer is made again; doubled at each failure. Default 100 ms.
   */
  readonly retryBaseDelayMs?: number;
  /** The longest wait between two writings, or two readings. Default 5_000 ms. */
  readonly retryMaxDelayMs?: number;
}

/**
 * KEYS: the address's count, its operation ids. ARGV: the window (ms), the limit, the channel, the address, the
 * failures to add, this count's operation id. A count without an expiry (just created, or left so by anything) is
 * given the window, and so are the ids, which end with it. Returns the count and the window's rest. A count made
 * before under the same id (the script sent again by ioredis's Cluster client) adds nothing and tells nobody
 * again: it answers the count it reached then, and the window's rest now.
 */
const recordFailuresScript = `
local first = redis.call('HGET', KEYS[2], ARGV[6])
if first then
  return { tonumber(first), math.max(redis.call('PTTL', KEYS[1]), 0) }
end
local failures = redis.call('INCRBY', KEYS[1], ARGV[5])
local remaining = redis.call('PTTL', KEYS[1])
if remaining < 0 then
  remaining = tonumber(ARGV[1])
  redis.call('PEXPIRE', KEYS[1], remaining)
end
redis.call('HSET', KEYS[2], ARGV[6], failures)
redis.call('PEXPIRE', KEYS[2], remaining)
if failures >= tonumber(ARGV[2]) then
  redis.call('PUBLISH', ARGV[3], cjson.encode({ address = ARGV[4], retryAfterMs = remaining }))
end
return { failures, remaining }
`;

export class RedisFailedKeyAttempts implements SharedFailedKeyAttempts {
  readonly #client: RedisConnection;
  readonly #subscriber: RedisConnection;
  readonly #keys: SharedStateKeys;
  readonly #budget: { budgetMs: number; clock: Clock };
  readonly #listeners = new ListenerSet<SharedKeyAttemptRefusal>();
  readonly #subscription: RedisChannelSubscription;
  /** Failures counted while the connection was down, to send once it is ready. */
  readonly #countedAlone: FailuresCountedAlone;
  readonly #refusals: RedisKeyAttemptRefusals;
  /** Addresses whose count left but was not answered: the refusal heard for them is kept here. */
  readonly #unanswered: UnansweredFailureCounts;
  /** A reading of the refusals came due while the commands connection was down: made once it is ready. */
  #readBackOwed = false;
  readonly #nextOperationId = createOperationIds();
  /** A reading of the refusals Redis did not answer, made again. */
  readonly #readBackRetry: BackoffRetry;
  #closed = false;
  readonly #onReady = (): void => {
    if (this.#readBackOwed || this.#readBackRetry.isScheduled) this.#readBackRefusals();
    this.#sendCountedAlone();
    this.#refusals.writeUnwrittenNow();
  };

  constructor(options: RedisFailedKeyAttemptsOptions) {
    this.#client = options.client;
    this.#subscriber = options.subscriber;
    this.#keys = sharedStateKeys(options.prefix);
    const clock = options.clock ?? systemClock;
    this.#budget = { budgetMs: options.operationTimeoutMs ?? 50, clock };
    const maxAddresses = options.maxAddresses ?? 10_000;
    const retryDelay = { baseMs: options.retryBaseDelayMs ?? 100, maxMs: options.retryMaxDelayMs ?? 5_000 };
    this.#countedAlone = new FailuresCountedAlone({ maxAddresses });
    this.#unanswered = new UnansweredFailureCounts({ maxAddresses });
    this.#refusals = new RedisKeyAttemptRefusals({ client: this.#client, keys: this.#keys, maxAddresses, budget: this.#budget, retryDelay });
    this.#readBackRetry = new BackoffRetry({
      clock,
      ...retryDelay,
      // Unless the subscription was lost again: its next one reads anew.
      run: () => {
        if (this.#subscriber.status === 'ready') this.#readBackRefusals();
      },
    });
    this.#client.on('ready', this.#onReady);
    this.#subscription = new RedisChannelSubscription({
      subscriber: options.subscriber,
      channel: this.#keys.keyAttemptsChannel,
      onMessage: (text) => this.#receive(text),
      // Refusals told while it was not subscribed went unheard.
      onSubscribed: () => this.#readBackRefusals(),
    });
  }

  async recordFailure(address: string, options: { readonly maxFailures: number; readonly windowMs: number }): Promise<SharedFailureCount | undefined> {
    // With no offline queue, a command while the connection is not ready is refused without being sent.
    const unsent = this.#client.status !== 'ready';
    const windowMs = Math.max(1, Math.ceil(options.windowMs));
    const operation = this.#count({ address, failures: 1, maxFailures: options.maxFailures, windowMs });
    const count = await withinBudget(operation, { ...this.#budget, fallback: undefined });
    if (count !== undefined) {
      // Redis answers: failures still kept from an outage (the connection went again before they left) go now.
      if (this.#countedAlone.size > 0) this.#sendCountedAlone();
    } else if (unsent) {
      this.#countedAlone.add(address, { maxFailures: options.maxFailures, windowMs, nowMs: this.#budget.clock.now() });
    }
    return count;
  }

  /** Also reads back the refusals in force, for a listener that came after the subscription read them. */
  onRefusal(listener: (refusal: SharedKeyAttemptRefusal) => void): () => void {
    const unsubscribe = this.#listeners.subscribe(listener);
    this.#readBackRefusals();
    return unsubscribe;
  }

  /** Stop listening, unsubscribe, and stop writing or reading again. The connections stay open (their owner closes them). */
  close(): void {
    this.#closed = true;
    this.#client.off('ready', this.#onReady);
    this.#subscription.close();
    this.#readBackRetry.cancel();
    this.#refusals.close();
  }

  /** Add `failures` to the address's shared count; from the limit on, the script tells every instance. */
  #count(options: { address: string; failures: number; maxFailures: number; windowMs: number }): Promise<SharedFailureCount | undefined> {
    const { address, failures, maxFailures, windowMs } = options;
    // With no offline queue, a command while the connection is not ready never leaves.
    const leaves = this.#client.status === 'ready';
    if (leaves) this.#unanswered.sent(address, this.#budget.clock.now());
    return this.#client
      .eval(
        recordFailuresScript,
        2,
        this.#keys.failedKeyAttempts(address),
        this.#keys.failedKeyAttemptsOnce(address),
        String(windowMs),
        String(maxFailures),
        this.#keys.keyAttemptsChannel,
        address,
        String(failures),
        this.#nextOperationId(),
      )
      .then(
        (reply): SharedFailureCount | undefined => {
          if (leaves) this.#unanswered.answered(address, this.#budget.clock.now());
          if (!Array.isArray(reply) || reply.length !== 2) return undefined;
          const [counted, windowRemainingMs] = reply.map(Number) as [number, number];
          if (!(Number.isFinite(counted) && Number.isFinite(windowRemainingMs))) return undefined;
          // Kept for an instance that misses the message (even when this answer comes after the budget, on a
          // connection whose command timeout is longer).
          if (counted >= maxFailures) this.#refusals.remember({ address, retryAfterMs: windowRemainingMs });
          return { failures: counted, windowRemainingMs };
        },
        (error: unknown) => {
          if (leaves) {
            // Redis may have run it, and published a refusal that this answer would have kept.
            const heard = this.#unanswered.unanswered(address, { windowMs, nowMs: this.#budget.clock.now() });
            if (heard !== undefined) this.#refusals.remember(heard);
          }
          throw error;
        },
      );
  }

  /**
   * Tell the listeners the refusals in force in Redis, now if the commands connection is ready, else once it is;
   * a reading Redis does not answer is made again after a backoff.
   */
  #readBackRefusals(): void {
    if (this.#closed) return;
    this.#readBackOwed = this.#client.status !== 'ready';
    if (this.#readBackOwed) {
      this.#readBackRetry.cancel();
      return;
    }
    void this.#refusals.readCurrent().then((refusals) => {
      if (this.#closed) return;
      if (refusals === undefined) {
        this.#readBackRetry.schedule();
        return;
      }
      this.#readBackRetry.reset();
      for (const refusal of refusals) this.#listeners.emit(refusal);
    });
  }

  /**
   * Send the failures counted alone whose window still runs, each once: handed over as the command leaves, and
   * not sent again whatever its answer, since one that left may have been counted. Kept while not ready.
   */
  #sendCountedAlone(): void {
    if (this.#client.status !== 'ready' || this.#countedAlone.size === 0) return;
    for (const kept of this.#countedAlone.takeAll(this.#budget.clock.now())) {
      const windowMs = Math.max(1, Math.ceil(kept.windowRemainingMs));
      this.#count({ address: kept.address, failures: kept.failures, maxFailures: kept.maxFailures, windowMs }).catch(ignore);
    }
  }

  #receive(text: string): void {
    const refusal = decodeRefusal(text);
    if (refusal === undefined) return;
    this.#listeners.emit(refusal);
    const toKeep = this.#unanswered.heard(refusal, this.#budget.clock.now());
    if (toKeep !== undefined) this.#refusals.remember(toKeep);
  }
}

function decodeRefusal(text: string): SharedKeyAttemptRefusal | undefined {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof message !== 'object' || message === null) return undefined;
  const { address, retryAfterMs } = message as { address?: unknown; retryAfterMs?: unknown };
  return refusalOf(address, retryAfterMs);
}

function ignore(): void {}
