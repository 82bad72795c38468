import type { Clock } from '../clock.js';
import type { Attempt } from '../errors.js';
import type { DeadlineSignal } from '../resilience/deadline.js';
import type { Message } from '../types.js';
import { skippedAttempts } from './no-provider-error.js';
import { planRetryRound } from './plan-retry-round.js';
import type { ProviderStateRegistry } from './provider-state-registry.js';
import type { RaceOptions } from './race-options.js';
import { routerDefaults } from './router-defaults.js';
import type { BackupModelRouterOptions, CompleteOptions } from './router-options.js';
import type { Candidate, CandidateSelection } from './select-candidates.js';

export interface RetryRoundsOptions {
  readonly clock: Clock;
  /** When each provider may be asked again (its cooldown, its open circuit). */
  readonly registry: Pick<ProviderStateRegistry, 'standingOf'>;
  /** The router's options, for `maxRetries` and `retryBaseDelayMs` when a call sets none. */
  readonly routerOptions: Pick<BackupModelRouterOptions, 'maxRetries' | 'retryBaseDelayMs'>;
  /** The candidates for the call as the providers stand at `nowMs`: the router's own selection. */
  readonly select: (options: CompleteOptions, nowMs: number, messages: readonly Message[]) => CandidateSelection;
}

/**
 * A call's retry rounds (`maxRetries`) as the race asks for them once every candidate of a round failed: whether
 * and when to ask again (`planRetryRound`), and whom, chosen when the wait is over. One per router.
 */
export class RetryRounds {
  readonly #clock: Clock;
  readonly #registry: Pick<ProviderStateRegistry, 'standingOf'>;
  readonly #routerOptions: Pick<BackupModelRouterOptions, 'maxRetries' | 'retryBaseDelayMs'>;
  readonly #select: RetryRoundsOptions['select'];

  constructor(options: RetryRoundsOptions) {
    this.#clock = options.clock;
    this.#registry = options.registry;
    this.#routerOptions = options.routerOptions;
    this.#select = options.select;
  }

  /**
   * The race's retry rounds, or undefined when the call allows none (the default) or races a last resort
   * (panic mode: its circuit is open, and waiting would not close it). A candidate left out when a round
   * starts (its circuit opened, it cools down) is logged in `attempts` as skipped. Positional parameters: the
   * router asks on every call, and an options object would be made for each.
   */
  of(
    options: CompleteOptions,
    messages: readonly Message[],
    deadline: Pick<DeadlineSignal, 'remainingMs'>,
    attempts: Attempt[],
    lastResort: boolean,
  ): RaceOptions<unknown>['nextRound'] {
    // Checked before anything is made: most calls allow no retry, and this runs on every call.
    const retries = options.maxRetries ?? this.#routerOptions.maxRetries ?? routerDefaults.maxRetries;
    if (retries === 0 || lastResort) return undefined;
    const retry = {
      retries,
      baseDelayMs: this.#routerOptions.retryBaseDelayMs ?? routerDefaults.retryBaseDelayMs,
      maxDelayMs: routerDefaults.retryMaxDelayMs,
    };
    const targetOf = (candidate: { readonly provider: { readonly id: string }; readonly model: string }): string => `${candidate.provider.id}/${candidate.model}`;
    return (failures, round) => {
      const nowMs = this.#clock.now();
      const plan = planRetryRound({
        failures: failures.map((failure) => ({ error: failure.error, target: targetOf(failure.candidate) })),
        round,
        retry,
        remainingMs: deadline.remainingMs(),
        readyInMs: (providerId) => {
          const standing = this.#registry.standingOf(providerId, nowMs);
          return standing.available ? 0 : Math.max(0, (standing.retryAtMs ?? Number.POSITIVE_INFINITY) - nowMs);
        },
        random: Math.random,
      });
      if (plan === undefined) return undefined;
      const planned = (candidate: Candidate): boolean => plan.targets.has(targetOf(candidate));
      let fallback: readonly Candidate[] | undefined;
      return {
        delayMs: plan.delayMs,
        // Chosen when the wait is over: a circuit that opened meanwhile, or a cooldown, keeps its provider out.
        candidates: () => {
          const startedAtMs = this.#clock.now();
          const selection = this.#select(options, startedAtMs, messages);
          for (const attempt of skippedAttempts(selection, startedAtMs)) {
            if (plan.targets.has(`${attempt.provider}/${attempt.model}`)) attempts.push(attempt);
          }
          fallback = selection.fallback?.filter(planned);
          return selection.candidates.filter(planned);
        },
        // The same selection's fallback (history images), asked again after the round's candidates.
        fallback: () => fallback,
      };
    };
  }
}
