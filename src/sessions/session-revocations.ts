/**
 * Dashboard sessions ended before their expiry (signed out): each instance refuses a session listed here even
 * though its cookie's signature and expiry are good. In memory for one gateway (`MemorySessionRevocations`); on
 * Redis for many (`RedisSessionRevocations` in shared-state), so a sign-out at one instance holds at all of them.
 * Only a session id is kept, never a cookie, a key or a signing secret: an id alone opens nothing.
 */
export interface SessionRevocations {
  /** Refuse session `sessionId` from now on, until `expiresAtMs` (after which its cookie is refused anyway). */
  revoke(sessionId: string, expiresAtMs: number): Promise<void>;
  /** True when `sessionId` was revoked. */
  isRevoked(sessionId: string): Promise<boolean>;
}
