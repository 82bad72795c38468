import type { Cancellation } from '../cancellation.js';
import type { Clock } from '../clock.js';
import type { Attempt, ProviderError } from '../errors.js';
import type { ProbeTicket } from '../resilience/circuit-breaker.js';
import type { Candidate } from './select-candidates.js';

/** What a failed attempt means for the rest of the call. */
export type FailureAction =
  | { readonly kind: 'fail-over' }
  /** Return this error at once: it would fail everywhere (a context too long for every window left). */
  | { readonly kind: 'stop' }
  /**
   * The provider refused the request itself as invalid: perhaps a quirk of its own (a parameter only it refuses),
   * so fail over, until `stopAfterInvalidRequests` distinct candidates refused it; the call then ends with the
   * first refusal (see `InvalidRequestRefusals`).
   */
  | { readonly kind: 'refused' }
  /** Fail over, but only to candidates that pass `accept` (a larger context window). */
  | { readonly kind: 'fail-over-if'; readonly accept: (candidate: Candidate) => boolean };

/**
 * What admitting a candidate says at the moment it would start: a reason to skip it (a string), go ahead
 * (undefined), or go ahead as the half-open probe of its circuit (the probe's ticket). The attempt holding a
 * probe gives it back when it ends without a verdict; no other attempt can.
 */
export type Admission = string | ProbeTicket | undefined;

export interface RaceOptions<T> {
  readonly candidates: readonly Candidate[];
  /** The most attempts in flight at once. */
  readonly parallelAttempts: number;
  /**
   * Hedging: when given, start with one attempt and add the next only after this delay without an
   * answer (up to `parallelAttempts`). When absent, race `parallelAttempts` at once.
   */
  readonly hedgeDelayMs?: ((inFlight: Candidate) => number) | undefined;
  readonly clock: Clock;
  /** The call's cancellation (the caller's abort and the deadline). Aborting it stops every attempt. */
  readonly cancellation: Cancellation;
  /**
   * Run one attempt. Its cancellation aborts when it loses, or when the call ends. `startedAtMs` is the
   * time its attempt log entry gives as its start; `probe`, the half-open probe its admission granted it.
   */
  readonly run: (candidate: Candidate, cancellation: Cancellation, startedAtMs: number, probe: ProbeTicket | undefined) => Promise<T>;
  /** The clock's reading when the caller has just taken one: the attempts started at once use it. */
  readonly nowMs?: number;
  readonly classify: (error: ProviderError, candidate: Candidate) => FailureAction;
  /**
   * How many distinct candidates (provider and model) must refuse the request (`refused`) before the call ends
   * with the first refusal. Default: the router's (`routerDefaults.stopAfterInvalidRequests`).
   */
  readonly stopAfterInvalidRequests?: number | undefined;
  /**
   * A reason to skip a candidate at the moment it would start (its circuit opened meanwhile). May answer
   * later (a cluster-wide probe lock): the candidate then holds its slot until the answer comes.
   */
  readonly admit?: ((candidate: Candidate) => Admission | Promise<Admission>) | undefined;
  /**
   * An admission that granted a probe once the race was over (the call ended, or another attempt won, while the
   * lock was asked for): the attempt is not started, as nobody would read its answer while the provider bills it,
   * and this gives the half-open probe back, so the next call may probe.
   */
  readonly releaseAdmission?: ((candidate: Candidate, probe: ProbeTicket) => void) | undefined;
  /**
   * A value an attempt produced once the race was over (it lost to an answer in the same moment, or the call
   * ended meanwhile): nobody reads it, and this gives back what it holds (an open stream, a half-open probe).
   */
  readonly discard?: ((value: T, candidate: Candidate) => void) | undefined;
  /** The call's attempt log; the race appends to it. */
  readonly attempts: Attempt[];
  /** Told when an attempt starts, so a caller can stream progress. */
  readonly onAttemptStart?: (candidate: Candidate) => void;
  /**
   * Asked when every candidate has failed: another round after a wait, or undefined to give up. `round` is
   * the number of the round it would be (2 for the first retry); `failures` are those of the last one.
   */
  readonly nextRound?: ((failures: readonly RaceFailure[], round: number) => RetryRound | undefined) | undefined;
  /**
   * `run` is the provider's `complete`, so an attempt of a provider that settles on abort (`settlesOnAbort`)
   * may simply be awaited. Unset for anything else (a stream's opening): every attempt is then raced
   * against the call's abort.
   */
  readonly runSettlesWithProvider?: boolean;
  /** Asked, in order, only once every candidate of the first round has failed: see `CandidateSelection.fallback`. */
  readonly fallbackCandidates?: readonly Candidate[] | undefined;
}

/** A failed attempt of the race, and whose. */
export interface RaceFailure {
  readonly error: ProviderError;
  readonly candidate: Candidate;
}

/** One more round over candidates chosen when the wait is over (standings may have changed meanwhile). */
export interface RetryRound {
  readonly delayMs: number;
  readonly candidates: () => readonly Candidate[];
  /** The round's fallback, read after `candidates()` (see `RaceOptions.fallbackCandidates`). */
  readonly fallback?: () => readonly Candidate[] | undefined;
}

export interface RaceWinner<T> {
  readonly value: T;
  readonly candidate: Candidate;
}
