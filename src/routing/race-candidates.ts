import { CancelScope } from '../cancellation.js';
import type { TimerHandle } from '../clock.js';
import type { ProbeTicket } from '../resilience/circuit-breaker.js';
import { InvalidRequestRefusals } from './invalid-request-refusals.js';
import { allProvidersFailed, asProviderError, endedAttempt, OutpacedByHedge, skippedAttempt } from './race-attempts.js';
import { raceOneAtATime } from './race-one-at-a-time.js';
import type { Admission, RaceFailure, RaceOptions, RaceWinner } from './race-options.js';
import type { Candidate } from './select-candidates.js';

interface RunningAttempt {
  readonly candidate: Candidate;
  /** Aborted when the attempt loses or the call ends. */
  readonly scope: CancelScope;
  readonly startedAtMs: number;
  /** Started by the hedge timer, not to fill a place: what it outpaces when it wins is slow (`OutpacedByHedge`). */
  readonly hedge: boolean;
}

/**
 * Run candidates with at most `parallelAttempts` in flight; the first success wins and every other
 * attempt is aborted. A failure starts the next candidate at once. Rejects with the caller's abort
 * reason as is, with the error of a `stop` failure, with the first refusal of the request once enough candidates
 * refused it (see `InvalidRequestRefusals`), or with AllProvidersFailedError.
 */
