/**
 * How each simulated provider behaves when nothing is scripted: latency drawn from a lognormal distribution
 * (most answers near the median, a long right tail), a few stragglers far slower, and a few percent of
 * failures in the provider's own recorded shape (or a reset connection where none was recorded).
 */
import type { ProviderBehavior } from '../testing/index.js';

export interface DemoProviderProfile {
  /** Median latency before the status line. */
  readonly medianLatencyMs: number;
  /** Spread of the lognormal: 0.35 keeps p95 near 1.8x the median. */
  readonly latencySigma: number;
  /** Share of requests that straggle, `stragglerFactor` times slower. */
  readonly stragglerRate: number;
  readonly stragglerFactor: number;
  /** Share of requests that fail with `failure`. */
  readonly errorRate: number;
  readonly failure: ProviderBehavior;
}

const reset: ProviderBehavior = { kind: 'reset-before-headers', latencyMs: 40 };

/** Realistic enough to watch: Groq fastest, Moonshot slowest, everyone failing now and then. */
export const defaultDemoProfiles: Readonly<Record<string, DemoProviderProfile>> = {
  groq: { medianLatencyMs: 160, latencySigma: 0.35, stragglerRate: 0.03, stragglerFactor: 6, errorRate: 0.02, failure: reset },
  together: { medianLatencyMs: 300, latencySigma: 0.35, stragglerRate: 0.03, stragglerFactor: 5, errorRate: 0.03, failure: reset },
  google: { medianLatencyMs: 340, latencySigma: 0.4, stragglerRate: 0.03, stragglerFactor: 5, errorRate: 0.02, failure: { kind: 'error', fixture: 'error-503-unavailable-overloaded', latencyMs: 60 } },
  anthropic: { medianLatencyMs: 380, latencySigma: 0.35, stragglerRate: 0.02, stragglerFactor: 5, errorRate: 0.02, failure: { kind: 'error', fixture: 'error-529-overloaded', latencyMs: 80 } },
  openai: { medianLatencyMs: 450, latencySigma: 0.35, stragglerRate: 0.03, stragglerFactor: 4, errorRate: 0.02, failure: { kind: 'error', fixture: 'error-500-server-error', latencyMs: 90 } },
  moonshot: { medianLatencyMs: 620, latencySigma: 0.45, stragglerRate: 0.04, stragglerFactor: 4, errorRate: 0.03, failure: { kind: 'error', fixture: 'error-429-engine-overloaded', latencyMs: 70 } },
};

/** A standard normal draw (Box-Muller) from a uniform source. */
function standardNormal(random: () => number): number {
  const first = Math.max(random(), Number.MIN_VALUE);
  const second = random();
  return Math.sqrt(-2 * Math.log(first)) * Math.cos(2 * Math.PI * second);
}

/** One latency for `profile`, scaled by `latencyScale` (below 1 for a faster demo). */
export function sampleLatencyMs(options: {
  readonly profile: DemoProviderProfile;
  readonly random: () => number;
  readonly latencyScale?: number;
}): number {
  const { profile, random } = options;
  let latencyMs = profile.medianLatencyMs * Math.exp(profile.latencySigma * standardNormal(random));
  if (random() < profile.stragglerRate) latencyMs *= profile.stragglerFactor;
  return Math.max(1, Math.round(latencyMs * (options.latencyScale ?? 1)));
}

/** The unscripted behaviour of one request: the profile's failure now and then, else a success. */
export function unscriptedBehavior(options: {
  readonly profile: DemoProviderProfile;
  readonly random: () => number;
  readonly latencyScale?: number;
}): ProviderBehavior {
  if (options.random() < options.profile.errorRate) return options.profile.failure;
  return { kind: 'success', latencyMs: sampleLatencyMs(options) };
}
