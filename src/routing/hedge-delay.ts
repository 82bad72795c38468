import type { LatencyKind } from './provider-state.js';
import type { ProviderStateRegistry } from './provider-state-registry.js';
import { routerDefaults } from './router-defaults.js';
import type { HedgeOption } from './router-options.js';
import type { Candidate } from './select-candidates.js';

/**
 * How long to wait on the attempt in flight before starting the next candidate: a fixed delay, or `auto`,
 * about the p95 latency observed for the provider in flight on the same kind of call (whole answers for
 * `complete`, first tokens for `stream`: a provider's first token says nothing of how long its whole answer
 * takes), so about one call in twenty is hedged. One per router: the `auto` functions are made once, not per call.
 */
export class HedgeDelays {
  readonly #autoComplete: (candidate: Candidate) => number;
  readonly #autoFirstToken: (candidate: Candidate) => number;
  readonly #autoEmbed: (candidate: Candidate) => number;

  constructor(registry: ProviderStateRegistry) {
    this.#autoComplete = (candidate) => delayFromP95(registry.latencyP95Of(candidate.provider.id, 'complete'));
    this.#autoFirstToken = (candidate) => delayFromP95(registry.latencyP95Of(candidate.provider.id, 'first-token'));
    this.#autoEmbed = (candidate) => delayFromP95(registry.latencyP95Of(candidate.provider.id, 'embed'));
  }

  /** The delay for a call of this kind; undefined without hedging (the race starts its attempts at once). */
  of(hedge: HedgeOption | false | undefined, kind: LatencyKind): ((candidate: Candidate) => number) | undefined {
    if (!hedge) return undefined;
    if (hedge.delayMs === 'auto') return kind === 'complete' ? this.#autoComplete : kind === 'first-token' ? this.#autoFirstToken : this.#autoEmbed;
    const fixedDelayMs = hedge.delayMs;
    return () => fixedDelayMs;
  }
}

function delayFromP95(p95Ms: number | undefined): number {
  return p95Ms === undefined ? routerDefaults.hedgeDelayWithoutSamplesMs : Math.max(routerDefaults.minimumHedgeDelayMs, p95Ms);
}
