import { deleteOldestKey } from '../map-order.js';

/**
 * At most this many models are remembered missing per provider, the oldest report forgotten first: a caller
 * (a gateway client) naming ever new model ids cannot grow the table without end.
 */
export const maxMissingModelsPerProvider = 256;

/** A model its provider answered `model_not_found` for, as health output shows it. */
export interface MissingModel {
  readonly model: string;
  /** Epoch milliseconds of the answer that reported it missing (the latest, if it was asked again meanwhile). */
  readonly sinceMs: number;
  /** Epoch milliseconds from which it is asked again. */
  readonly untilMs: number;
}

/**
 * The (provider, model) pairs a provider reported missing (`model_not_found`: a retired or mistyped model id),
 * each left out of candidate selection for `periodMs`, so later calls do not pay the same wasted round trip.
 * A model is asked again once its period ends, after a health check of its provider succeeds, or as soon as
 * an answer from it arrives (a call already in flight). Shared with other instances by the router's state sync,
 * when it has one (see `ProviderStateRegistry`).
 */
export class MissingModels {
  readonly #periodMs: number;
  /** By provider, then by model. Empty in the common case, which the hot path checks first. */
  readonly #byProvider = new Map<string, Map<string, MissingModel>>();

  constructor(options: { readonly periodMs: number }) {
    this.#periodMs = options.periodMs;
  }

  /** Remember `model` of `providerId` as missing from `nowMs`; the entry made. Nothing with a period of 0. */
  markMissing(providerId: string, model: string, nowMs: number): MissingModel | undefined {
    if (this.#periodMs <= 0) return undefined;
    return this.#remember(providerId, { model, sinceMs: nowMs, untilMs: nowMs + this.#periodMs });
  }

  /**
   * Remember `model` as missing from `sinceMs` to `untilMs`, as another instance reported it (its period, not
   * ours); the entry made. Nothing with a period of 0 (this instance remembers no missing model), nor once ended.
   */
  markMissingUntil(providerId: string, entry: MissingModel, nowMs: number): MissingModel | undefined {
    if (this.#periodMs <= 0 || entry.untilMs <= nowMs) return undefined;
    return this.#remember(providerId, { model: entry.model, sinceMs: Math.min(entry.sinceMs, nowMs), untilMs: entry.untilMs });
  }

  /** No model is remembered missing: the common case, checked before the clock is read. */
  get isEmpty(): boolean {
    return this.#byProvider.size === 0;
  }

  /** When `model` of `providerId` may be asked again, while it is remembered as missing at `nowMs`; else undefined. */
  missingUntil(providerId: string, model: string, nowMs: number): number | undefined {
    if (this.#byProvider.size === 0) return undefined;
    const models = this.#byProvider.get(providerId);
    const entry = models?.get(model);
    if (entry === undefined) return undefined;
    if (nowMs < entry.untilMs) return entry.untilMs;
    this.#forget(providerId, model);
    return undefined;
  }

  /** The model answered: it is there. True when it had been remembered as missing. */
  clear(providerId: string, model: string): boolean {
    if (this.#byProvider.size === 0) return false;
    return this.#forget(providerId, model);
  }

  /** Every model of `providerId` gets another try (its health check succeeded). True when one was remembered. */
  clearProvider(providerId: string): boolean {
    return this.#byProvider.delete(providerId);
  }

  /** The models of `providerId` still missing at `nowMs`, oldest report first. */
  listOf(providerId: string, nowMs: number): MissingModel[] {
    const models = this.#byProvider.get(providerId);
    if (models === undefined) return [];
    const listed: MissingModel[] = [];
    for (const entry of models.values()) if (nowMs < entry.untilMs) listed.push(entry);
    return listed.sort((left, right) => left.sinceMs - right.sinceMs);
  }

  #remember(providerId: string, entry: MissingModel): MissingModel {
    const { model } = entry;
    let models = this.#byProvider.get(providerId);
    if (models === undefined) {
      models = new Map();
      this.#byProvider.set(providerId, models);
    }
    // Deleted first, so a model reported again is the newest entry and the oldest report is the one forgotten.
    models.delete(model);
    if (models.size >= maxMissingModelsPerProvider) deleteOldestKey(models);
    models.set(model, entry);
    return entry;
  }

  #forget(providerId: string, model: string): boolean {
    const models = this.#byProvider.get(providerId);
    if (models === undefined || !models.delete(model)) return false;
    if (models.size === 0) this.#byProvider.delete(providerId);
    return true;
  }
}
