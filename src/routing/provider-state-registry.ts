import type { Clock } from '../clock.js';
import { type FailureReason, isHealthFailure, type ProviderError, refusalOfOurs } from '../errors.js';
import type { CircuitBreaker, ProbeTicket } from '../resilience/circuit-breaker.js';
import { CooldownTracker } from '../resilience/cooldown.js';
import type { ListenerSet } from '../resilience/listener-set.js';
import type { Admission } from './race-options.js';
import { routerDefaults } from './router-defaults.js';
import type { BreakerOptions } from './router-options.js';
import type { RouterEvent } from './router-events.js';
import { AvailableStanding } from './available-standing.js';
import { ClusterHealth } from './cluster-health.js';
import { createProviderState, type LatencyKind, latencyOf, type ProviderState } from './provider-state.js';
import { LastResortGate } from './last-resort-gate.js';
import { MissingModels } from './missing-models.js';
import { ProviderSpending } from './provider-spending.js';
import type { ProviderStateSync, SharedModelUpdate, SharedProviderUpdate } from './provider-state-sync.js';
import type { ProviderStanding } from './select-candidates.js';

export interface ProviderStateRegistryOptions {
  readonly clock: Clock;
  readonly breaker: BreakerOptions;
  readonly credentialCooldownMs: number;
  readonly defaultRateLimitCooldownMs: number;
  /** How long a model its provider answered `model_not_found` for is left out (0: never). */
  readonly missingModelPeriodMs: number;
  readonly events: ListenerSet<RouterEvent>;
  /** Shares circuits, cooldowns and missing models with other instances. */
  readonly sync?: ProviderStateSync;
}

/** Another instance's missing model ending this close to the one known is the same report, read back again. */
const sameReportWithinMs = 1_000;

/** Reasons that keep a provider out for the long credential cooldown: retrying cannot help. */
const credentialReasons: ReadonlySet<FailureReason> = new Set(['authentication', 'quota_exhausted']);

/**
 * Per-provider breaker, health figures and cooldowns, and the rules that turn an attempt's outcome into
 * them. The one place that decides what a failure does to a provider.
 */
export class ProviderStateRegistry {
  readonly #options: ProviderStateRegistryOptions;
  readonly #states = new Map<string, RegisteredProvider>();
  readonly cooldowns: CooldownTracker;
  /** What this instance spent on each provider, kept beside its state for its health status. */
  readonly spending = new ProviderSpending();
  readonly lastResorts = new LastResortGate();
  /**
   * Models their provider reported missing, left out of selection for a while. With a sync, shared: a model
   * marked missing or found again here is so at every instance (read only: change it through this registry).
   */
  readonly missingModels: MissingModels;
  /** True while applying another instance's update, so it is not published back. */
  #applyingRemote = false;
  /** True while giving a probe back to the instance that holds the cluster's lock: this instance's alone, not shared. */
  #yieldingProbe = false;
  readonly #unsubscribeSync: (() => void) | undefined;
  /** Each state's breaker listener, ended when the state is handed to a registry that replaces this one. */
  readonly #stopWatching = new Map<string, () => void>();
  /** Figures other instances observed; only with a sync. */
  readonly #cluster: ClusterHealth | undefined;

  constructor(options: ProviderStateRegistryOptions) {
    this.#options = options;
    this.cooldowns = new CooldownTracker({ clock: options.clock });
    this.missingModels = new MissingModels({ periodMs: options.missingModelPeriodMs });
    const sync = options.sync;
    this.#cluster = sync ? new ClusterHealth({ clock: options.clock, publish: (update) => sync.publish(update) }) : undefined;
    this.#unsubscribeSync = sync?.subscribe((update) => this.#applyRemote(update));
  }

  /** This provider's figures over every instance's traffic (this instance's alone without a sync). */
  figuresOf(providerId: string): { successRate: number; latencyP50Ms: number | undefined; instances: number } {
    const local = this.stateOf(providerId).health.recentFigures();
    return this.#cluster ? this.#cluster.blend(providerId, local) : { ...local, instances: 1 };
  }

  /** Stop listening to other instances. */
  dispose(): void {
    this.#unsubscribeSync?.();
  }

  stateOf(providerId: string): RegisteredProvider {
    let state = this.#states.get(providerId);
    if (!state) {
      state = this.#createState(providerId);
      this.#states.set(providerId, state);
    }
    return state;
  }

