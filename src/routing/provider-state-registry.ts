import type { Clock } from '../clock.js';
import { type FailureReason, isHealthFailure, type ProviderError } from '../errors.js';
import { anyOf, ConsecutiveFailuresRule, FailureRateRule } from '../resilience/breaker-rule.js';
import { CircuitBreaker } from '../resilience/circuit-breaker.js';
import { CooldownTracker } from '../resilience/cooldown.js';
import { ProviderHealth } from '../resilience/provider-health.js';
import type { ListenerSet } from '../resilience/listener-set.js';
import type { BreakerOptions } from './router-options.js';
import type { RouterEvent } from './router-events.js';
import type { ProviderStanding } from './select-candidates.js';

export interface ProviderStateRegistryOptions {
  readonly clock: Clock;
  readonly breaker: BreakerOptions;
  readonly credentialCooldownMs: number;
  readonly defaultRateLimitCooldownMs: number;
  readonly events: ListenerSet<RouterEvent>;
}

interface ProviderState {
  readonly breaker: CircuitBreaker;
  readonly health: ProviderHealth;
}

/** Reasons that keep a provider out for the long credential cooldown: retrying cannot help. */
const credentialReasons: ReadonlySet<FailureReason> = new Set(['authentication', 'quota_exhausted']);

/**
 * Per-provider breaker, health figures and cooldowns, and the rules that turn an attempt's outcome into
 * them. The one place that decides what a failure does to a provider.
 */
export class ProviderStateRegistry {
  readonly #options: ProviderStateRegistryOptions;
  readonly #states = new Map<string, ProviderState>();
  readonly cooldowns: CooldownTracker;

  constructor(options: ProviderStateRegistryOptions) {
    this.#options = options;
    this.cooldowns = new CooldownTracker({ clock: options.clock });
  }

  stateOf(providerId: string): ProviderState {
    let state = this.#states.get(providerId);
    if (!state) {
      state = this.#createState(providerId);
      this.#states.set(providerId, state);
    }
    return state;
  }

  standingOf(providerId: string): ProviderStanding {
    const { breaker, health } = this.stateOf(providerId);
    const snapshot = health.snapshot();
    const cooldown = this.cooldowns.cooldownOf(providerId);
    if (cooldown) {
      return {
        available: false,
        detail: `cooling down after ${cooldown.reason}`,
        retryAtMs: cooldown.untilMs,
        successRate: snapshot.successRate,
        latencyMs: snapshot.latencyP50Ms,
      };
    }
    const state = breaker.state;
    if (state.name === 'open' && this.#options.clock.now() < state.halfOpenAfterMs) {
      return {
        available: false,
        detail: 'circuit open',
        retryAtMs: state.halfOpenAfterMs,
        successRate: snapshot.successRate,
        latencyMs: snapshot.latencyP50Ms,
      };
    }
    return { available: true, successRate: snapshot.successRate, latencyMs: snapshot.latencyP50Ms };
  }

  /** At the moment an attempt would start: undefined to go ahead, or why it is skipped. */
  admit(providerId: string): string | undefined {
    const cooldown = this.cooldowns.cooldownOf(providerId);
    if (cooldown) return `cooling down after ${cooldown.reason}`;
    const verdict = this.stateOf(providerId).breaker.tryAcquire();
    return verdict === 'rejected' ? 'circuit open' : undefined;
  }

  recordSuccess(providerId: string, latencyMs: number): void {
    const { breaker, health } = this.stateOf(providerId);
    health.recordSuccess(latencyMs);
    breaker.recordSuccess();
  }

  /** An attempt that ended without a verdict on the provider: it lost a race, or the caller left. */
  recordNeutral(providerId: string): void {
    this.stateOf(providerId).breaker.releaseProbe();
  }

  recordFailure(providerId: string, error: ProviderError, latencyMs: number): void {
    const { breaker, health } = this.stateOf(providerId);
    const nowMs = this.#options.clock.now();
    if (error.reason === 'invalid_request' || error.reason === 'context_too_long') {
      // The request's fault, not the provider's: nothing counts against it.
      breaker.releaseProbe();
      return;
    }
    health.recordFailure(error.reason, latencyMs);
    if (isHealthFailure(error.reason)) {
      breaker.recordFailure();
    } else {
      breaker.releaseProbe();
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

  /** Every provider id seen so far. */
  knownProviderIds(): string[] {
    return [...this.#states.keys()];
  }

  #coolDown(providerId: string, untilMs: number, reason: FailureReason): void {
    if (untilMs <= this.#options.clock.now()) return;
    this.cooldowns.coolDown(providerId, { untilMs, reason });
    this.#options.events.emit({ type: 'cooldown', provider: providerId, untilMs, reason });
  }

  #createState(providerId: string): ProviderState {
    const { clock, breaker: breakerOptions, events } = this.#options;
    const rule = anyOf(
      new ConsecutiveFailuresRule({ threshold: breakerOptions.consecutiveFailures ?? 5 }),
      new FailureRateRule({
        failureRate: breakerOptions.failureRateThreshold ?? 0.5,
        minimumCalls: breakerOptions.minimumCalls ?? 10,
        windowMs: breakerOptions.windowMs ?? 30_000,
      }),
    );
    const breaker = new CircuitBreaker({
      clock,
      rule,
      openDurationMs: breakerOptions.openDurationMs ?? 5_000,
      maxOpenDurationMs: breakerOptions.maxOpenDurationMs ?? 60_000,
    });
    breaker.onStateChange((change) => {
      events.emit({ type: 'circuit-change', provider: providerId, from: change.from, to: change.to });
    });
    return { breaker, health: new ProviderHealth({ clock }) };
  }
}
