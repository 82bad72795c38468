/**
 * A `complete` call without the cache: select the candidates, race them under the call's deadline, record
 * each attempt's verdict on its provider, and price what the attempts it cancelled after sending them cost.
 * One per router; the router and its cache both start calls here.
 */
import type { CachedCompletion } from '../cache/cache-backend.js';
import type { Cancellation } from '../cancellation.js';
import type { Clock } from '../clock.js';
import { type Attempt, DeadlineExceededError } from '../errors.js';
import type { ProbeTicket } from '../resilience/circuit-breaker.js';
import { createDeadlineSignal } from '../resilience/deadline.js';
import type { ListenerSet } from '../resilience/listener-set.js';
import type { ChatResponse, Message } from '../types.js';
import { AttemptCallOptions } from './attempt-call-options.js';
import { candidateRequest, classifyFailure } from './call-request.js';
import { priceCancelledAttempts } from './cancelled-attempts-cost.js';
import { AttemptVerdicts } from './attempt-verdicts.js';
import type { HedgeDelays } from './hedge-delay.js';
import type { InFlightCalls } from './in-flight-calls.js';
import { candidatesToRace, skippedAttempts } from './no-provider-error.js';
import type { ProviderStateRegistry } from './provider-state-registry.js';
import { raceCandidates } from './race-candidates.js';
import type { RetryRounds } from './retry-rounds.js';
import { routerDefaults } from './router-defaults.js';
import type { AttemptLog, BackupModelRouterOptions, CompleteOptions } from './router-options.js';
import type { RouterEvent } from './router-events.js';
import type { Candidate, CandidateSelection } from './select-candidates.js';

export interface UncachedCompletionsOptions {
  readonly clock: Clock;
  /** The router's options, for the limits and strategy of a call that sets none. */
  readonly routerOptions: BackupModelRouterOptions;
  readonly registry: ProviderStateRegistry;
  readonly events: ListenerSet<RouterEvent>;
  readonly hedgeDelays: HedgeDelays;
  readonly retryRounds: RetryRounds;
  /** The candidates for the call as the providers stand at `nowMs`: the router's own selection. */
  readonly select: (options: CompleteOptions, nowMs: number, messages: readonly Message[]) => CandidateSelection;
}

/** A call's answer as the cache stores it, and every attempt the call made or skipped. */
export interface UncachedCompletion {
  readonly completion: CachedCompletion;
  readonly attempts: readonly Attempt[];
}

export class UncachedCompletions {
  readonly #clock: Clock;
  readonly #routerOptions: BackupModelRouterOptions;
  readonly #registry: ProviderStateRegistry;
  readonly #events: ListenerSet<RouterEvent>;
  readonly #hedgeDelays: HedgeDelays;
  readonly #retryRounds: RetryRounds;
  readonly #select: UncachedCompletionsOptions['select'];
  readonly #verdicts: AttemptVerdicts;

  constructor(options: UncachedCompletionsOptions) {
    this.#clock = options.clock;
    this.#routerOptions = options.routerOptions;
    this.#registry = options.registry;
    this.#events = options.events;
    this.#hedgeDelays = options.hedgeDelays;
    this.#retryRounds = options.retryRounds;
    this.#select = options.select;
    this.#verdicts = new AttemptVerdicts(options.clock, options.registry);
  }

