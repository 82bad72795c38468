/**
 * Dashboard sign-outs in Redis, so a session signed out at one gateway is refused by every gateway sharing the
 * Redis and prefix. A revocation is one key per session id (never the cookie: an id alone opens nothing), kept
 * until the session's expiry plus an hour, so an instance whose clock runs behind still finds it.
 *
 * Each instance also keeps its own revocations in memory and reads them first: a sign-out always holds where
 * it was made. Each Redis operation has the shared state's small time budget. A revocation Redis did not take
 * in time (a refusal such as OOM, READONLY or MISCONF, an error, or no answer within the budget) is sent again,
 * after a backoff growing from `retryBaseDelayMs` to `retryMaxDelayMs`, until Redis takes it or its session
 * has expired anyway, and at once whenever the connection is ready again. (A write that was only slow, held by
 * a `CLIENT PAUSE` say, is carried out by Redis when it can: sending it again is harmless.) A check Redis does
 * not answer in time finds no revocation there (the dashboard stays usable while Redis is away, as calls do),
 * so until the revocation lands, a session signed out elsewhere still opens this instance's dashboard.
 *
 * With a `subscriber`, each revocation is also published on the dashboard channel once stored, and the other
 * instances hear it at once: they keep it in memory and tell their listeners (the dashboard ends the session's
 * open event streams). Messages published while the subscriber was down are lost: each time it subscribes
 * again the listeners hear `all`, and check the sessions they hold open (once the commands connection is ready
 * too, so that their checks can find what they missed).
 */
import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../clock.js';
import { ListenerSet } from '../resilience/listener-set.js';
import { MemorySessionRevocations } from '../sessions/memory-session-revocations.js';
import type { SessionRevocation, SessionRevocations } from '../sessions/session-revocations.js';
import type { RedisConnection } from './create-redis-client.js';
import { BackoffRetry } from './backoff-retry.js';
import { RedisChannelSubscription } from './redis-channel-subscription.js';
import { decodeSessionRevocationMessage, encodeSessionRevocationMessage } from './session-revocation-message.js';
import { sharedStateKeys, type SharedStateKeys } from './shared-state-keys.js';
import { withinBudget } from './within-budget.js';

export interface RedisSessionRevocationsOptions {
  readonly client: RedisConnection;
  /**
   * A connection of its own for SUBSCRIBE (the shared state's, which the cache and provider state use too; not
   * closed here): revocations made at other instances are heard at once. Without one they are only read when a
   * session is checked.
   */
  readonly subscriber?: RedisConnection;
  /** Tells this instance's messages apart from the others'. Default a random UUID. */
  readonly instanceId?: string;
  readonly prefix?: string;
  /** Time budget of one operation. Default 50 ms. */
  readonly operationTimeoutMs?: number;
  readonly clock?: Clock;
  /** The first wait before a revocation Redis did not take is sent again; doubled at each failure. Default 100 ms. */
  readonly retryBaseDelayMs?: number;
  /** The longest wait between two sendings. Default 5_000 ms. */
  readonly retryMaxDelayMs?: number;
}

/** How long past a session's expiry its revocation stays in Redis: room for instances' clocks to disagree. */
const clockAllowanceMs = 60 * 60_000;

