/**
 * Failed gateway key attempts, per client address (request-client-address.ts: the socket's peer, or the client
 * a trusted proxy names; counted as client-address.ts says): a missing or unknown key where the
 * gateway has keys, a wrong key at the dashboard. After `maxFailures` of them within a window of `windowMs`
 * (which starts at the address's first failure), the address's key attempts are refused until the window
 * ends, before any key is compared, so guessing keys costs a guesser the window's length every
 * `maxFailures` guesses. Successes count for nothing and reset nothing: a caller holding one valid key
 * cannot clear its count with it while it guesses others (an admin key).
 *
 * Memory is bounded: at most `maxAddresses` addresses are tracked; past that, the one whose window began
 * first is forgotten. Windows are kept in a Map in the order they began, so ended ones are dropped from its
 * front as failures come. Time is the injected clock's; nothing here sets a timer.
 *
 * Many instances (`shared`, on Redis): each failure is also counted in the shared store, and the addresses past
 * the limit there are refused here from memory until their shared window ends. The check stays in memory:
 * the store is told of failures, never asked about a request, so a request from an address with no failure
 * costs what it did alone (a flag read while nothing is tracked, a Map lookup otherwise), and only a failed
 * attempt pays a round trip. A refusal reaches every instance as a message when the shared count reaches the
 * limit, so failures spread over the instances are refused at their sum; an instance that missed the message
 * (its subscriber cut off) is told the refusals in force when it subscribes again, and one it still missed lets
 * the address try once more, until the count its failure gets back refuses it there too. The local count
 * goes on beside the shared one and refuses by itself as before: with the store away (or slow past its
 * budget) an instance counts alone, never letting an address guess without limit nor refusing one that did
 * not fail; the store adds the failures it could not reach to the shared count once it is back.
 */
import type { Clock } from '../clock.js';
import type { SharedFailedKeyAttempts, SharedKeyAttemptRefusal } from '../key-attempts/shared-failed-key-attempts.js';
import { clientAddressOf } from './client-address.js';
import { deleteOldestKey } from '../map-order.js';

export interface FailedKeyAttemptsOptions {
  /** Failures an address may make within a window before its attempts are refused. At least 1. */
  readonly maxFailures: number;
  readonly windowMs: number;
  /** Addresses tracked at once. */
  readonly maxAddresses: number;
  readonly clock: Clock;
  /** Failures counted once for every instance sharing it (the shared state's `failedKeyAttempts`). Default none. */
  readonly shared?: SharedFailedKeyAttempts;
  /** An address has just reached `maxFailures`, here or across the instances: once per window, for the log. */
  readonly onLimitReached?: (address: string) => void;
  /** An attempt was refused: for the metrics. */
  readonly onRefused?: () => void;
}

interface AddressWindow {
  readonly startedAtMs: number;
  failures: number;
}

export class FailedKeyAttempts {
  readonly #windows = new Map<string, AddressWindow>();
  /** Addresses the shared count refuses, and until when on this clock; in the order they were learnt. */
  readonly #refusals = new Map<string, number>();
  readonly #options: FailedKeyAttemptsOptions;
  readonly #stopHearing: (() => void) | undefined;

  constructor(options: FailedKeyAttemptsOptions) {
    this.#options = options;
    this.#stopHearing = options.shared?.onRefusal((refusal) => this.#refuse(refusal));
  }

  /** Addresses tracked now: counted here, or refused by the shared count. */
  get trackedAddressCount(): number {
    return this.#windows.size + this.#refusals.size;
  }

