/**
 * The standing of a provider that is available (circuit not open, not cooling down), whose health figures are
 * derived only when read. Ranking reads them only when there are two candidates or more to order: a call with one
 * candidate (a named `provider/model`, or one provider with a key) reads none. One per provider, aimed at the
 * moment of each selection (`at`): read it at once and do not keep it, as `ProviderHealth.recentFigures`.
 */
import type { ProviderHealth } from '../resilience/provider-health.js';
import type { ClusterHealth, HealthFigures } from './cluster-health.js';
import type { ProviderStanding } from './select-candidates.js';

export class AvailableStanding implements ProviderStanding {
  readonly available = true;
  readonly #providerId: string;
  readonly #health: ProviderHealth;
  readonly #cluster: ClusterHealth | undefined;
  #nowMs = 0;
  /** The figures as of `#nowMs`, once read. */
  #figures: HealthFigures | undefined;

  constructor(providerId: string, health: ProviderHealth, cluster: ClusterHealth | undefined) {
    this.#providerId = providerId;
    this.#health = health;
    this.#cluster = cluster;
  }

  /** This standing as of `nowMs`: its figures are those of that moment, read when asked for. */
  at(nowMs: number): this {
    this.#nowMs = nowMs;
    this.#figures = undefined;
    return this;
  }

  get successRate(): number {
    return this.#read().successRate;
  }

  get latencyMs(): number | undefined {
    return this.#read().latencyP50Ms;
  }

  #read(): HealthFigures {
    if (this.#figures !== undefined) return this.#figures;
    // The local figures as they are, without a copy, when nothing blends them.
    const local = this.#health.recentFigures(this.#nowMs);
    this.#figures = this.#cluster ? this.#cluster.blend(this.#providerId, local) : local;
    return this.#figures;
  }
}
