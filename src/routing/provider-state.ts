import type { Clock } from '../clock.js';
import { defaultBreakerRule } from '../resilience/breaker-rule.js';
import { CircuitBreaker } from '../resilience/circuit-breaker.js';
import { LatencySamples } from '../resilience/latency-samples.js';
import { ProviderHealth } from '../resilience/provider-health.js';
import { routerDefaults } from './router-defaults.js';
import type { BreakerOptions } from './router-options.js';

/** What this instance keeps of one provider: its circuit, its health figures and its latencies. */
export interface ProviderState {
  readonly breaker: CircuitBreaker;
  readonly health: ProviderHealth;
  /** Whole answers' latencies (`complete`), apart from first tokens': each kind hedges on its own p95. */
  readonly completeLatency: LatencySamples;
  /** Time from a stream attempt's start to its first token. */
  readonly firstTokenLatency: LatencySamples;
  /** Embedding calls' latencies: a batch of vectors says nothing of how long an answer takes, nor the reverse. */
  readonly embedLatency: LatencySamples;
}

/** What an attempt's latency measures: a whole answer (`complete`), a stream's first token, or embeddings. */
export type LatencyKind = 'complete' | 'first-token' | 'embed';

/** The latency samples of this kind of attempt. */
export function latencyOf(state: ProviderState, kind: LatencyKind): LatencySamples {
  if (kind === 'complete') return state.completeLatency;
  return kind === 'first-token' ? state.firstTokenLatency : state.embedLatency;
}

/** A provider's state as it starts, its breaker configured by the router's breaker options. */
export function createProviderState(options: { readonly clock: Clock; readonly breaker: BreakerOptions }): ProviderState {
  const { clock, breaker: breakerOptions } = options;
  const rule = defaultBreakerRule({
    ...(breakerOptions.consecutiveFailures !== undefined ? { consecutiveFailures: breakerOptions.consecutiveFailures } : {}),
    ...(breakerOptions.failureRateThreshold !== undefined ? { failureRate: breakerOptions.failureRateThreshold } : {}),
    ...(breakerOptions.minimumCalls !== undefined ? { minimumCalls: breakerOptions.minimumCalls } : {}),
    ...(breakerOptions.windowMs !== undefined ? { windowMs: breakerOptions.windowMs } : {}),
  });
  const breaker = new CircuitBreaker({
    clock,
    rule,
    openDurationMs: breakerOptions.openDurationMs ?? routerDefaults.breakerOpenDurationMs,
    maxOpenDurationMs: breakerOptions.maxOpenDurationMs ?? routerDefaults.breakerMaxOpenDurationMs,
  });
  return {
    breaker,
    health: new ProviderHealth({ clock }),
    completeLatency: new LatencySamples({ clock }),
    firstTokenLatency: new LatencySamples({ clock }),
    embedLatency: new LatencySamples({ clock }),
  };
}