  /**
   * How long (ms) the client at `clientAddress` (the gateway's `clientAddress(request)`) must wait before
   * presenting a key again; undefined when it may now. A refusal is counted (`onRefused`); it does not
   * lengthen the window. Reads memory only.
   */
  retryAfterMs(clientAddress: string | undefined): number | undefined {
    // No failure anywhere, the usual case: the address is not even worked out.
    if (this.#windows.size === 0 && this.#refusals.size === 0) return undefined;
    const address = clientAddressOf(clientAddress);
    const nowMs = this.#options.clock.now();
    const retryAfterMs = Math.max(this.#localRetryAfterMs(address, nowMs), this.#sharedRetryAfterMs(address, nowMs));
    if (retryAfterMs <= 0) return undefined;
    this.#options.onRefused?.();
    return retryAfterMs;
  }

  /**
   * Count a failed attempt of the client at `clientAddress`: here at once, then in the shared store when there
   * is one (resolving when it answered or its budget ran out; never rejects). Answer the failure after it
   * resolves, so the instance that counted the last allowed failure refuses the next attempt.
   */
  async recordFailure(clientAddress: string | undefined): Promise<void> {
    const { clock, windowMs, maxFailures, maxAddresses, shared } = this.#options;
    const nowMs = clock.now();
    this.#dropEnded(nowMs);
    const address = clientAddressOf(clientAddress);
    let window = this.#windows.get(address);
    if (window === undefined) {
      if (this.#windows.size >= maxAddresses) deleteOldestKey(this.#windows);
      window = { startedAtMs: nowMs, failures: 0 };
      this.#windows.set(address, window);
    }
    window.failures += 1;
    const localFailures = window.failures;
    if (localFailures === maxFailures) this.#options.onLimitReached?.(address);
    if (shared === undefined) return;
    const count = await shared.recordFailure(address, { maxFailures, windowMs });
    if (count === undefined || count.failures < maxFailures) return;
    // Said once, by the instance whose failure reached the shared limit, unless its own count said it already.
    if (count.failures === maxFailures && localFailures < maxFailures) this.#options.onLimitReached?.(address);
    this.#refuse({ address, retryAfterMs: count.windowRemainingMs });
  }

  /** Stop hearing the shared store's refusals. */
  close(): void {
    this.#stopHearing?.();
  }

  /** What remains of the address's own window when its own count refuses it; 0 or less otherwise. */
  #localRetryAfterMs(address: string, nowMs: number): number {
    const window = this.#windows.get(address);
    if (window === undefined || window.failures < this.#options.maxFailures) return 0;
    const retryAfterMs = window.startedAtMs + this.#options.windowMs - nowMs;
    if (retryAfterMs <= 0) this.#windows.delete(address);
    return retryAfterMs;
  }

  /** What remains of the address's refusal by the shared count; 0 or less when there is none. */
  #sharedRetryAfterMs(address: string, nowMs: number): number {
    if (this.#refusals.size === 0) return 0;
    const refusedUntilMs = this.#refusals.get(address);
    if (refusedUntilMs === undefined) return 0;
    const retryAfterMs = refusedUntilMs - nowMs;
    if (retryAfterMs <= 0) this.#refusals.delete(address);
    return retryAfterMs;
  }

  /** The shared count refuses `address`: until its shared window ends, and never longer than this window. */
  #refuse(refusal: SharedKeyAttemptRefusal): void {
    const { clock, windowMs, maxAddresses } = this.#options;
    const nowMs = clock.now();
    const refusedUntilMs = nowMs + Math.min(refusal.retryAfterMs, windowMs);
    const known = this.#refusals.get(refusal.address);
    if (known !== undefined) {
      if (refusedUntilMs > known) this.#refusals.set(refusal.address, refusedUntilMs);
      return;
    }
    // Learnt in time order with nearly equal lengths, so the ended ones are at the front (the rest go when read).
    for (const [address, untilMs] of this.#refusals) {
      if (nowMs < untilMs) break;
      this.#refusals.delete(address);
    }
    if (this.#refusals.size >= maxAddresses) {
      for (const address of this.#refusals.keys()) {
        this.#refusals.delete(address);
        break;
      }
    }
    this.#refusals.set(refusal.address, refusedUntilMs);
  }

  /** Windows that have ended are at the front: they began first. */
  #dropEnded(nowMs: number): void {
    for (const [address, window] of this.#windows) {
      if (nowMs < window.startedAtMs + this.#options.windowMs) return;
      this.#windows.delete(address);
    }
  }
}
