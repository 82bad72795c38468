/**
 * What the dashboard shows, kept beside the router: every provider's health sampled once a second (with a
 * short history for the latency chart), the last calls with their attempts, circuit changes and cooldowns,
 * and the cache hit rate. Fed by `router.onEvent`; it never sees a prompt, an answer or a key.
 */
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import { ListenerSet, type Unsubscribe } from '../resilience/listener-set.js';
import type { HealthStatus } from '../routing/health-status.js';
import type { RouterEvent } from '../routing/router-events.js';
import type { DashboardChange, DashboardProvider, DashboardSnapshot, DashboardTotals, DashboardUpdate, LatencySample } from './dashboard-snapshot.js';
import { dashboardCallOf, RecentCalls } from './recent-calls.js';
import { toDashboardProviders } from './to-dashboard-providers.js';

/** The part of the router the dashboard reads. */
export interface DashboardRouter {
  onEvent(listener: (event: RouterEvent) => void): () => void;
  getHealthStatus(): Record<string, HealthStatus>;
}

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

export class DashboardState {
  readonly #router: DashboardRouter;
  readonly #clock: Clock;
  readonly #sampleIntervalMs: number;
  readonly #historyLength: number;
  readonly #recentChangesLimit: number;
  readonly #startedAtMs: number;
  readonly #updates = new ListenerSet<DashboardUpdate>();
  readonly #history = new Map<string, LatencySample[]>();
  #providers: DashboardProvider[];
  readonly #recentCalls: RecentCalls;
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
    this.#recentCalls = new RecentCalls(options.recentCallsLimit ?? 50);
    this.#recentChangesLimit = options.recentChangesLimit ?? 30;
    this.#startedAtMs = this.#clock.now();
    this.#providers = toDashboardProviders(this.#router.getHealthStatus());
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
      recentCalls: this.#recentCalls.newestFirst(),
      recentChanges: [...this.#recentChanges].reverse(),
      totals: this.#totals(),
    };
  }

  /** Take a health sample now (the timer does this every `sampleIntervalMs`). */
  sample(): void {
    const nowMs = this.#clock.now();
    this.#providers = toDashboardProviders(this.#router.getHealthStatus());
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
      const recent = this.#recentCalls.add(event, event.startedAtMs + event.latencyMs);
      if (this.#updates.size > 0) this.#updates.emit({ type: 'call', call: dashboardCallOf(recent), totals: this.#totals() });
    } else if (event.type === 'circuit-change') {
      const atMs = this.#clock.now();
      this.#addChange({ kind: 'circuit', atMs, provider: event.provider, from: event.from, to: event.to });
    } else if (event.type === 'cooldown') {
      const atMs = this.#clock.now();
      this.#addChange({ kind: 'cooldown', atMs, provider: event.provider, untilMs: event.untilMs, reason: event.reason });
    } else if (event.type === 'model-missing') {
      const atMs = this.#clock.now();
      this.#addChange({ kind: 'model-missing', atMs, provider: event.provider, model: event.model, untilMs: event.untilMs });
    }
  }

  #addChange(change: DashboardChange): void {
    this.#recentChanges.push(change);
    if (this.#recentChanges.length > this.#recentChangesLimit) this.#recentChanges.shift();
    this.#updates.emit({ type: 'change', change });
  }
}
