/**
 * Failed key attempts an instance counted alone because its Redis connection was down (the count's command never
 * left), kept per address to be added to the shared count once the connection is back, while their window still
 * runs: a failure whose window has ended need not be sent, it could refuse nobody. No I/O; time is given.
 *
 * Memory is bounded: at most `maxAddresses` addresses; past that, the one kept longest is forgotten. Kept in a
 * Map in the order their first failure came, with windows of nearly one length, so ended ones are at its front.
 */
import { deleteOldestKey } from '../map-order.js';

export interface FailuresToSend {
  readonly address: string;
  readonly failures: number;
  readonly maxFailures: number;
  /** What remains of the window they were counted in (a shared count without an expiry is given it). */
  readonly windowRemainingMs: number;
}

interface AddressFailures {
  failures: number;
  maxFailures: number;
  /** When the window that began at the first of these failures ends. */
  readonly endsAtMs: number;
}

export class FailuresCountedAlone {
  readonly #maxAddresses: number;
  readonly #addresses = new Map<string, AddressFailures>();

  constructor(options: { readonly maxAddresses: number }) {
    this.#maxAddresses = options.maxAddresses;
  }

  /** Addresses with failures kept (some may have ended, until the next `add` or `takeAll`). */
  get size(): number {
    return this.#addresses.size;
  }

  /** One failure of `address` at `nowMs`, which the shared count did not get. */
  add(address: string, options: { readonly maxFailures: number; readonly windowMs: number; readonly nowMs: number }): void {
    const { maxFailures, windowMs, nowMs } = options;
    this.#dropEnded(nowMs);
    const kept = this.#addresses.get(address);
    if (kept !== undefined) {
      kept.failures += 1;
      kept.maxFailures = maxFailures;
      return;
    }
    if (this.#addresses.size >= this.#maxAddresses) deleteOldestKey(this.#addresses);
    this.#addresses.set(address, { failures: 1, maxFailures, endsAtMs: nowMs + windowMs });
  }

  /** Every address's failures whose window still runs at `nowMs`, forgotten here as they are handed over. */
  takeAll(nowMs: number): FailuresToSend[] {
    const due: FailuresToSend[] = [];
    for (const [address, kept] of this.#addresses) {
      const windowRemainingMs = kept.endsAtMs - nowMs;
      if (windowRemainingMs > 0) due.push({ address, failures: kept.failures, maxFailures: kept.maxFailures, windowRemainingMs });
    }
    this.#addresses.clear();
    return due;
  }

  #dropEnded(nowMs: number): void {
    for (const [address, kept] of this.#addresses) {
      if (nowMs < kept.endsAtMs) return;
      this.#addresses.delete(address);
    }
  }
}
