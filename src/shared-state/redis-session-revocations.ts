/**
 * Dashboard sign-outs in Redis, so a session signed out at one gateway is refused by every gateway sharing the
 * Redis and prefix. A revocation is one key per session id (never the cookie: an id alone opens nothing), kept
 * until the session's expiry plus an hour, so an instance whose clock runs behind still finds it.
 *
 * Each instance also keeps its own revocations in memory and reads them first: a sign-out always holds where
 * it was made. Each Redis operation has the shared state's small time budget. A revocation Redis did not take
 * in time is sent again when the connection is ready; a check Redis does not answer in time finds no revocation
 * there (the dashboard stays usable while Redis is away, as calls do), so until Redis answers, a session signed
 * out elsewhere still opens this instance's dashboard until it expires.
 */
import { type Clock, systemClock } from '../clock.js';
import { MemorySessionRevocations } from '../sessions/memory-session-revocations.js';
import { ListenerSet } from '../resilience/listener-set.js';
import type { SessionRevocation, SessionRevocations } from '../sessions/session-revocations.js';
import type { RedisConnection } from './create-redis-client.js';
import { sharedStateKeys, type SharedStateKeys } from './shared-state-keys.js';
import { withinBudget } from './within-budget.js';

export interface RedisSessionRevocationsOptions {
  readonly client: RedisConnection;
  readonly prefix?: string;
  /** Time budget of one operation. Default 50 ms. */
  readonly operationTimeoutMs?: number;
  readonly clock?: Clock;
}

/** How long past a session's expiry its revocation stays in Redis: room for instances' clocks to disagree. */
const clockAllowanceMs = 60 * 60_000;

export class RedisSessionRevocations implements SessionRevocations {
  readonly #client: RedisConnection;
  readonly #keys: SharedStateKeys;
  readonly #budget: { budgetMs: number; clock: Clock };
  readonly #local: MemorySessionRevocations;
  readonly #listeners = new ListenerSet<SessionRevocation>();
  /** Revocations Redis has not taken yet: session id to expiry. */
  readonly #unsent = new Map<string, number>();
  readonly #onReady = (): void => void this.#sendUnsent();

  constructor(options: RedisSessionRevocationsOptions) {
    this.#client = options.client;
    this.#keys = sharedStateKeys(options.prefix);
    const clock = options.clock ?? systemClock;
    this.#budget = { budgetMs: options.operationTimeoutMs ?? 50, clock };
    this.#local = new MemorySessionRevocations({ clock });
    this.#client.on('ready', this.#onReady);
  }

  async revoke(sessionId: string, expiresAtMs: number): Promise<void> {
    this.#local.revokeNow(sessionId, expiresAtMs);
    this.#listeners.emit({ sessionId });
    if (!(await this.#send(sessionId, expiresAtMs))) this.#unsent.set(sessionId, expiresAtMs);
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    if (this.#local.isRevokedNow(sessionId)) return true;
    const operation = this.#client.exists(this.#keys.revokedSession(sessionId)).then((count) => count > 0);
    return withinBudget(operation, { ...this.#budget, fallback: false });
  }

  onRevoked(listener: (revocation: SessionRevocation) => void): () => void {
    return this.#listeners.subscribe(listener);
  }

  /** Stop listening to the connection (which stays open: its owner closes it). */
  close(): void {
    this.#client.off('ready', this.#onReady);
  }

  /** True when Redis took it, or when there is nothing left to keep. */
  async #send(sessionId: string, expiresAtMs: number): Promise<boolean> {
    const remainingMs = expiresAtMs - this.#budget.clock.now();
    if (!(remainingMs > 0)) return true;
    const operation = this.#client.set(this.#keys.revokedSession(sessionId), '1', 'PX', Math.ceil(remainingMs + clockAllowanceMs)).then(() => true);
    return withinBudget(operation, { ...this.#budget, fallback: false });
  }

  async #sendUnsent(): Promise<void> {
    for (const [sessionId, expiresAtMs] of [...this.#unsent]) {
      if (await this.#send(sessionId, expiresAtMs)) this.#unsent.delete(sessionId);
    }
  }
}
