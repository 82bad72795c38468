import { type Clock, systemClock } from '../clock.js';
import { ListenerSet } from '../resilience/listener-set.js';
import type { SessionRevocation, SessionRevocations } from './session-revocations.js';

export interface MemorySessionRevocationsOptions {
  readonly clock?: Clock;
  /**
   * Most revoked sessions kept at once; past it, the one revoked longest ago is forgotten. Only a holder of a
   * valid session (an admin key's) can add one. Default 10,000.
   */
  readonly maxEntries?: number;
}

/** The revoked sessions of one process, each kept until its session would have expired. */
export class MemorySessionRevocations implements SessionRevocations {
  readonly #clock: Clock;
  readonly #maxEntries: number;
  /** Session id to its expiry, in the order revoked. */
  readonly #revoked = new Map<string, number>();
  readonly #listeners = new ListenerSet<SessionRevocation>();

  constructor(options: MemorySessionRevocationsOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  revoke(sessionId: string, expiresAtMs: number): Promise<void> {
    this.revokeNow(sessionId, expiresAtMs);
    return Promise.resolve();
  }

  isRevoked(sessionId: string): Promise<boolean> {
    return Promise.resolve(this.isRevokedNow(sessionId));
  }

  onRevoked(listener: (revocation: SessionRevocation) => void): () => void {
    return this.#listeners.subscribe(listener);
  }

  /** `revoke`, without the promise (for a store that keeps this one as its local copy). Tells the listeners. */
  revokeNow(sessionId: string, expiresAtMs: number): void {
    this.#keep(sessionId, expiresAtMs);
    this.#listeners.emit({ sessionId });
  }

  #keep(sessionId: string, expiresAtMs: number): void {
    const nowMs = this.#clock.now();
    if (!(expiresAtMs > nowMs)) return;
    for (const [id, expiry] of this.#revoked) if (!(expiry > nowMs)) this.#revoked.delete(id);
    this.#revoked.delete(sessionId);
    this.#revoked.set(sessionId, expiresAtMs);
    if (this.#revoked.size > this.#maxEntries) this.#revoked.delete(this.#revoked.keys().next().value!);
  }

  /** `isRevoked`, without the promise. */
  isRevokedNow(sessionId: string): boolean {
    const expiry = this.#revoked.get(sessionId);
    return expiry !== undefined && expiry > this.#clock.now();
  }
}
