import type { ProviderStateRegistry } from './provider-state-registry.js';
import { routerDefaults } from './router-defaults.js';
import type { HedgeOption } from './router-options.js';
import type { Candidate } from './select-candidates.js';

/**
 * How long to wait on the attempt in flight before starting the next candidate: a fixed delay, or `auto`,
 * about the p95 latency observed for the provider in flight (so about one call in twenty is hedged).
 * Undefined without hedging: the race starts its attempts at once.
 */
export function hedgeDelayOf(
  hedge: HedgeOption | false | undefined,
  registry: ProviderStateRegistry,
): ((candidate: Candidate) => number) | undefined {
  if (!hedge) return undefined;
  if (hedge.delayMs !== 'auto') {
    const fixedDelayMs = hedge.delayMs;
    return () => fixedDelayMs;
  }
  return (candidate) => {
    const p95 = registry.stateOf(candidate.provider.id).health.recentFigures().latencyP95Ms;
    return p95 === undefined ? routerDefaults.hedgeDelayWithoutSamplesMs : Math.max(routerDefaults.minimumHedgeDelayMs, p95);
  };
}