export function raceCandidates<T>(options: RaceOptions<T>): Promise<RaceWinner<T>> {
  // One attempt in flight, or one candidate and no retry round or fallback to add more: nothing to race in parallel.
  const oneAtATime =
    (!options.hedgeDelayMs && options.parallelAttempts <= 1) ||
    (options.candidates.length <= 1 && options.nextRound === undefined && options.fallbackCandidates === undefined);
  if (oneAtATime) return raceOneAtATime(options);
  const { clock, cancellation, attempts } = options;
  let candidates = options.candidates;
  return new Promise<RaceWinner<T>>((resolve, reject) => {
    if (cancellation.aborted) {
      reject(cancellation.reason);
      return;
    }
    const inFlight = new Set<RunningAttempt>();
    // Every failure of every round, in order; the last round's start from `roundStartsAt`.
    const failures: RaceFailure[] = [];
    let refusals: InvalidRequestRefusals | undefined;
    let nextIndex = 0;
    let settled = false;
    let hedgeTimer: TimerHandle | undefined;
    /** The attempt the hedge timer waits on: the newest in flight when it was set. */
    let hedgeFor: RunningAttempt | undefined;
    let retryTimer: TimerHandle | undefined;
    let round = 1;
    let roundStartsAt = 0;
    let allowedInFlight = options.hedgeDelayMs ? 1 : Math.max(1, options.parallelAttempts);
    let accept: ((candidate: Candidate) => boolean) | undefined;
    let fallback = options.fallbackCandidates;
    let fallbackAsked = false;

    const settle = (abortDetail: string, complete: () => void, winner?: RunningAttempt): void => {
      if (settled) return;
      settled = true;
      if (hedgeTimer !== undefined) clock.clearTimeout(hedgeTimer);
      if (retryTimer !== undefined) clock.clearTimeout(retryTimer);
      removeCallAbortListener();
      const nowMs = inFlight.size > 0 ? clock.now() : 0;
      for (const running of inFlight) {
        attempts.push(endedAttempt(running.candidate, running.startedAtMs, nowMs, 'aborted', { detail: abortDetail }));
        const outpaced = winner !== undefined && winner.hedge && running.startedAtMs < winner.startedAtMs;
        running.scope.abort(outpaced ? new OutpacedByHedge() : new Error(abortDetail));
      }
      inFlight.clear();
      complete();
    };

    const onCallAbort = (): void => settle('call ended', () => reject(cancellation.reason));
    const removeCallAbortListener = cancellation.onAbort(onCallAbort);

    /** Launch the next candidate that is admitted; `hedge` when the hedge timer asks for it. */
    const startNext = (hedge = false): boolean => {
      while (nextIndex < candidates.length) {
        const candidate = candidates[nextIndex++] as Candidate;
        const skipDetail = accept && !accept(candidate) ? 'context window too small' : options.admit?.(candidate);
        if (typeof skipDetail === 'string') {
          attempts.push(skippedAttempt(candidate, clock.now(), skipDetail));
          continue;
        }
        launch(candidate, skipDetail, hedge);
        return true;
      }
      return false;
    };

    // The caller's reading of the clock holds for the attempts started before this function returns.
    let startingAtMs = options.nowMs;

    const launch = (candidate: Candidate, admission: Promise<Admission> | ProbeTicket | undefined, hedge: boolean): void => {
      const scope = new CancelScope();
      const startedAtMs = startingAtMs ?? clock.now();
      const running: RunningAttempt = { candidate, scope, startedAtMs, hedge };
      inFlight.add(running);
      const start = (probe: ProbeTicket | undefined): Promise<T> => {
        options.onAttemptStart?.(candidate);
        return options.run(candidate, scope, typeof admission === 'object' ? clock.now() : startedAtMs, probe);
      };
      const promise =
        typeof admission === 'object'
          ? admission.then((detail) => {
              if (typeof detail === 'string') throw new SkippedAtStart(detail);
              if (settled) {
                if (detail !== undefined) options.releaseAdmission?.(candidate, detail);
                throw new SkippedAtStart('the race ended before the admission');
              }
              return start(detail);
            })
          : invoke(start, admission);
      promise.then(
        (value) => {
          if (settled || !inFlight.delete(running)) {
            options.discard?.(value, candidate);
            return;
          }
          attempts.push(endedAttempt(running.candidate, running.startedAtMs, clock.now(), 'success'));
          settle('lost the race', () => resolve({ value, candidate }), running);
        },
        (error: unknown) => {
          if (settled || !inFlight.delete(running)) return;
          if (error instanceof SkippedAtStart) {
            attempts.push(skippedAttempt(candidate, clock.now(), error.detail));
            fill();
            return;
          }
          const providerError = asProviderError(error, candidate);
          const failure: RaceFailure = { error: providerError, candidate };
          failures.push(failure);
          attempts.push(
            endedAttempt(running.candidate, running.startedAtMs, clock.now(), 'failure', {
              reason: providerError.reason,
              statusCode: providerError.statusCode,
            }),
          );
          const action = options.classify(providerError, candidate);
          if (action.kind === 'stop') {
            settle('call stopped', () => reject(providerError));
            return;
          }
          if (action.kind === 'refused') {
            // Attempts in flight run on, each a second opinion, until enough candidates refused the request.
            refusals ??= new InvalidRequestRefusals(options.stopAfterInvalidRequests);
            const stopWith = refusals.add(failure);
            if (stopWith) {
              settle('call stopped', () => reject(stopWith));
              return;
            }
          }
          if (action.kind === 'fail-over-if') {
            const previous = accept;
            accept = previous ? (next) => previous(next) && action.accept(next) : action.accept;
          }
          fill();
        },
      );
    };

    const scheduleHedge = (): void => {
      const hedgeDelayMs = options.hedgeDelayMs;
      if (!hedgeDelayMs || nextIndex >= candidates.length) return;
      if (allowedInFlight >= options.parallelAttempts) return;
      const newest = [...inFlight].at(-1);
      if (!newest) return;
      if (hedgeTimer !== undefined) {
        if (hedgeFor === newest) return;
        // The attempt it waited on failed and another took its place: the hedge waits on that one now, for its
        // own provider's delay, instead of firing early on the old one's clock.
        clock.clearTimeout(hedgeTimer);
      }
      hedgeFor = newest;
      hedgeTimer = clock.setTimeout(() => {
        hedgeTimer = undefined;
        if (settled) return;
        allowedInFlight += 1;
        fill(true);
      }, Math.max(0, hedgeDelayMs(newest.candidate)));
    };

    /** Start attempts up to the places allowed; `hedge`: the hedge timer's place (see `RunningAttempt.hedge`). */
    const fill = (hedge = false): void => {
      while (inFlight.size < allowedInFlight && startNext(hedge)) {
        // startNext launched one more attempt.
      }
      if (inFlight.size === 0) {
        if (retryTimer !== undefined) return;
        if (!fallbackAsked && fallback !== undefined && fallback.length > 0) {
          fallbackAsked = true;
          candidates = fallback;
          nextIndex = 0;
          fill();
          return;
        }
        const lastRound = failures.slice(roundStartsAt);
        const retry = options.nextRound?.(lastRound, round + 1);
        if (retry !== undefined) {
          // Made only when a round is due: nothing of the rounds is allocated on a call that needs none.
          retryTimer = clock.setTimeout(() => {
            retryTimer = undefined;
            if (settled) return;
            round += 1;
            roundStartsAt = failures.length;
            // Each round starts as the first did: one attempt when hedging, its own hedge timer.
            if (hedgeTimer !== undefined) clock.clearTimeout(hedgeTimer);
            hedgeTimer = undefined;
            allowedInFlight = options.hedgeDelayMs ? 1 : Math.max(1, options.parallelAttempts);
            candidates = retry.candidates();
            fallback = retry.fallback?.();
            fallbackAsked = false;
            nextIndex = 0;
            fill();
          }, Math.max(0, retry.delayMs));
          return;
        }
        settle('call failed', () => reject(refusals?.endOfCall(failures) ?? allProvidersFailed(attempts, failures, roundStartsAt)));
        return;
      }
      scheduleHedge();
    };

    fill();
    startingAtMs = undefined;
  });
}

/** A candidate whose admission answered later that it must be skipped. Internal to the race. */
class SkippedAtStart extends Error {
  constructor(readonly detail: string) {
    super(detail);
  }
}

function invoke<T>(start: (probe: ProbeTicket | undefined) => Promise<T>, probe: ProbeTicket | undefined): Promise<T> {
  try {
    return start(probe);
  } catch (error) {
    return Promise.reject(error);
  }
}