  /**
   * Race the call's candidates under its deadline. `log` gets the race's live attempt log before the first
   * wait. When `inFlight` is given, the deadline is what the router's close() cancels: the call then needs no
   * cancellation of its own to make and follow. Positional parameters: this runs on every call.
   */
  async complete(
    callId: number,
    messages: readonly Message[],
    options: CompleteOptions,
    signal: AbortSignal | Cancellation | undefined,
    nowMs: number = this.#clock.now(),
    log?: AttemptLog,
    inFlight?: InFlightCalls,
  ): Promise<UncachedCompletion> {
    // One reading of the clock for the deadline, the ranking and the first attempts: all happen now.
    const routerOptions = this.#routerOptions;
    const timeoutMs = options.timeoutMs ?? routerOptions.timeoutMs ?? routerDefaults.timeoutMs;
    const selection = this.#select(options, nowMs, messages);
    const attempts = skippedAttempts(selection, nowMs);
    if (log) log.attempts = attempts;
    const { candidates, lastResort } = candidatesToRace({
      selection,
      nowMs,
      acquireLastResort: (providerId) => this.#registry.lastResorts.acquire(providerId),
    });
    // Made once there is something to race (a call with no candidate throws above, and holds no timer).
    const deadline = createDeadlineSignal({ clock: this.#clock, timeoutMs, parent: signal, nowMs });
    const inFlightCall = inFlight?.enter(deadline);
    const events = this.#events;
    const responseTimeoutMs = options.responseTimeoutMs ?? routerOptions.responseTimeoutMs ?? routerDefaults.responseTimeoutMs;
    const idleTimeoutMs = options.idleTimeoutMs ?? routerOptions.idleTimeoutMs ?? routerDefaults.idleTimeoutMs;
    // The race's attempts, newest first: what those it cancelled after sending them cost is priced at its end.
    let newestAttempt: AttemptCallOptions | undefined;
    try {
      const winner = await raceCandidates<ChatResponse>({
        candidates,
        parallelAttempts: options.parallelAttempts ?? routerOptions.parallelAttempts ?? routerDefaults.parallelAttempts,
        hedgeDelayMs: this.#hedgeDelays.of(options.hedge ?? routerOptions.hedge, 'complete'),
        clock: this.#clock,
        cancellation: deadline.cancellation,
        nowMs,
        attempts,
        admit: lastResort ? undefined : (candidate: Candidate) => this.#registry.admit(candidate.provider.id),
        releaseAdmission: this.#releaseAdmission,
        classify: classifyFailure,
        stopAfterInvalidRequests: routerOptions.stopAfterInvalidRequests,
        onAttemptStart: (candidate) => {
          if (events.size > 0) {
            events.emit({ type: 'attempt-start', callId, provider: candidate.provider.id, model: candidate.model });
          }
        },
        run: (candidate, cancellation, startedAtMs, probe) => {
          newestAttempt = new AttemptCallOptions(candidate, cancellation, responseTimeoutMs, idleTimeoutMs, newestAttempt);
          return this.#attempt(newestAttempt, messages, options, cancellation, startedAtMs, probe);
        },
        nextRound: this.#retryRounds.of(options, messages, deadline, attempts, lastResort !== undefined),
        runSettlesWithProvider: true,
        fallbackCandidates: selection.fallback,
      });
      const completion = { provider: winner.candidate.provider.id, response: winner.value, storedAtMs: this.#clock.now() };
      return { completion, attempts };
    } catch (error) {
      if (deadline.timedOut()) throw new DeadlineExceededError({ timeoutMs, attempts });
      throw error;
    } finally {
      priceCancelledAttempts(attempts, newestAttempt, messages, this.#registry.spending);
      deadline.dispose();
      if (inFlightCall !== undefined) inFlight?.leave(inFlightCall);
      if (lastResort) this.#registry.lastResorts.release(lastResort.provider.id);
      if (events.size > 0) for (const attempt of attempts) events.emit({ type: 'attempt-end', callId, attempt });
    }
  }

  /**
   * One attempt through `attempt`'s provider. `raceCancellation` is what the race gave it: aborted when it
   * lost, or when the call ended. Positional parameters: an options object would be made for each attempt.
   */
  async #attempt(
    attempt: AttemptCallOptions,
    messages: readonly Message[],
    options: CompleteOptions,
    raceCancellation: Cancellation,
    startedAtMs: number,
    /** The half-open probe this attempt holds, if it was admitted as one: given back if it ends without a verdict. */
    probe: ProbeTicket | undefined,
  ): Promise<ChatResponse> {
    const verdicts = this.#verdicts;
    const guard = verdicts.guard(attempt, raceCancellation);
    try {
      const response = await attempt.candidate.provider.complete(candidateRequest(attempt.candidate, messages, options), attempt);
      verdicts.success(attempt, startedAtMs, 'complete');
      return response;
    } catch (error) {
      throw verdicts.failure(attempt, error, raceCancellation, startedAtMs, probe, 'complete');
    } finally {
      guard?.dispose();
    }
  }

  /** A probe lock granted after its race was over: the attempt never started, so its half-open probe is given back. */
  readonly #releaseAdmission = (candidate: Candidate, probe: ProbeTicket): void => this.#registry.releaseProbe(candidate.provider.id, probe);
}
