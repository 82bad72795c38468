/**
 * Ends the dashboard's event streams of a session as soon as it is revoked: signed out at this instance, or at
 * another one sharing the revocations (heard on Redis). When the store may have missed revocations (its
 * subscription was made again after a lost connection), the session of every open stream is checked again.
 * A stream whose session was being checked when a revocation was heard may have been listed after it was told:
 * it is checked again once open.
 */
import type { SessionRevocation, SessionRevocations } from '../sessions/session-revocations.js';
import type { DashboardEventStream } from './dashboard-event-stream.js';

export interface RevokedSessionStreamsOptions {
  readonly revocations: SessionRevocations;
  readonly stream: DashboardEventStream;
}

export class RevokedSessionStreams {
  readonly #revocations: SessionRevocations;
  readonly #stream: DashboardEventStream;
  readonly #stopHearing: () => void;
  /** Revocations heard so far: a stream whose check began at another count is checked again once open. */
  #heard = 0;

  constructor(options: RevokedSessionStreamsOptions) {
    this.#revocations = options.revocations;
    this.#stream = options.stream;
    this.#stopHearing = this.#revocations.onRevoked((revocation) => this.#hear(revocation));
  }

  /** Read before a stream's session is checked, and give it to `opened`. */
  get heard(): number {
    return this.#heard;
  }

  /** A stream just opened on session `sessionId`, checked from when `heardBefore` was read: ended if it was revoked meanwhile. */
  opened(sessionId: string, heardBefore: number): void {
    if (this.#heard !== heardBefore) void this.#endIfRevoked([sessionId]);
  }

  /** Stop hearing revocations. */
  close(): void {
    this.#stopHearing();
  }

  #hear(revocation: SessionRevocation): void {
    this.#heard += 1;
    if ('sessionId' in revocation) this.#stream.closeSession(revocation.sessionId);
    else void this.#endIfRevoked(this.#stream.sessionIds());
  }

  async #endIfRevoked(sessionIds: Iterable<string>): Promise<void> {
    await Promise.all(
      [...sessionIds].map(async (sessionId) => {
        // A store that cannot answer leaves the stream open: it was let in, and nothing says otherwise.
        if (await this.#revocations.isRevoked(sessionId).catch(() => false)) this.#stream.closeSession(sessionId);
      }),
    );
  }
}