  /**
   * `nowMs`: the caller's reading of the clock, when it has just taken one. An available provider's standing is
   * its one `AvailableStanding`, its figures derived only if ranking reads them: read it at once, do not keep it.
   */
  standingOf(providerId: string, nowMs: number = this.#options.clock.now()): ProviderStanding {
    const state = this.stateOf(providerId);
    const standing = state.standing.at(nowMs);
    const cooldown = this.cooldowns.cooldownOf(providerId);
    if (cooldown) {
      return {
        available: false,
        detail: `cooling down after ${cooldown.reason}`,
        retryAtMs: cooldown.untilMs,
        successRate: standing.successRate,
        latencyMs: standing.latencyMs,
      };
    }
    const breakerState = state.breaker.state;
    if (breakerState.name === 'open' && nowMs < breakerState.halfOpenAfterMs) {
      return {
        available: false,
        detail: 'circuit open',
        circuitOpen: true,
        retryAtMs: breakerState.halfOpenAfterMs,
        successRate: standing.successRate,
        latencyMs: standing.latencyMs,
      };
    }
    return standing;
  }

  /**
   * At the moment an attempt would start: undefined to go ahead, why it is skipped, or the ticket of the
   * half-open probe it holds from now (see `Admission`). A half-open probe shared with other instances waits
   * for the cluster-wide probe lock, so only one instance probes; refused it, this instance gives its own probe
   * back and asks again after an open period, unless the prober's verdict reaches it first.
   */
  admit(providerId: string): Admission | Promise<Admission> {
    const cooldown = this.cooldowns.cooldownOf(providerId);
    if (cooldown) return `cooling down after ${cooldown.reason}`;
    const { breaker } = this.stateOf(providerId);
    const verdict = breaker.tryAcquire();
    if (verdict === 'rejected') return 'circuit open';
    if (verdict === 'allowed') return undefined;
    const probe = breaker.probeTicket;
    const sync = this.#options.sync;
    if (!sync) return probe;
    const probeLockMs = this.#options.breaker.maxOpenDurationMs ?? routerDefaults.breakerMaxOpenDurationMs;
    return sync.acquireProbe(providerId, probeLockMs).then(
      (granted) => (granted ? probe : this.#yieldProbe(breaker, probe)),
      () => probe,
    );
  }

  /**
   * An attempt to `model` that succeeded after `latencyMs`, of the `kind` it measures: the model is there, if it
   * was remembered as missing. `nowMs`: when the attempt ended, if the caller has read the clock already.
   * (Positional parameters: this runs on every call.)
   */
  recordSuccess(providerId: string, model: string, latencyMs: number, kind: LatencyKind, nowMs: number = this.#options.clock.now()): void {
    if (this.missingModels.clear(providerId, model)) this.#options.sync?.publish({ kind: 'model-found', providerId, model });
    const state = this.stateOf(providerId);
    state.health.recordSuccess(latencyMs, nowMs);
    latencyOf(state, kind).record(latencyMs, nowMs);
    state.breaker.recordSuccess(nowMs);
    this.#shareFigures(providerId);
  }

  /**
   * An attempt cancelled after `elapsedMs`: it lost a race, or its call ended (the caller left, the deadline,
   * close()). Its latency was at least `elapsedMs`, which the hedge's p95 of that kind takes when it says something
   * (see `LatencySamples.recordAtLeast`). Nothing counts for or against the provider's health figures. Its circuit
   * counts a failure when the attempt was `outpaced`: a hedge started after it, past its p95, answered first
   * (`OutpacedByHedge`). Otherwise the half-open probe it held (`probe`, undefined when it held none) is given back,
   * and another caller's probe is left in flight.
   *
   * Why outpaced counts: a provider that hangs before answering would otherwise stay closed, since its attempts
   * never fail (every call's hedge wins and cancels them), and each cancelled attempt, longer than the p95, would
   * lift the p95 a little more: measured, a hung first provider cost a hedged call 101 ms, then 400 ms after 40
   * calls and 770 ms after 120. A healthy provider with a heavy tail is outpaced on a few calls in a hundred, far
   * from what opens a circuit (half of at least 10 calls, or 5 in a row with half of the last 5 s).
   */
  recordCancelled(providerId: string, elapsedMs: number, kind: LatencyKind, probe: ProbeTicket | undefined, outpaced = false): void {
    const state = this.stateOf(providerId);
    latencyOf(state, kind).recordAtLeast(elapsedMs);
    if (outpaced) state.breaker.recordFailure(this.#options.clock.now());
    else if (probe !== undefined) state.breaker.releaseProbe(probe);
  }

  /**
   * A half-open probe that ends without a verdict: admitted for an attempt that never started (its race was
   * over), or a stream past its first token that its reader left. The next caller may probe.
   */
  releaseProbe(providerId: string, probe: ProbeTicket): void {
    this.stateOf(providerId).breaker.releaseProbe(probe);
  }

  /** The p95 latency of this kind of attempt to the provider, over the last minute; undefined without samples. */
  latencyP95Of(providerId: string, kind: LatencyKind): number | undefined {
    const state = this.stateOf(providerId);
    return latencyOf(state, kind).p95Ms();
  }

  /**
   * An attempt to `model` (or a health check, with no model) that failed. A failure that says nothing of the
   * provider's health gives back the half-open probe the attempt held (`probe`, undefined when it held none),
   * and only that one. A `model_not_found` for a model marks that model missing for a while (unless the provider
   * advised asking again), and nothing else: it says nothing of the provider's health or of its other models.
   */
  recordFailure(
    providerId: string,
    model: string | undefined,
    error: ProviderError,
    latencyMs: number,
    probe: ProbeTicket | undefined,
    nowMs: number = this.#options.clock.now(),
  ): void {
    const { breaker, health } = this.stateOf(providerId);
    if (error.reason === 'model_not_found' && model !== undefined) {
      if (probe !== undefined) breaker.releaseProbe(probe);
      // The provider's own advice to ask again (x-should-retry: true) says the 404 is passing: not remembered.
      const missing = error.shouldRetry === true ? undefined : this.missingModels.markMissing(providerId, model, nowMs);
      if (missing) {
        this.#options.events.emit({ type: 'model-missing', provider: providerId, model, untilMs: missing.untilMs });
        this.#options.sync?.publish({ kind: 'model-missing', providerId, model, sinceMs: missing.sinceMs, untilMs: missing.untilMs });
      }
      return;
    }
    if (error.reason === 'invalid_request' || error.reason === 'context_too_long' || refusalOfOurs(error) !== undefined) {
      // The request's fault, not the provider's: nothing counts against it (not even in its success rate,
      // which ranks it for every caller).
      if (probe !== undefined) breaker.releaseProbe(probe);
      return;
    }
    health.recordFailure(error.reason, latencyMs, nowMs);
    this.#shareFigures(providerId);
    if (isHealthFailure(error.reason)) {
      breaker.recordFailure(nowMs);
    } else if (probe !== undefined) {
      breaker.releaseProbe(probe);
    }
    if (credentialReasons.has(error.reason)) {
      this.#coolDown(providerId, nowMs + this.#options.credentialCooldownMs, error.reason);
    } else if (error.reason === 'rate_limit') {
      const waitMs = error.retryAfterMs ?? this.#options.defaultRateLimitCooldownMs;
      this.#coolDown(providerId, nowMs + waitMs, error.reason);
    } else if (error.reason === 'overloaded' && error.retryAfterMs !== undefined) {
      this.#coolDown(providerId, nowMs + error.retryAfterMs, error.reason);
    }
  }

  /**
   * The provider answered its health check: every model of it reported missing gets another try, at every instance,
   * and an open circuit lets its next call probe now (`CircuitBreaker.allowProbeNow`), at this instance.
   */
  recordHealthCheckSuccess(providerId: string): void {
    if (this.missingModels.clearProvider(providerId)) this.#options.sync?.publish({ kind: 'model-found', providerId, model: undefined });
    this.stateOf(providerId).breaker.allowProbeNow();
  }

  /**
   * Give `providerId`'s state (circuit, health figures, latencies) to a registry replacing this one (a router made
   * with `previousRouter`): its circuit changes are no longer reported here, but the attempts still in flight here
   * keep recording into it. Undefined when this registry never saw the provider.
   */
  handOverState(providerId: string): ProviderState | undefined {
    const state = this.#states.get(providerId);
    this.#stopWatching.get(providerId)?.();
    this.#stopWatching.delete(providerId);
    return state;
  }

  /** Keep `state`, handed over by the registry this one replaces, as `providerId`'s, reporting its circuit changes from now on. */
  adoptState(providerId: string, state: ProviderState): void {
    this.#states.set(providerId, this.#registered(providerId, state));
    this.#watch(providerId, state);
  }

  /** Every provider id seen so far. */
  knownProviderIds(): string[] {
    return [...this.#states.keys()];
  }

  #coolDown(providerId: string, untilMs: number, reason: FailureReason): void {
    if (untilMs <= this.#options.clock.now()) return;
    this.cooldowns.coolDown(providerId, { untilMs, reason });
    this.#options.events.emit({ type: 'cooldown', provider: providerId, untilMs, reason });
    if (!this.#applyingRemote) {
      this.#options.sync?.publish({ kind: 'cooldown', providerId, cooldown: { untilMs, reason } });
    }
  }

  #shareFigures(providerId: string): void {
    if (this.#cluster) this.#cluster.maybePublish(providerId, this.stateOf(providerId).health.recentFigures());
  }

  /**
   * Another instance holds the cluster's probe lock: give this instance's probe back, to ask again after an open
   * period (should the prober die without a verdict). Not shared: the prober's verdict is the one to share, and a
   * circuit shared as open now would overrule its probe.
   */
  #yieldProbe(breaker: CircuitBreaker, probe: ProbeTicket): string {
    this.#yieldingProbe = true;
    try {
      breaker.yieldProbe(probe);
    } finally {
      this.#yieldingProbe = false;
    }
    return 'circuit half-open: another instance probes';
  }

  #applyRemote(update: SharedProviderUpdate): void {
    this.#applyingRemote = true;
    try {
      if (update.kind === 'breaker') this.stateOf(update.providerId).breaker.restore(update.state);
      else if (update.kind === 'health') this.#cluster?.receive(update.providerId, update.figures);
      else if (update.kind === 'cooldown') this.#coolDown(update.providerId, update.cooldown.untilMs, update.cooldown.reason);
      else this.#applyRemoteModel(update);
    } catch {
      // A malformed update from the store is ignored: the local view stays in force.
    } finally {
      this.#applyingRemote = false;
    }
  }

  /** Another instance's missing model or model found: applied here, with the event a local one gives, never published back. */
  #applyRemoteModel(update: SharedModelUpdate): void {
    const { providerId } = update;
    if (update.kind === 'model-found') {
      if (update.model === undefined) this.missingModels.clearProvider(providerId);
      else this.missingModels.clear(providerId, update.model);
      return;
    }
    const nowMs = this.#options.clock.now();
    // Read back again (a reconnection): known already, no news. The end moves by the clocks' readings alone.
    const knownUntilMs = this.missingModels.missingUntil(providerId, update.model, nowMs);
    if (knownUntilMs !== undefined && Math.abs(knownUntilMs - update.untilMs) < sameReportWithinMs) return;
    const entry = { model: update.model, sinceMs: update.sinceMs, untilMs: update.untilMs };
    const missing = this.missingModels.markMissingUntil(providerId, entry, nowMs);
    if (missing) this.#options.events.emit({ type: 'model-missing', provider: providerId, model: missing.model, untilMs: missing.untilMs });
  }

