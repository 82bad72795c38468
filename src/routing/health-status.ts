import type { Clock } from '../clock.js';
import type { FailureReason } from '../errors.js';
import type { ModelProvider } from '../providers/model-provider.js';
import type { MissingModel } from './missing-models.js';
import type { ProviderStateRegistry } from './provider-state-registry.js';
import type { CircuitStateName } from './router-events.js';

/** One provider's health, as `getHealthStatus()` reports it. Never holds a key. */
export interface HealthStatus {
  readonly displayName: string;
  /** True when its key variable is set (or it needs none). */
  readonly configured: boolean;
  readonly simulated: boolean;
  readonly circuitState: CircuitStateName;
  /** Share of recent calls that succeeded; 1 before any call. */
  readonly successRate: number;
  readonly latencyP50Ms: number | null;
  readonly latencyP95Ms: number | null;
  readonly consecutiveFailures: number;
  readonly totalCalls: number;
  readonly totalFailures: number;
  /** Epoch milliseconds when its cooldown or open circuit ends; null when it is usable. */
  readonly cooldownUntilMs: number | null;
  readonly cooldownReason: FailureReason | null;
  readonly lastFailureReason: FailureReason | null;
  /** US dollars spent on this provider by this instance: its answers, at the catalog's prices. */
  readonly totalCostUsd: number;
  /**
   * Estimated US dollars of the requests this instance sent this provider and took no answer from: those that
   * lost a race or a hedge, were in flight when their call ended, or that our own timer ended
   * (`firstTokenTimeoutMs`, `responseTimeoutMs`), and the texts an embedding attempt had answered before a later
   * batch of it failed. The provider bills them though nobody read them, so this is
   * what racing, hedging and time limits cost on top of `totalCostUsd`: the sum of the attempts'
   * `estimatedCostUsd` (input at about four characters a token, or the provider's own count, and a stream's
   * output so far). Kept apart because it is an estimate, priced for a model without a price at its provider's
   * dearest (as a gateway key's budget is), where `totalCostUsd` counts such a model's answers at nothing.
   */
  readonly unansweredAttemptsCostUsd: number;
  /** Over every instance sharing state (Redis), weighted by their calls; this instance's alone otherwise. */
  readonly clusterSuccessRate: number;
  readonly clusterLatencyP50Ms: number | null;
  /** Instances whose recent figures are counted, this one included. */
  readonly clusterInstances: number;
  /**
   * Models this provider answered `model_not_found` for (retired, or a mistyped id), left out of calls until
   * `untilMs` (epoch milliseconds; the router's `missingModelPeriodMs` after `sinceMs`) while its other models
   * serve. Empty when none is. This instance's own memory: not shared through Redis.
   */
  readonly missingModels: readonly MissingModel[];
  /**
   * The outbound proxy its requests go through now (`HTTPS_PROXY`, `HTTP_PROXY` or `ALL_PROXY` unless `NO_PROXY` names its host; an HTTP or a SOCKS5 proxy),
   * its URL without user name or password; null when they go direct, and for a provider whose requests are not the
   * router's to send (an AI SDK model given as a candidate).
   */
  readonly outboundProxy: string | null;
}

export function buildHealthStatus(options: {
  providers: readonly ModelProvider[];
  registry: ProviderStateRegistry;
  clock: Clock;
}): Record<string, HealthStatus> {
  const result: Record<string, HealthStatus> = {};
  const nowMs = options.clock.now();
  for (const provider of options.providers) {
    const { breaker, health } = options.registry.stateOf(provider.id);
    const snapshot = health.snapshot();
    const cooldown = options.registry.cooldowns.cooldownOf(provider.id);
    const state = breaker.state;
    const openUntilMs = state.name === 'open' ? state.halfOpenAfterMs : undefined;
    result[provider.id] = {
      displayName: provider.definition.displayName,
      configured: provider.isConfigured(),
      simulated: provider.definition.simulated ?? false,
      circuitState: breaker.stateName,
      successRate: snapshot.successRate,
      latencyP50Ms: snapshot.latencyP50Ms ?? null,
      latencyP95Ms: snapshot.latencyP95Ms ?? null,
      consecutiveFailures: snapshot.consecutiveFailures,
      totalCalls: snapshot.totalCalls,
      totalFailures: snapshot.totalFailures,
      cooldownUntilMs: latest(cooldown?.untilMs, openUntilMs, nowMs),
      cooldownReason: cooldown?.reason ?? null,
      lastFailureReason: snapshot.lastFailureReason ?? null,
      totalCostUsd: options.registry.spending.spendOf(provider.id),
      unansweredAttemptsCostUsd: options.registry.spending.unansweredSpendOf(provider.id),
      ...clusterFigures(options.registry.figuresOf(provider.id)),
      missingModels: options.registry.missingModels.listOf(provider.id, nowMs),
      outboundProxy: provider.outboundProxy?.() ?? null,
    };
  }
  return result;
}

function latest(first: number | undefined, second: number | undefined, nowMs: number): number | null {
  const value = Math.max(first ?? 0, second ?? 0);
  return value > nowMs ? value : null;
}

function clusterFigures(figures: { successRate: number; latencyP50Ms: number | undefined; instances: number }) {
  return {
    clusterSuccessRate: figures.successRate,
    clusterLatencyP50Ms: figures.latencyP50Ms ?? null,
    clusterInstances: figures.instances,
  };
}
