/**
 * What one attempt's end says of its provider, the same for a `complete` attempt and an `embed` one: an answer is a
 * success (and its latency, of its kind); a failure counts against the provider by its reason; an attempt the race
 * cancelled (it lost, or the call ended) says nothing but how long it took at least, unless a hedge started after
 * it won (`OutpacedByHedge`): that counts against its circuit. Also the precise first-byte
 * limit an attempt with a short `responseTimeoutMs` is given. Positional parameters: this runs on every attempt.
 */
import type { Cancellation } from '../cancellation.js';
import type { Clock } from '../clock.js';
import { ProviderError } from '../errors.js';
import type { ProbeTicket } from '../resilience/circuit-breaker.js';
import type { AttemptCallOptions } from './attempt-call-options.js';
import { createFirstByteGuard, type FirstByteGuard, preciseFirstByteLimitBelowMs } from './first-byte-guard.js';
import type { LatencyKind } from './provider-state.js';
import type { ProviderStateRegistry } from './provider-state-registry.js';
import { OutpacedByHedge } from './race-attempts.js';

export class AttemptVerdicts {
  readonly #clock: Clock;
  readonly #registry: ProviderStateRegistry;

  constructor(clock: Clock, registry: ProviderStateRegistry) {
    this.#clock = clock;
    this.#registry = registry;
  }

  /** A limit below undici's resolution gets a timer of its own, which the attempt's cancellation then follows. */
  guard(attempt: AttemptCallOptions, raceCancellation: Cancellation): FirstByteGuard | undefined {
    const limitMs = attempt.headersTimeoutMs;
    if (limitMs >= preciseFirstByteLimitBelowMs) return undefined;
    const guard = createFirstByteGuard({ clock: this.#clock, cancellation: raceCancellation, limitMs, providerId: attempt.candidate.provider.id });
    attempt.cancellation = guard.cancellation;
    return guard;
  }

  /** The attempt answered. */
  success(attempt: AttemptCallOptions, startedAtMs: number, kind: LatencyKind): void {
    attempt.ended = true;
    const endedAtMs = this.#clock.now();
    this.#registry.recordSuccess(attempt.candidate.provider.id, attempt.candidate.model, endedAtMs - startedAtMs, kind, endedAtMs);
  }

  /**
   * The attempt ended in `error`: its verdict recorded, and the error to throw (a ProviderError, anything else
   * being a `network` failure; the race's own abort reason as is).
   */
  failure(
    attempt: AttemptCallOptions,
    error: unknown,
    raceCancellation: Cancellation,
    startedAtMs: number,
    /** The half-open probe this attempt holds, if it was admitted as one: given back if it ends without a verdict. */
    probe: ProbeTicket | undefined,
    kind: LatencyKind,
  ): unknown {
    const { candidate } = attempt;
    const providerId = candidate.provider.id;
    if (raceCancellation.aborted) {
      // It lost the race, or the call ended: no verdict on the provider, but it took at least this long; unless a
      // hedge started after it won, which says it was slow.
      const outpaced = raceCancellation.reason instanceof OutpacedByHedge;
      this.#registry.recordCancelled(providerId, this.#clock.now() - startedAtMs, kind, probe, outpaced);
      return error;
    }
    const providerError = ProviderError.isInstance(error)
      ? error
      : new ProviderError({ provider: providerId, reason: 'network', message: String(error), cause: error });
    attempt.fail(providerError);
    const endedAtMs = this.#clock.now();
    this.#registry.recordFailure(providerId, candidate.model, providerError, endedAtMs - startedAtMs, probe, endedAtMs);
    return providerError;
  }
}
