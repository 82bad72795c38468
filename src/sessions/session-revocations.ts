/**
 * Dashboard sessions ended before their expiry (signed out): each instance refuses a session listed here even
 * though its cookie's signature and expiry are good. In memory for one gateway (`MemorySessionRevocations`); on
 * Redis for many (`RedisSessionRevocations` in shared-state), so a sign-out at one instance holds at all of them.
 * Only a session id is kept, never a cookie, a key or a signing secret: an id alone opens nothing.
 */

/**
 * A revocation a store tells its listeners of: one session, or `all` when some may have gone unheard (a shared
 * store's subscription made again after messages were lost), so whoever holds sessions open asks `isRevoked`.
 */
export type SessionRevocation = { readonly sessionId: string } | { readonly all: true };

export interface SessionRevocations {
  /** Refuse session `sessionId` from now on, until `expiresAtMs` (after which its cookie is refused anyway). */
  revoke(sessionId: string, expiresAtMs: number): Promise<void>;
  /** True when `sessionId` was revoked. */
  isRevoked(sessionId: string): Promise<boolean>;
  /**
   * Hear each revocation as this store learns of it: made here (told before `revoke` settles), or, for a shared
   * store, made at another instance. What holds a session open (an event stream) ends it. Returns the disposer.
   */
  onRevoked(listener: (revocation: SessionRevocation) => void): () => void;
}
