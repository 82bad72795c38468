import type { BreakerState } from '../resilience/circuit-breaker.js';
import type { Cooldown } from '../resilience/cooldown.js';

/** What one instance observed of a provider lately, shared so every instance ranks on all the traffic. */
export interface SharedHealthFigures {
  /** The instance that observed them. */
  readonly instanceId: string;
  readonly successRate: number;
  readonly latencyP50Ms: number | undefined;
  readonly sampleCount: number;
}

/**
 * A change of one provider's shared state: its circuit, a cooldown (rate limit, quota, bad key), the
 * health figures one instance observed (sent at most once a second per provider, never stored), or one of its
 * models reported missing (`model_not_found`) or found again.
 */
export type SharedProviderUpdate =
  | { readonly kind: 'breaker'; readonly providerId: string; readonly state: BreakerState }
  | { readonly kind: 'cooldown'; readonly providerId: string; readonly cooldown: Cooldown }
  | { readonly kind: 'health'; readonly providerId: string; readonly figures: SharedHealthFigures }
  | SharedModelUpdate;

/**
 * A model of a provider answered 404 `model_not_found` (`model-missing`: left out from `sinceMs` until `untilMs`),
 * or is there after all (`model-found`: an answer from it, or, with no `model`, every model of the provider
 * after its health check succeeded). Times on the clock of the instance that publishes or receives it.
 */
export type SharedModelUpdate =
  | { readonly kind: 'model-missing'; readonly providerId: string; readonly model: string; readonly sinceMs: number; readonly untilMs: number }
  | { readonly kind: 'model-found'; readonly providerId: string; readonly model: string | undefined };

/** The updates that are stored (a circuit, a cooldown), as opposed to the figures sent by message only. */
export type StoredProviderUpdate = Extract<SharedProviderUpdate, { kind: 'breaker' | 'cooldown' }>;

/**
 * How a router shares provider state with other instances (Redis, in `src/shared-state/`). Without one,
 * everything stays in process. An implementation must never fail or slow a call: publishing is fire and
 * forget, and every wait on the store is bounded, falling back to the local view.
 */
export interface ProviderStateSync {
  /** Tell the other instances about a local change. Never throws, never blocks the caller. */
  publish(update: SharedProviderUpdate): void;
  /** Changes made by other instances (never this instance's own). Returns the disposer. */
  subscribe(listener: (update: SharedProviderUpdate) => void): () => void;
  /**
   * The cluster-wide right to send a half-open probe for `providerId`. False when another instance
   * holds it; true when the store cannot be reached in time (the local breaker then decides alone).
   */
  acquireProbe(providerId: string, ttlMs: number): Promise<boolean>;
  /**
   * The cluster-wide right to run the periodic active health check for the next `ttlMs`, so one
   * instance probes for all (its failures reach the others as cooldowns and circuit changes).
   * True when the store cannot be reached in time.
   */
  acquireHealthCheckTurn(ttlMs: number): Promise<boolean>;
}
