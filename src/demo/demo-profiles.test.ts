import { describe, expect, it } from 'vitest';
import { defaultDemoProfiles, sampleLatencyMs, unscriptedBehavior, type DemoProviderProfile } from './demo-profiles.js';
import { simulatedCatalog } from './simulated-catalog.js';

/** A seeded uniform source, so the figures below are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}

function quantile(sorted: readonly number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!;
}

describe('simulated provider profiles', () => {
  const profile: DemoProviderProfile = { ...defaultDemoProfiles.groq!, stragglerRate: 0, errorRate: 0 };

  it('draws latencies around the median with a lognormal right tail', () => {
    const random = seededRandom(1);
    const samples = Array.from({ length: 5_000 }, () => sampleLatencyMs({ profile, random })).sort((left, right) => left - right);
    const median = quantile(samples, 0.5);
    expect(median).toBeGreaterThan(profile.medianLatencyMs * 0.93);
    expect(median).toBeLessThan(profile.medianLatencyMs * 1.07);
    // exp(1.645 * 0.35) = 1.78: the p95 sits near 1.8x the median, the p5 near 0.56x.
    expect(quantile(samples, 0.95) / median).toBeGreaterThan(1.6);
    expect(quantile(samples, 0.95) / median).toBeLessThan(2);
    expect(quantile(samples, 0.05) / median).toBeGreaterThan(0.5);
    expect(samples[0]).toBeGreaterThanOrEqual(1);
  });

  it('sends a few stragglers far slower, and scales every latency', () => {
    const withStragglers = { ...profile, stragglerRate: 0.05, stragglerFactor: 6 };
    const random = seededRandom(2);
    const samples = Array.from({ length: 4_000 }, () => sampleLatencyMs({ profile: withStragglers, random }));
    const slow = samples.filter((latencyMs) => latencyMs > profile.medianLatencyMs * 3.5).length / samples.length;
    expect(slow).toBeGreaterThan(0.03);
    expect(slow).toBeLessThan(0.08);
    const scaled = sampleLatencyMs({ profile, random: () => 0.5, latencyScale: 0.5 });
    expect(scaled).toBe(Math.round(sampleLatencyMs({ profile, random: () => 0.5 }) * 0.5));
  });

  it('fails a few percent of requests with the provider failure, and succeeds the rest', () => {
    const random = seededRandom(3);
    const behaviors = Array.from({ length: 5_000 }, () => unscriptedBehavior({ profile: { ...profile, errorRate: 0.03 }, random }));
    const failures = behaviors.filter((behavior) => behavior.kind !== 'success').length / behaviors.length;
    expect(failures).toBeGreaterThan(0.02);
    expect(failures).toBeLessThan(0.04);
    expect(behaviors.find((behavior) => behavior.kind !== 'success')).toEqual(profile.failure);
  });

  it('has a profile for each of the six providers', () => {
    expect(Object.keys(defaultDemoProfiles).sort()).toEqual(['anthropic', 'google', 'groq', 'moonshot', 'openai', 'together']);
  });

  it('names every provider of the demo catalog as simulated', () => {
    const catalog = simulatedCatalog();
    expect(catalog.map((definition) => definition.displayName)).toEqual([
      'Groq (simulated)',
      'OpenAI (simulated)',
      'Anthropic (simulated)',
      'Together (simulated)',
      'Moonshot (simulated)',
      'Google (simulated)',
    ]);
    expect(catalog.every((definition) => definition.simulated === true)).toBe(true);
    expect(simulatedCatalog(catalog).map((definition) => definition.displayName)).toEqual(catalog.map((definition) => definition.displayName));
  });
});
