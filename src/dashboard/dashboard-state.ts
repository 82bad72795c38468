/**
 * What the dashboard shows, kept beside the router: every provider's health sampled once a second (with a
 * short history for the latency chart), the last calls with their attempts, circuit changes and cooldowns,
 * and the cache hit rate. Fed by `router.onEvent`; it never sees a prompt, an answer or a key.
 */
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import { type Attempt, type FailureReason, redactSecrets } from '../errors.js';
import { ListenerSet, type Unsubscribe } from '../resilience/listener-set.js';
import type { HealthStatus } from '../routing/health-status.js';
import type { CircuitStateName, RouterEvent } from '../routing/router-events.js';

/** The part of the router the dashboard reads. */
export interface DashboardRouter {
  onEvent(listener: (event: RouterEvent) => void): () => void;
  getHealthStatus(): Record<string, HealthStatus>;
}

export interface DashboardAttempt {
  readonly provider: string;
  readonly model: string;
  readonly outcome: Attempt['outcome'];
  readonly reason: FailureReason | null;
  /** Why it was skipped or aborted, in words (`circuit open`, `lost the race`). */
  readonly detail: string | null;
  readonly statusCode: number | null;
  /** From the start of the first attempt of the call. */
  readonly offsetMs: number;
  readonly durationMs: number;
}

export interface DashboardCall {
  readonly callId: number;
  readonly endedAtMs: number;
  readonly outcome: 'success' | 'failure' | 'aborted';
  readonly cached: boolean;
  readonly streaming: boolean;
  readonly provider: string | null;
  readonly model: string | null;
  readonly latencyMs: number;
  readonly attempts: readonly DashboardAttempt[];
  readonly errorName: string | null;
}

export interface DashboardProvider {
  readonly id: string;
  readonly displayName: string;
  readonly simulated: boolean;
  readonly configured: boolean;
  readonly circuitState: CircuitStateName;
  readonly successRate: number;
  readonly latencyP50Ms: number | null;
  readonly latencyP95Ms: number | null;
  readonly totalCalls: number;
  readonly totalFailures: number;
  readonly cooldownUntilMs: number | null;
  readonly cooldownReason: FailureReason | null;
}

/** One point of a provider's latency chart. */
export interface LatencySample {
  readonly atMs: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
}

/** A circuit change or a cooldown, for the log of what happened. */
export type DashboardChange =
  | { readonly kind: 'circuit'; readonly atMs: number; readonly provider: string; readonly from: CircuitStateName; readonly to: CircuitStateName }
  | { readonly kind: 'cooldown'; readonly atMs: number; readonly provider: string; readonly untilMs: number; readonly reason: FailureReason };

export interface DashboardTotals {
  readonly calls: number;
  readonly failures: number;
  readonly cacheHits: number;
  /** Cache hits over calls; null before any call. */
  readonly cacheHitRate: number | null;
}

export interface DashboardSnapshot {
  readonly nowMs: number;
  readonly startedAtMs: number;
  readonly sampleIntervalMs: number;
  /** Samples kept per provider: the chart spans `historyLength * sampleIntervalMs`. */
  readonly historyLength: number;
  readonly providers: readonly DashboardProvider[];
  readonly history: Readonly<Record<string, readonly LatencySample[]>>;
  /** Newest first. */
  readonly recentCalls: readonly DashboardCall[];
  /** Newest first. */
  readonly recentChanges: readonly DashboardChange[];
  readonly totals: DashboardTotals;
}

/** What subscribers get, as it happens. */
export type DashboardUpdate =
  | {
      readonly type: 'health';
      readonly nowMs: number;
      readonly providers: readonly DashboardProvider[];
      readonly samples: Readonly<Record<string, LatencySample>>;
      readonly totals: DashboardTotals;
    }
  | { readonly type: 'call'; readonly call: DashboardCall; readonly totals: DashboardTotals }
  | { readonly type: 'change'; readonly change: DashboardChange };

export interface DashboardStateOptions {
  readonly router: DashboardRouter;
  readonly clock?: Clock;
  /** Default 1000. */
  readonly sampleIntervalMs?: number;
  /** Samples kept per provider. Default 120 (two minutes at one a second). */
  readonly historyLength?: number;
  /** Default 50. */
  readonly recentCallsLimit?: number;
  /** Default 30. */
  readonly recentChangesLimit?: number;
}