export class RedisSessionRevocations implements SessionRevocations {
  readonly #client: RedisConnection;
  readonly #keys: SharedStateKeys;
  readonly #instanceId: string;
  readonly #budget: { budgetMs: number; clock: Clock };
  readonly #local: MemorySessionRevocations;
  readonly #listeners = new ListenerSet<SessionRevocation>();
  readonly #subscription: RedisChannelSubscription | undefined;
  /** The sending of the unsent again, after a backoff that grows with each failed sending in a row. */
  readonly #retry: BackoffRetry;
  /** Revocations Redis has not taken yet: session id to expiry. */
  readonly #unsent = new Map<string, number>();
  /** The sending of the unsent in progress, so two never overlap. */
  #sending: Promise<void> | undefined;
  #closed = false;
  /**
   * The subscriber subscribed again while the commands connection was down: `all` is told once that is back,
   * since a check made before then finds nothing in Redis, and nothing would check again.
   */
  #allOwed = false;
  readonly #onReady = (): void => {
    if (this.#allOwed) {
      this.#allOwed = false;
      this.#listeners.emit({ all: true });
    }
    // Back: no more waiting.
    this.#retry.reset();
    void this.#sendUnsent();
  };

  constructor(options: RedisSessionRevocationsOptions) {
    this.#client = options.client;
    this.#keys = sharedStateKeys(options.prefix);
    this.#instanceId = options.instanceId ?? randomUUID();
    const clock = options.clock ?? systemClock;
    this.#budget = { budgetMs: options.operationTimeoutMs ?? 50, clock };
    this.#local = new MemorySessionRevocations({ clock });
    this.#retry = new BackoffRetry({
      clock,
      baseMs: options.retryBaseDelayMs ?? 100,
      maxMs: options.retryMaxDelayMs ?? 5_000,
      run: () => void this.#sendUnsent(),
    });
    this.#client.on('ready', this.#onReady);
    this.#subscription = options.subscriber
      ? new RedisChannelSubscription({
          subscriber: options.subscriber,
          channel: this.#keys.sessionRevocationChannel,
          onMessage: (text) => this.#receive(text),
          // Whatever was signed out while we were not subscribed went unheard.
          onSubscribed: () => this.#tellAll(),
        })
      : undefined;
  }

  async revoke(sessionId: string, expiresAtMs: number): Promise<void> {
    this.#local.revokeNow(sessionId, expiresAtMs);
    this.#listeners.emit({ sessionId });
    if (await this.#send(sessionId, expiresAtMs)) return;
    this.#unsent.set(sessionId, expiresAtMs);
    this.#scheduleRetry();
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    if (this.#local.isRevokedNow(sessionId)) return true;
    const operation = this.#client.exists(this.#keys.revokedSession(sessionId)).then((count) => count > 0);
    return withinBudget(operation, { ...this.#budget, fallback: false });
  }

  onRevoked(listener: (revocation: SessionRevocation) => void): () => void {
    return this.#listeners.subscribe(listener);
  }

  /** Stop listening to the connections (which stay open: their owner closes them), unsubscribe, and stop sending again. */
  close(): void {
    this.#closed = true;
    this.#client.off('ready', this.#onReady);
    this.#subscription?.close();
    this.#retry.cancel();
  }

  /** True when Redis took it (stored, then told to the others), or when there is nothing left to keep. */
  async #send(sessionId: string, expiresAtMs: number): Promise<boolean> {
    const remainingMs = expiresAtMs - this.#budget.clock.now();
    if (!(remainingMs > 0)) return true;
    const message = encodeSessionRevocationMessage({ from: this.#instanceId, sessionId, expiresAtMs });
    // Stored before it is told: an instance that hears it and checks the session finds it.
    const operation = this.#client
      .set(this.#keys.revokedSession(sessionId), '1', 'PX', Math.ceil(remainingMs + clockAllowanceMs))
      .then(() => this.#client.publish(this.#keys.sessionRevocationChannel, message))
      .then(() => true);
    return withinBudget(operation, { ...this.#budget, fallback: false });
  }

  /** Send every unsent revocation once; what is still unsent is tried again after the next backoff. */
  #sendUnsent(): Promise<void> {
    this.#sending ??= (async () => {
      for (const [sessionId, expiresAtMs] of [...this.#unsent]) {
        if (await this.#send(sessionId, expiresAtMs)) this.#unsent.delete(sessionId);
      }
    })().finally(() => {
      this.#sending = undefined;
      if (this.#unsent.size === 0) this.#retry.reset();
      else this.#scheduleRetry();
    });
    return this.#sending;
  }

  /** Half the delay fixed, half jittered (BackoffRetry): never a burst, and instances do not retry in step. */
  #scheduleRetry(): void {
    if (this.#closed || this.#sending !== undefined || this.#unsent.size === 0) return;
    this.#retry.schedule();
  }

  /** Tell `all` now if the listeners' checks can reach Redis, else once the commands connection is ready. */
  #tellAll(): void {
    if (this.#client.status === 'ready') this.#listeners.emit({ all: true });
    else this.#allOwed = true;
  }

  #receive(text: string): void {
    const message = decodeSessionRevocationMessage(text);
    // Our own sign-outs were told here as they were made.
    if (message === undefined || message.from === this.#instanceId) return;
    // Kept here too: this instance refuses the session without asking Redis, even while Redis is away.
    this.#local.revokeNow(message.sessionId, message.expiresAtMs);
    this.#listeners.emit({ sessionId: message.sessionId });
  }
}
