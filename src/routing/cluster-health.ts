import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { SharedHealthFigures, SharedProviderUpdate } from './provider-state-sync.js';

/** Figures of one provider: this instance's own, or blended with what other instances observed. */
export interface HealthFigures {
  readonly successRate: number;
  readonly latencyP50Ms: number | undefined;
  readonly sampleCount: number;
}

export interface ClusterHealthOptions {
  readonly clock: Clock;
  readonly publish: (update: SharedProviderUpdate) => void;
  /** How often one instance tells the others about one provider, at most. Default 1 s. */
  readonly publishIntervalMs?: number;
  /** Figures older than this are forgotten (an instance that stopped). Default 10 s. */
  readonly maximumAgeMs?: number;
}

interface RemoteFigures {
  readonly figures: SharedHealthFigures;
  readonly receivedAtMs: number;
}

/**
 * Health figures shared between instances: each tells the others what it observed of a provider (success
 * rate, median latency, how many calls) at most once a second, and ranks on everyone's traffic, weighted by
 * each instance's number of calls.
 */
export class ClusterHealth {
  readonly instanceId = randomUUID();
  readonly #options: ClusterHealthOptions;
  readonly #lastPublishedAtMs = new Map<string, number>();
  readonly #remote = new Map<string, Map<string, RemoteFigures>>();

  constructor(options: ClusterHealthOptions) {
    this.#options = options;
  }

  /** After a local call: share the provider's figures, unless they were shared less than a second ago. */
  maybePublish(providerId: string, figures: HealthFigures): void {
    const nowMs = this.#options.clock.now();
    const lastMs = this.#lastPublishedAtMs.get(providerId);
    if (lastMs !== undefined && nowMs - lastMs < (this.#options.publishIntervalMs ?? 1_000)) return;
    this.#lastPublishedAtMs.set(providerId, nowMs);
    this.#options.publish({
      kind: 'health',
      providerId,
      figures: { instanceId: this.instanceId, ...figures },
    });
  }

  receive(providerId: string, figures: SharedHealthFigures): void {
    if (figures.instanceId === this.instanceId) return;
    let byInstance = this.#remote.get(providerId);
    if (!byInstance) {
      byInstance = new Map();
      this.#remote.set(providerId, byInstance);
    }
    byInstance.set(figures.instanceId, { figures, receivedAtMs: this.#options.clock.now() });
  }

  /** The local figures blended with the fresh ones of other instances; the local ones alone when none. */
  blend(providerId: string, local: HealthFigures): HealthFigures & { readonly instances: number } {
    const byInstance = this.#remote.get(providerId);
    if (!byInstance || byInstance.size === 0) return { ...local, instances: 1 };
    const oldestMs = this.#options.clock.now() - (this.#options.maximumAgeMs ?? 10_000);
    let calls = local.sampleCount;
    let successes = local.successRate * local.sampleCount;
    let latencyWeight = local.latencyP50Ms === undefined ? 0 : local.sampleCount;
    let latencySum = local.latencyP50Ms === undefined ? 0 : local.latencyP50Ms * local.sampleCount;
    let instances = 1;
    for (const [instanceId, entry] of byInstance) {
      if (entry.receivedAtMs < oldestMs) {
        byInstance.delete(instanceId);
        continue;
      }
      const { figures } = entry;
      instances += 1;
      calls += figures.sampleCount;
      successes += figures.successRate * figures.sampleCount;
      if (figures.latencyP50Ms !== undefined) {
        latencyWeight += figures.sampleCount;
        latencySum += figures.latencyP50Ms * figures.sampleCount;
      }
    }
    return {
      successRate: calls === 0 ? 1 : successes / calls,
      latencyP50Ms: latencyWeight === 0 ? local.latencyP50Ms : latencySum / latencyWeight,
      sampleCount: calls,
      instances,
    };
  }
}
