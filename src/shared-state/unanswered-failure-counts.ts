/**
 * Counts of failed key attempts whose command left but whose answer never came back (Redis slower than the
 * command timeout, which is the shared state's budget; the connection lost after the command left). Redis may
 * still have run such a count (a `CLIENT PAUSE` holds it, and Redis runs it once the pause ends), reached the
 * limit and published the refusal; but the refusal is kept in Redis by the instance whose count reached the
 * limit, from the count's answer, and that answer is gone. So an instance keeps, for the address of each count
 * it sent that went unanswered, the refusal it hears next on the channel (it may be its own; if it was another
 * instance's, writing it again is harmless), until that count's window would have ended.
 *
 * A refusal heard while a count of its address is still in flight (the message and the answer travel on two
 * connections, in either order) is held until the count settles: kept if the answer never comes, dropped if it
 * comes (the answer keeps it then). No I/O; time is given. Bounded: at most `maxAddresses`; past that, the one
 * that came first is forgotten.
 */
import type { SharedKeyAttemptRefusal } from '../key-attempts/shared-failed-key-attempts.js';
import { deleteOldestKey } from '../map-order.js';

interface AddressCounts {
  /** Counts sent and not settled yet. */
  inFlight: number;
  /** Until when a refusal heard is kept (a count went unanswered); 0 when none did. */
  unansweredUntilMs: number;
  /** A refusal heard while counts were in flight, and when. */
  heard: { readonly refusal: SharedKeyAttemptRefusal; readonly atMs: number } | undefined;
}

export class UnansweredFailureCounts {
  readonly #maxAddresses: number;
  readonly #addresses = new Map<string, AddressCounts>();

  constructor(options: { readonly maxAddresses: number }) {
    this.#maxAddresses = options.maxAddresses;
  }

  /** Addresses tracked. */
  get size(): number {
    return this.#addresses.size;
  }

  /** A count of `address` left for Redis. */
  sent(address: string, nowMs: number): void {
    const known = this.#addresses.get(address);
    if (known !== undefined) {
      known.inFlight += 1;
      return;
    }
    this.#dropSettled(nowMs);
    if (this.#addresses.size >= this.#maxAddresses) deleteOldestKey(this.#addresses);
    this.#addresses.set(address, { inFlight: 1, unansweredUntilMs: 0, heard: undefined });
  }

  /** Its answer came (whatever it said): that answer keeps the refusal, if the count reached the limit. */
  answered(address: string, nowMs: number): void {
    const known = this.#addresses.get(address);
    if (known === undefined) return;
    known.inFlight = Math.max(0, known.inFlight - 1);
    if (known.inFlight === 0) known.heard = undefined;
    if (isSettled(known, nowMs)) this.#addresses.delete(address);
  }

  /**
   * Its answer will not come: a refusal of `address` heard from now until the window ends is to be kept here.
   * Returns the one heard while the count was in flight, with what remains of it, to keep now.
   */
  unanswered(address: string, options: { readonly windowMs: number; readonly nowMs: number }): SharedKeyAttemptRefusal | undefined {
    const { windowMs, nowMs } = options;
    const known = this.#addresses.get(address);
    if (known === undefined) return undefined;
    known.inFlight = Math.max(0, known.inFlight - 1);
    const heard = known.heard;
    if (heard !== undefined) {
      known.heard = undefined;
      if (isSettled(known, nowMs)) this.#addresses.delete(address);
      const retryAfterMs = heard.refusal.retryAfterMs - (nowMs - heard.atMs);
      return retryAfterMs > 0 ? { address, retryAfterMs } : undefined;
    }
    known.unansweredUntilMs = Math.max(known.unansweredUntilMs, nowMs + windowMs);
    return undefined;
  }

  /** A refusal was heard on the channel: returned when this instance is to keep it now. */
  heard(refusal: SharedKeyAttemptRefusal, nowMs: number): SharedKeyAttemptRefusal | undefined {
    const known = this.#addresses.get(refusal.address);
    if (known === undefined) return undefined;
    if (nowMs < known.unansweredUntilMs) {
      // Kept once: later messages of the address are the same refusal, or another instance's to keep.
      known.unansweredUntilMs = 0;
      if (isSettled(known, nowMs)) this.#addresses.delete(refusal.address);
      return refusal;
    }
    if (known.inFlight > 0) known.heard = { refusal, atMs: nowMs };
    return undefined;
  }

  /** Drop settled addresses from the front (they came first); stop at the first still tracked. */
  #dropSettled(nowMs: number): void {
    for (const [address, known] of this.#addresses) {
      if (!isSettled(known, nowMs)) return;
      this.#addresses.delete(address);
    }
  }

}

function isSettled(counts: AddressCounts, nowMs: number): boolean {
  return counts.inFlight === 0 && nowMs >= counts.unansweredUntilMs;
}