function toProviders(health: Record<string, HealthStatus>): DashboardProvider[] {
  return Object.entries(health).map(([id, status]) => ({
    id,
    displayName: status.displayName,
    simulated: status.simulated,
    configured: status.configured,
    circuitState: status.circuitState,
    successRate: status.successRate,
    latencyP50Ms: roundOrNull(status.latencyP50Ms),
    latencyP95Ms: roundOrNull(status.latencyP95Ms),
    totalCalls: status.totalCalls,
    totalFailures: status.totalFailures,
    cooldownUntilMs: status.cooldownUntilMs,
    cooldownReason: status.cooldownReason,
  }));
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}

/** A call's attempts in the order they started, timed from the first. Details are redacted, as any text. */
export function toDashboardCall(event: Extract<RouterEvent, { type: 'call-end' }>, endedAtMs: number): DashboardCall {
  const firstStartMs = event.attempts.reduce((earliest, attempt) => Math.min(earliest, attempt.startedAtMs), Number.POSITIVE_INFINITY);
  const attempts = [...event.attempts]
    .sort((left, right) => left.startedAtMs - right.startedAtMs)
    .map((attempt) => ({
      provider: attempt.provider,
      model: attempt.model,
      outcome: attempt.outcome,
      reason: attempt.reason ?? null,
      detail: attempt.detail === undefined ? null : redactSecrets(attempt.detail),
      statusCode: attempt.statusCode ?? null,
      offsetMs: Math.max(0, Math.round(attempt.startedAtMs - firstStartMs)),
      durationMs: Math.round(attempt.durationMs),
    }));
  return {
    callId: event.callId,
    endedAtMs,
    outcome: event.outcome,
    cached: event.cached,
    streaming: event.streaming,
    provider: event.provider ?? null,
    model: event.model ?? null,
    latencyMs: Math.round(event.latencyMs),
    attempts,
    errorName: event.errorName ?? null,
  };
}

/** A call as the router reported it, made into a DashboardCall once, on first look. */
interface RecentCall {
  readonly event: Extract<RouterEvent, { type: 'call-end' }>;
  readonly endedAtMs: number;
  call: DashboardCall | undefined;
}

function callOf(recent: RecentCall): DashboardCall {
  recent.call ??= toDashboardCall(recent.event, recent.endedAtMs);
  return recent.call;
}

export class DashboardState {
  readonly #router: DashboardRouter;
  readonly #clock: Clock;
  readonly #sampleIntervalMs: number;
  readonly #historyLength: number;
  readonly #recentCallsLimit: number;
  readonly #recentChangesLimit: number;
  readonly #startedAtMs: number;
  readonly #updates = new ListenerSet<DashboardUpdate>();
  readonly #history = new Map<string, LatencySample[]>();
  #providers: DashboardProvider[];
  /**
   * Oldest first; reversed when sent. A call is kept as its event and turned into a DashboardCall only
   * when someone looks (a snapshot, or a live subscriber): a gateway ends thousands of calls a second and
   * the page is usually closed.
   */
  readonly #recentCalls: RecentCall[] = [];
  /** Where the next call goes once the ring is full (it then replaces the oldest). */
  #nextRecentCall = 0;
  #recentChanges: DashboardChange[] = [];
  #calls = 0;
  #failures = 0;
  #cacheHits = 0;
  #timer: TimerHandle | undefined;
  readonly #unsubscribeRouter: Unsubscribe;
  #closed = false;

  constructor(options: DashboardStateOptions) {
    this.#router = options.router;
    this.#clock = options.clock ?? systemClock;
    this.#sampleIntervalMs = options.sampleIntervalMs ?? 1000;
    this.#historyLength = options.historyLength ?? 120;
    this.#recentCallsLimit = options.recentCallsLimit ?? 50;
    this.#recentChangesLimit = options.recentChangesLimit ?? 30;
    this.#startedAtMs = this.#clock.now();
    this.#providers = toProviders(this.#router.getHealthStatus());
    this.#unsubscribeRouter = this.#router.onEvent((event) => this.#onRouterEvent(event));
    this.#scheduleSample();
  }

