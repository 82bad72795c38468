/**
 * The demo's script: one provider goes down and comes back, another starts to rate-limit and stops, on a
 * cycle that repeats so a viewer who arrives late still sees it. Pure: what is scripted at a given time.
 */
import { InvalidArgumentError } from '../errors.js';

export interface DemoTimeline {
  /** The provider that suffers an outage (503s and reset connections). Default groq. */
  readonly outageProvider: string;
  /** From the start of each cycle. Default 10 s. */
  readonly outageStartMs: number;
  /** Default 20 s. */
  readonly outageDurationMs: number;
  /** The provider that rate-limits (429 with Retry-After). Default anthropic. */
  readonly rateLimitProvider: string;
  /** Default 20 s. */
  readonly rateLimitStartMs: number;
  /** Default 15 s. */
  readonly rateLimitDurationMs: number;
  /** The Retry-After the rate limit sends. Default 5. */
  readonly retryAfterSeconds: number;
  /** The script starts over after this long; 0 plays it once. Default 60 s. */
  readonly cycleMs: number;
}

export const defaultDemoTimeline: DemoTimeline = {
  outageProvider: 'groq',
  outageStartMs: 10_000,
  outageDurationMs: 20_000,
  rateLimitProvider: 'anthropic',
  rateLimitStartMs: 20_000,
  rateLimitDurationMs: 15_000,
  retryAfterSeconds: 5,
  cycleMs: 60_000,
};

export interface ScriptedFaults {
  readonly outage: boolean;
  readonly rateLimit: boolean;
}

/** The timeline with `overrides`, checked. */
export function resolveDemoTimeline(overrides: Partial<DemoTimeline> = {}): DemoTimeline {
  const timeline = { ...defaultDemoTimeline, ...overrides };
  for (const name of ['outageStartMs', 'outageDurationMs', 'rateLimitStartMs', 'rateLimitDurationMs', 'retryAfterSeconds', 'cycleMs'] as const) {
    const value = timeline[name];
    if (!Number.isFinite(value) || value < 0) {
      throw new InvalidArgumentError({ argument: `timeline.${name}`, message: `timeline.${name} must be a number of at least 0, got ${String(value)}` });
    }
  }
  const scriptEndMs = Math.max(timeline.outageStartMs + timeline.outageDurationMs, timeline.rateLimitStartMs + timeline.rateLimitDurationMs);
  if (timeline.cycleMs !== 0 && timeline.cycleMs < scriptEndMs) {
    throw new InvalidArgumentError({ argument: 'timeline.cycleMs', message: `timeline.cycleMs must be 0 or at least ${scriptEndMs} (the end of the script), got ${timeline.cycleMs}` });
  }
  return timeline;
}

function within(timeMs: number, startMs: number, durationMs: number): boolean {
  return timeMs >= startMs && timeMs < startMs + durationMs;
}

/** What the script says at `elapsedMs` since the demo started. */
export function scriptedFaultsAt(timeline: DemoTimeline, elapsedMs: number): ScriptedFaults {
  const timeMs = timeline.cycleMs > 0 ? elapsedMs % timeline.cycleMs : elapsedMs;
  return {
    outage: within(timeMs, timeline.outageStartMs, timeline.outageDurationMs),
    rateLimit: within(timeMs, timeline.rateLimitStartMs, timeline.rateLimitDurationMs),
  };
}

/** The script in one sentence, with the providers' names. */
export function describeDemoTimeline(timeline: DemoTimeline, nameOf: (providerId: string) => string): string {
  const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(1))} s`;
  const repeat = timeline.cycleMs > 0 ? `; the script repeats every ${seconds(timeline.cycleMs)}` : '';
  return (
    `at ${seconds(timeline.outageStartMs)} ${nameOf(timeline.outageProvider)} goes down for ${seconds(timeline.outageDurationMs)}; ` +
    `at ${seconds(timeline.rateLimitStartMs)} ${nameOf(timeline.rateLimitProvider)} rate-limits for ${seconds(timeline.rateLimitDurationMs)} ` +
    `(Retry-After: ${timeline.retryAfterSeconds})${repeat}.`
  );
}