  #createState(providerId: string): RegisteredProvider {
    const state = this.#registered(providerId, createProviderState(this.#options));
    this.#watch(providerId, state);
    return state;
  }

  /** `state` with its standing, read through this registry's view of the cluster. */
  #registered(providerId: string, state: ProviderState): RegisteredProvider {
    return { ...state, standing: new AvailableStanding(providerId, state.health, this.#cluster) };
  }

  #watch(providerId: string, state: ProviderState): void {
    const events = this.#options.events;
    const stopWatching = state.breaker.onStateChange((change) => {
      events.emit({ type: 'circuit-change', provider: providerId, from: change.from, to: change.to });
      // Half-open is this instance letting a probe through, before the cluster's lock says whether it may: not
      // a verdict to share. Shared, a refused instance's half-open could outrank the prober's verdict (published
      // after it) and hold every instance half-open; the lock is what tells the others a probe is in flight.
      if (!this.#applyingRemote && !this.#yieldingProbe && change.to !== 'half_open') {
        this.#options.sync?.publish({ kind: 'breaker', providerId, state: change.state });
      }
    });
    this.#stopWatching.set(providerId, stopWatching);
  }
}

/** A provider's state, and its standing while it is available (see `standingOf`). */
interface RegisteredProvider extends ProviderState {
  readonly standing: AvailableStanding;
}
