/**
 * An `embed` call without the cache: the providers of its one model (never another model), raced under the call's
 * deadline as a `complete` call's candidates are (one at a time unless the call asks more), each attempt's verdict
 * recorded on its provider's circuit, health and cooldown, retry rounds by the router's rules, and the attempts it
 * cancelled after sending them priced. One per router.
 */
import type { CachedEmbeddings } from '../cache/cache-backend.js';
import type { Cancellation } from '../cancellation.js';
import type { Clock } from '../clock.js';
import { type Attempt, DeadlineExceededError, type ProviderError } from '../errors.js';
import type { ProbeTicket } from '../resilience/circuit-breaker.js';
import { createDeadlineSignal } from '../resilience/deadline.js';
import type { ListenerSet } from '../resilience/listener-set.js';
import type { EmbeddingRequest, EmbeddingResponse } from '../types.js';
import { AttemptCallOptions } from './attempt-call-options.js';
import { AttemptVerdicts } from './attempt-verdicts.js';
import { priceCancelledEmbeddingAttempts } from './cancelled-attempts-cost.js';
import { checkEmbeddingVectors } from './check-embedding-vectors.js';
import type { EmbedOptions } from './embedding-options.js';
import type { HedgeDelays } from './hedge-delay.js';
import type { InFlightCalls } from './in-flight-calls.js';
import { candidatesToRace, skippedAttempts } from './no-provider-error.js';
import type { ProviderStateRegistry } from './provider-state-registry.js';
import { raceCandidates } from './race-candidates.js';
import type { FailureAction } from './race-options.js';
import type { RetryRounds } from './retry-rounds.js';
import { routerDefaults } from './router-defaults.js';
import type { AttemptLog, BackupModelRouterOptions, RouteTarget } from './router-options.js';
import type { RouterEvent } from './router-events.js';
import type { Candidate, CandidateSelection } from './select-candidates.js';

export interface UncachedEmbeddingsOptions {
  readonly clock: Clock;
  readonly routerOptions: BackupModelRouterOptions;
  readonly registry: ProviderStateRegistry;
  readonly events: ListenerSet<RouterEvent>;
  readonly hedgeDelays: HedgeDelays;
  /** Retry rounds whose selection is `select` of the call's targets (given as the `route` of the options it is passed). */
  readonly retryRounds: RetryRounds;
  /** The call's targets as the providers stand at `nowMs`: skipped when their circuit is open, cooling down, keyless. */
  readonly select: (targets: readonly RouteTarget[], nowMs: number) => CandidateSelection;
}

/** One `embed` call, its input checked and its targets known. */
export interface EmbeddingCall {
  readonly callId: number;
  /** The model, the inputs, the dimensions and the task type: what every provider of the call is asked. */
  readonly request: EmbeddingRequest;
  readonly options: EmbedOptions;
  readonly targets: readonly RouteTarget[];
  readonly startedAtMs: number;
  readonly log: AttemptLog;
}

export interface UncachedEmbedding {
  readonly completion: CachedEmbeddings;
  readonly attempts: readonly Attempt[];
}

/**
 * Routing's reading of an embedding attempt's failure: the request's own fault (invalid, too long) would fail at
 * every provider of the same model, so it ends the call; anything else fails over to the model's next provider.
 */
export function classifyEmbeddingFailure(error: ProviderError): FailureAction {
  return error.reason === 'invalid_request' || error.reason === 'context_too_long' ? stop : failOver;
}

const stop: FailureAction = { kind: 'stop' };
const failOver: FailureAction = { kind: 'fail-over' };

export class UncachedEmbeddings {
  readonly #options: UncachedEmbeddingsOptions;
  readonly #verdicts: AttemptVerdicts;

  constructor(options: UncachedEmbeddingsOptions) {
    this.#options = options;
    this.#verdicts = new AttemptVerdicts(options.clock, options.registry);
  }

