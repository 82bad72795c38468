/**
 * Turns the provider test server into six simulated providers with a life of their own: each chat request
 * gets, as it arrives, a behaviour drawn from its provider's profile, unless the timeline scripts an outage
 * or a rate limit for that provider at that moment.
 *
 * How: the server tells `onRequest` listeners of a request as soon as its body is read, synchronously and
 * before it picks the behaviour from the provider's queue; the listener enqueues exactly one behaviour for
 * that request. The server's request log is emptied now and then, so a demo left running does not grow.
 */
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import type { ProviderBehavior, ProviderTestServer } from '../testing/index.js';
import { defaultDemoProfiles, unscriptedBehavior, type DemoProviderProfile } from './demo-profiles.js';
import { scriptedFaultsAt, type DemoTimeline } from './demo-timeline.js';

/** Each provider's recorded 429 (Google's quota error is its RESOURCE_EXHAUSTED). */
const rateLimitFixtures: Readonly<Record<string, string>> = {
  anthropic: 'error-429-rate-limit',
  openai: 'error-429-rate-limit-rpm',
  groq: 'error-429-rate-limit-tpm',
  together: 'error-429-rate-limit',
  moonshot: 'error-429-rate-limit-tpm',
  google: 'error-429-resource-exhausted',
};

export interface SimulatedProvidersOptions {
  readonly server: ProviderTestServer;
  readonly timeline: DemoTimeline;
  /** When the timeline's clock starts (epoch ms on `clock`). */
  readonly startedAtMs: number;
  readonly profiles?: Readonly<Record<string, DemoProviderProfile>>;
  readonly clock?: Clock;
  /** Uniform in [0, 1). Default Math.random. */
  readonly random?: () => number;
  /** Multiplies every latency: below 1 for a faster demo (tests). Default 1. */
  readonly latencyScale?: number;
  /** How often the request log is emptied. Default 30 s. */
  readonly logResetIntervalMs?: number;
}

/** An outage: mostly bare 503s from a proxy, sometimes a connection reset. */
export function outageBehavior(random: () => number): ProviderBehavior {
  return random() < 0.7 ? { kind: 'status', status: 503, latencyMs: 30 } : { kind: 'reset-before-headers', latencyMs: 20 };
}

export function rateLimitBehavior(providerId: string, retryAfterSeconds: number): ProviderBehavior {
  return {
    kind: 'error',
    fixture: rateLimitFixtures[providerId] ?? 'error-429-rate-limit',
    headers: { 'retry-after': String(retryAfterSeconds) },
    latencyMs: 40,
  };
}

/** Start simulating; returns the function that stops it. */
export function driveSimulatedProviders(options: SimulatedProvidersOptions): () => void {
  const { server, timeline } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const profiles = options.profiles ?? defaultDemoProfiles;
  const latencyScale = options.latencyScale ?? 1;

  const behaviorFor = (providerId: string): ProviderBehavior => {
    const faults = scriptedFaultsAt(timeline, clock.now() - options.startedAtMs);
    if (faults.outage && providerId === timeline.outageProvider) return outageBehavior(random);
    if (faults.rateLimit && providerId === timeline.rateLimitProvider) return rateLimitBehavior(providerId, timeline.retryAfterSeconds);
    const profile = profiles[providerId];
    if (!profile) return { kind: 'success' };
    return unscriptedBehavior({ profile, random, latencyScale });
  };

  const unsubscribe = server.onRequest((request) => {
    if (request.outcome !== 'in-flight' || request.route !== 'chat') return;
    server.enqueue(request.provider, behaviorFor(request.provider));
  });

  let timer: TimerHandle | undefined;
  const logResetIntervalMs = options.logResetIntervalMs ?? 30_000;
  const scheduleLogReset = (): void => {
    timer = clock.setTimeout(() => {
      // Safe between requests: a behaviour is enqueued and taken in the same turn of the event loop.
      server.reset();
      scheduleLogReset();
    }, logResetIntervalMs);
  };
  scheduleLogReset();

  return () => {
    unsubscribe();
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
  };
}
