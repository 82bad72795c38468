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
 */
import type { Clock } from '../clock.js';
import { clientAddressOf } from './client-address.js';

export interface FailedKeyAttemptsOptions {
  /** Failures an address may make within a window before its attempts are refused. At least 1. */
  readonly maxFailures: number;
  readonly windowMs: number;
  /** Addresses tracked at once. */
  readonly maxAddresses: number;
  readonly clock: Clock;
  /** An address has just reached `maxFailures`: once per window, for the log. */
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
  readonly #options: FailedKeyAttemptsOptions;

  constructor(options: FailedKeyAttemptsOptions) {
    this.#options = options;
  }

  /** Addresses tracked now. */
  get trackedAddressCount(): number {
    return this.#windows.size;
  }

  /**
   * How long (ms) the client at `clientAddress` (the gateway's `clientAddress(request)`) must wait before
   * presenting a key again; undefined when it may now. A refusal is counted (`onRefused`); it does not
   * lengthen the window.
   */
  retryAfterMs(clientAddress: string | undefined): number | undefined {
    // No failure anywhere, the usual case: the address is not even worked out.
    if (this.#windows.size === 0) return undefined;
    const address = clientAddressOf(clientAddress);
    const window = this.#windows.get(address);
    if (window === undefined || window.failures < this.#options.maxFailures) return undefined;
    const retryAfterMs = window.startedAtMs + this.#options.windowMs - this.#options.clock.now();
    if (retryAfterMs <= 0) {
      this.#windows.delete(address);
      return undefined;
    }
    this.#options.onRefused?.();
    return retryAfterMs;
  }

  /** Count a failed attempt of the client at `clientAddress`. */
  recordFailure(clientAddress: string | undefined): void {
    const { clock, windowMs, maxFailures, maxAddresses } = this.#options;
    const nowMs = clock.now();
    this.#dropEnded(nowMs);
    const address = clientAddressOf(clientAddress);
    let window = this.#windows.get(address);
    if (window === undefined) {
      if (this.#windows.size >= maxAddresses) this.#forgetOldest();
      window = { startedAtMs: nowMs, failures: 0 };
      this.#windows.set(address, window);
    }
    window.failures += 1;
    if (window.failures === maxFailures) this.#options.onLimitReached?.(address);
  }

  /** Windows that have ended are at the front: they began first. */
  #dropEnded(nowMs: number): void {
    for (const [address, window] of this.#windows) {
      if (nowMs < window.startedAtMs + this.#options.windowMs) return;
      this.#windows.delete(address);
    }
  }

  #forgetOldest(): void {
    for (const address of this.#windows.keys()) {
      this.#windows.delete(address);
      return;
    }
  }
}