  /** Told of every update; returns the unsubscribe function. */
  subscribe(listener: (update: DashboardUpdate) => void): Unsubscribe {
    return this.#updates.subscribe(listener);
  }

  snapshot(): DashboardSnapshot {
    const history: Record<string, readonly LatencySample[]> = {};
    for (const [id, samples] of this.#history) history[id] = [...samples];
    return {
      nowMs: this.#clock.now(),
      startedAtMs: this.#startedAtMs,
      sampleIntervalMs: this.#sampleIntervalMs,
      historyLength: this.#historyLength,
      providers: this.#providers,
      history,
      recentCalls: this.#recentCallsNewestFirst(),
      recentChanges: [...this.#recentChanges].reverse(),
      totals: this.#totals(),
    };
  }

  /** Take a health sample now (the timer does this every `sampleIntervalMs`). */
  sample(): void {
    const nowMs = this.#clock.now();
    this.#providers = toProviders(this.#router.getHealthStatus());
    const samples: Record<string, LatencySample> = {};
    for (const provider of this.#providers) {
      const sample = { atMs: nowMs, p50Ms: provider.latencyP50Ms, p95Ms: provider.latencyP95Ms };
      samples[provider.id] = sample;
      let history = this.#history.get(provider.id);
      if (!history) {
        history = [];
        this.#history.set(provider.id, history);
      }
      history.push(sample);
      if (history.length > this.#historyLength) history.shift();
    }
    this.#updates.emit({ type: 'health', nowMs, providers: this.#providers, samples, totals: this.#totals() });
  }

  /** Stop sampling and listening to the router. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#unsubscribeRouter();
  }

  #scheduleSample(): void {
    this.#timer = this.#clock.setTimeout(() => {
      if (this.#closed) return;
      this.sample();
      this.#scheduleSample();
    }, this.#sampleIntervalMs);
  }

  #totals(): DashboardTotals {
    return {
      calls: this.#calls,
      failures: this.#failures,
      cacheHits: this.#cacheHits,
      cacheHitRate: this.#calls === 0 ? null : this.#cacheHits / this.#calls,
    };
  }

  #onRouterEvent(event: RouterEvent): void {
    if (event.type === 'call-end') {
      if (event.outcome === 'aborted') return; // the caller left: says nothing about the providers
      this.#calls += 1;
      if (event.outcome === 'failure') this.#failures += 1;
      if (event.cached) this.#cacheHits += 1;
      // A call ends when its latency has run: no need to read the clock again.
      const recent: RecentCall = { event, endedAtMs: event.startedAtMs + event.latencyMs, call: undefined };
      if (this.#recentCalls.length < this.#recentCallsLimit) {
        this.#recentCalls.push(recent);
      } else if (this.#recentCallsLimit > 0) {
        this.#recentCalls[this.#nextRecentCall] = recent;
        this.#nextRecentCall = (this.#nextRecentCall + 1) % this.#recentCallsLimit;
      }
      if (this.#updates.size > 0) this.#updates.emit({ type: 'call', call: callOf(recent), totals: this.#totals() });
    } else if (event.type === 'circuit-change') {
      const atMs = this.#clock.now();
      this.#addChange({ kind: 'circuit', atMs, provider: event.provider, from: event.from, to: event.to });
    } else if (event.type === 'cooldown') {
      const atMs = this.#clock.now();
      this.#addChange({ kind: 'cooldown', atMs, provider: event.provider, untilMs: event.untilMs, reason: event.reason });
    }
  }

  #recentCallsNewestFirst(): DashboardCall[] {
    const calls = this.#recentCalls;
    const newestFirst: DashboardCall[] = [];
    for (let offset = 1; offset <= calls.length; offset += 1) {
      newestFirst.push(callOf(calls[(this.#nextRecentCall - offset + calls.length) % calls.length] as RecentCall));
    }
    return newestFirst;
  }

  #addChange(change: DashboardChange): void {
    this.#recentChanges.push(change);
    if (this.#recentChanges.length > this.#recentChangesLimit) this.#recentChanges.shift();
    this.#updates.emit({ type: 'change', change });
  }
}