  /** Race the call's providers under its deadline; `inFlight` holds the deadline, so close() cancels the call. */
  async embed(call: EmbeddingCall, signal: AbortSignal | Cancellation | undefined, inFlight: InFlightCalls): Promise<UncachedEmbedding> {
    const { clock, routerOptions, registry, events } = this.#options;
    const { options, targets, callId } = call;
    const nowMs = clock.now();
    const timeoutMs = options.timeoutMs ?? routerOptions.timeoutMs ?? routerDefaults.timeoutMs;
    const selection = this.#options.select(targets, nowMs);
    const attempts = skippedAttempts(selection, nowMs);
    call.log.attempts = attempts;
    const { candidates, lastResort } = candidatesToRace({ selection, nowMs, acquireLastResort: (providerId) => registry.lastResorts.acquire(providerId) });
    const deadline = createDeadlineSignal({ clock, timeoutMs, parent: signal, nowMs });
    const inFlightCall = inFlight.enter(deadline);
    const responseTimeoutMs = options.responseTimeoutMs ?? routerOptions.responseTimeoutMs ?? routerDefaults.responseTimeoutMs;
    const idleTimeoutMs = routerOptions.idleTimeoutMs ?? routerDefaults.idleTimeoutMs;
    let newestAttempt: AttemptCallOptions | undefined;
    try {
      const winner = await raceCandidates<EmbeddingResponse>({
        candidates,
        parallelAttempts: options.parallelAttempts ?? 1,
        hedgeDelayMs: this.#options.hedgeDelays.of(options.hedge, 'embed'),
        clock,
        cancellation: deadline.cancellation,
        nowMs,
        attempts,
        admit: lastResort ? undefined : (candidate: Candidate) => registry.admit(candidate.provider.id),
        releaseAdmission: (candidate, probe) => registry.releaseProbe(candidate.provider.id, probe),
        classify: classifyEmbeddingFailure,
        onAttemptStart: (candidate) => {
          if (events.size > 0) events.emit({ type: 'attempt-start', callId, provider: candidate.provider.id, model: candidate.model });
        },
        run: (candidate, cancellation, startedAtMs, probe) => {
          newestAttempt = new AttemptCallOptions(candidate, cancellation, responseTimeoutMs, idleTimeoutMs, newestAttempt);
          return this.#attempt(newestAttempt, call.request, cancellation, startedAtMs, probe);
        },
        // The retry rounds select again among the call's own targets: its one model, never another.
        nextRound: this.#options.retryRounds.of({ route: targets, maxRetries: options.maxRetries }, [], deadline, attempts, lastResort !== undefined),
        runSettlesWithProvider: true,
      });
      const completion: CachedEmbeddings = { provider: winner.candidate.provider.id, embeddings: winner.value, storedAtMs: clock.now() };
      return { completion, attempts };
    } catch (error) {
      if (deadline.timedOut()) throw new DeadlineExceededError({ timeoutMs, attempts });
      throw error;
    } finally {
      priceCancelledEmbeddingAttempts(attempts, newestAttempt, call.request.inputs, registry.spending);
      deadline.dispose();
      inFlight.leave(inFlightCall);
      if (lastResort) registry.lastResorts.release(lastResort.provider.id);
      if (events.size > 0) for (const attempt of attempts) events.emit({ type: 'attempt-end', callId, attempt });
    }
  }

  /** One attempt through its provider's `embed`, its verdict recorded on the provider (a cancel records none). */
  async #attempt(
    attempt: AttemptCallOptions,
    request: EmbeddingRequest,
    raceCancellation: Cancellation,
    startedAtMs: number,
    probe: ProbeTicket | undefined,
  ): Promise<EmbeddingResponse> {
    const verdicts = this.#verdicts;
    const guard = verdicts.guard(attempt, raceCancellation);
    try {
      const { candidate } = attempt;
      // Only providers with `embed` are targets (embedding-targets.ts).
      const asked: EmbeddingRequest = { model: candidate.model, inputs: request.inputs, dimensions: request.dimensions, taskType: request.taskType };
      const response = await candidate.provider.embed!(asked, attempt);
      checkEmbeddingVectors(response, asked, candidate.provider.id);
      verdicts.success(attempt, startedAtMs, 'embed');
      return response;
    } catch (error) {
      throw verdicts.failure(attempt, error, raceCancellation, startedAtMs, probe, 'embed');
    } finally {
      guard?.dispose();
    }
  }
}
