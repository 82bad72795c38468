/**
 * The race with one attempt in flight (no parallel attempts and no hedge, or a single candidate with no retry
 * round or fallback to add more): the common case of a call, a `provider/model` through the gateway among
 * them, kept apart from the general race because it needs none of its machinery. Each candidate in turn; its success wins, its failure starts the next. Same attempt log,
 * same errors, same retry rounds. A `complete` of a provider that settles on abort (`settlesOnAbort`) is
 * simply awaited; any other attempt is raced against the call's abort, so it cannot outlive the call.
 */
import { type Cancellation, untilAborted } from '../cancellation.js';
import type { Clock } from '../clock.js';
import type { ProbeTicket } from '../resilience/circuit-breaker.js';
import { InvalidRequestRefusals } from './invalid-request-refusals.js';
import { allProvidersFailed, asProviderError, endedAttempt, skippedAttempt } from './race-attempts.js';
import type { RaceFailure, RaceOptions, RaceWinner } from './race-options.js';
import type { Candidate } from './select-candidates.js';

/** What an attempt raced against the call's abort rejects with when the abort comes first. */
const endCall = (): symbol => callEnded;
const callEnded = Symbol('call ended');

export async function raceOneAtATime<T>(options: RaceOptions<T>): Promise<RaceWinner<T>> {
  const { clock, cancellation, attempts } = options;
  if (cancellation.aborted) throw cancellation.reason;
  const failures: RaceFailure[] = [];
  let refusals: InvalidRequestRefusals | undefined;
  let candidates = options.candidates;
  let accept: ((candidate: Candidate) => boolean) | undefined;
  // The caller's reading of the clock holds for an attempt started before anything was awaited.
  let startingAtMs = options.nowMs;
  let fallback = options.fallbackCandidates;
  let fallbackAsked = false;
  for (let round = 1, roundStartsAt = 0; ; round += 1) {
    for (let index = 0; index < candidates.length; index += 1) {
      const candidate = candidates[index]!;
      const admission = accept && !accept(candidate) ? 'context window too small' : options.admit?.(candidate);
      if (typeof admission === 'string') {
        attempts.push(skippedAttempt(candidate, clock.now(), admission));
        continue;
      }
      const launchedAtMs = startingAtMs ?? clock.now();
      startingAtMs = undefined;
      let runStartedAtMs = launchedAtMs;
      let probe: ProbeTicket | undefined;
      let running: Promise<T> | undefined;
      let value: T;
      try {
        if (typeof admission === 'object') {
          // A cluster-wide probe lock answers later: wait for it, but not past the call. A lock granted to a
          // call that has ended starts nothing (a provider that ignores an abort would still send it): the
          // half-open probe it granted is given back.
          admission.then((detail) => {
            if (typeof detail === 'number' && cancellation.aborted) options.releaseAdmission?.(candidate, detail);
          }, () => undefined);
          const detail = await untilAborted(admission, cancellation, endCall);
          if (typeof detail === 'string') {
            attempts.push(skippedAttempt(candidate, clock.now(), detail));
            continue;
          }
          probe = detail;
          runStartedAtMs = clock.now();
        } else {
          probe = admission;
        }
        options.onAttemptStart?.(candidate);
        running = options.run(candidate, cancellation, runStartedAtMs, probe);
        const settles = options.runSettlesWithProvider === true && candidate.provider.settlesOnAbort === true;
        value = await (settles ? running : untilAborted(running, cancellation, endCall));
      } catch (error) {
        if (cancellation.aborted) {
          // Should the attempt still produce a value, nobody reads it: it is handed back.
          const discard = options.discard;
          if (discard && running) running.then((late) => discard(late, candidate), () => undefined);
          attempts.push(endedAttempt(candidate, launchedAtMs, clock.now(), 'aborted', { detail: 'call ended' }));
          throw cancellation.reason;
        }
        const providerError = asProviderError(error, candidate);
        const failure: RaceFailure = { error: providerError, candidate };
        failures.push(failure);
        attempts.push(
          endedAttempt(candidate, launchedAtMs, clock.now(), 'failure', { reason: providerError.reason, statusCode: providerError.statusCode }),
        );
        const action = options.classify(providerError, candidate);
        if (action.kind === 'stop') throw providerError;
        if (action.kind === 'refused') {
          refusals ??= new InvalidRequestRefusals(options.stopAfterInvalidRequests);
          const stopWith = refusals.add(failure);
          if (stopWith) throw stopWith;
        }
        if (action.kind === 'fail-over-if') {
          const previous = accept;
          accept = previous ? (next) => previous(next) && action.accept(next) : action.accept;
        }
        continue;
      }
      if (cancellation.aborted) {
        // An answer that came after the call ended is not the call's.
        options.discard?.(value, candidate);
        attempts.push(endedAttempt(candidate, launchedAtMs, clock.now(), 'aborted', { detail: 'call ended' }));
        throw cancellation.reason;
      }
      attempts.push(endedAttempt(candidate, launchedAtMs, clock.now(), 'success'));
      return { value, candidate };
    }
    if (!fallbackAsked && fallback !== undefined && fallback.length > 0) {
      // Every candidate failed: the fallback, in the same round (the loop's step adds the 1 back).
      fallbackAsked = true;
      candidates = fallback;
      round -= 1;
      continue;
    }
    const lastRound = failures.slice(roundStartsAt);
    const retry = options.nextRound?.(lastRound, round + 1);
    if (retry === undefined) throw refusals?.endOfCall(failures) ?? allProvidersFailed(attempts, failures, roundStartsAt);
    await waitUnlessAborted(clock, Math.max(0, retry.delayMs), cancellation);
    roundStartsAt = failures.length;
    candidates = retry.candidates();
    fallback = retry.fallback?.();
    fallbackAsked = false;
  }
}

/** Resolve after `delayMs`, or reject with the cancellation's reason when it aborts first. */
function waitUnlessAborted(clock: Clock, delayMs: number, cancellation: Cancellation): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (cancellation.aborted) {
      reject(cancellation.reason);
      return;
    }
    const stopListening = cancellation.onAbort(() => {
      clock.clearTimeout(timer);
      reject(cancellation.reason);
    });
    const timer = clock.setTimeout(() => {
      stopListening();
      resolve();
    }, delayMs);
  });
}
