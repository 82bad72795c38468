/**
 * Ends the dashboard's event streams of a session as soon as it is revoked: signed out at this instance, or at
 * another one sharing the revocations (heard on Redis). When the store may have missed revocations (its
 * subscription was made again after a lost connection), the session of every open stream is checked again.
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

  constructor(options: RevokedSessionStreamsOptions) {
    this.#revocations = options.revocations;
    this.#stream = options.stream;
    this.#stopHearing = this.#revocations.onRevoked((revocation) => this.#hear(revocation));
  }

  /** Stop hearing revocations. */
  close(): void {
    this.#stopHearing();
  }

  #hear(revocation: SessionRevocation): void {
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
