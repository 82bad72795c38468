/**
 * The selection of a call without a route, images or server tools, remembered per preference (tier, preferred
 * provider and model): most calls of a router ask the same few ways, and their selections come out the same.
 *
 * What is remembered is what a selection made, not what it read. Each call reads again everything its selection
 * depends on: each target's key (read at call time, so a key set or removed counts at once), whether its model is
 * reported missing, its provider's standing (circuit, cooldown) and, when there are two candidates or more to rank,
 * the figures they were ranked by. The remembered selection is taken only when all of it reads as it did; anything
 * else (a key set, a circuit opening, a cooldown, a model reported missing, figures that moved) makes the selection
 * again, as if nothing were remembered. So nothing needs telling of a change: what is saved is the objects a
 * selection is made of, not the reading. The providers are the router's, which never change.
 *
 * Only a selection that skipped nothing is remembered: every target with a key was a candidate, available.
 */
import type { Clock } from '../clock.js';
import type { ModelProvider } from '../providers/model-provider.js';
import type { Tier } from '../types.js';
import { defaultTargets, providersById } from './default-targets.js';
import type { CandidateSelection, SelectCandidatesOptions } from './select-candidates.js';

/** What a call's selection is remembered by (the fields of its options that choose the default targets). */
export interface SelectionPreference {
  readonly tier?: Tier | undefined;
  readonly preferredProvider?: string | undefined;
  readonly preferredModel?: string | undefined;
}

export interface RememberedSelectionsOptions {
  readonly clock: Clock;
  readonly providers: readonly ModelProvider[];
  readonly standingOf: SelectCandidatesOptions['standingOf'];
  readonly missingUntil: NonNullable<SelectCandidatesOptions['missingUntil']>;
}

interface RememberedSelection {
  /** Each default target's provider and model, in order. */
  readonly providers: readonly ModelProvider[];
  readonly models: readonly string[];
  /** Whether each target's provider had a key. */
  readonly configured: readonly boolean[];
  /** With two candidates or more: each target's success rate and latency as ranked, two slots a target. */
  readonly figures: readonly (number | undefined)[] | undefined;
  readonly selection: CandidateSelection;
}

/** A bound on what is remembered: a caller naming ever-new models must not grow it without end. */
const maximumRemembered = 256;

export class RememberedSelections {
  readonly #options: RememberedSelectionsOptions;
  readonly #byTier = new Map<Tier | undefined, Map<string | undefined, Map<string | undefined, RememberedSelection>>>();
  #size = 0;

  constructor(options: RememberedSelectionsOptions) {
    this.#options = options;
  }

  /** The selection remembered for this preference, if everything it depends on reads at `nowMs` as it did. */
  find(preference: SelectionPreference, nowMs: number): CandidateSelection | undefined {
    const remembered = this.#byTier.get(preference.tier)?.get(preference.preferredProvider)?.get(preference.preferredModel);
    return remembered !== undefined && this.#stillHolds(remembered, nowMs) ? remembered.selection : undefined;
  }

  /** Remember `selection`, just made for this preference at `nowMs`, if it skipped nothing. */
  remember(preference: SelectionPreference, nowMs: number, selection: CandidateSelection): void {
    if (selection.candidates.length === 0 || selection.skipped.length > 0 || selection.lastResort !== undefined || selection.fallback !== undefined) {
      return;
    }
    const { providers: all, standingOf } = this.#options;
    const byId = providersById(all);
    const targets = defaultTargets({
      providers: all,
      tier: preference.tier,
      preferredProvider: preference.preferredProvider,
      preferredModel: preference.preferredModel,
    });
    const providers: ModelProvider[] = [];
    const models: string[] = [];
    const configured: boolean[] = [];
    const figures: (number | undefined)[] | undefined = selection.candidates.length > 1 ? [] : undefined;
    for (const target of targets) {
      const provider = byId.get(target.provider);
      if (provider === undefined) return;
      const hasKey = provider.isConfigured();
      providers.push(provider);
      models.push(target.model);
      configured.push(hasKey);
      if (figures !== undefined && hasKey) {
        const standing = standingOf(provider.id, nowMs);
        figures.push(standing.successRate, standing.latencyMs);
      } else {
        figures?.push(undefined, undefined);
      }
    }
    if (this.#size >= maximumRemembered) {
      this.#byTier.clear();
      this.#size = 0;
    }
    let byProvider = this.#byTier.get(preference.tier);
    if (byProvider === undefined) this.#byTier.set(preference.tier, (byProvider = new Map()));
    let byModel = byProvider.get(preference.preferredProvider);
    if (byModel === undefined) byProvider.set(preference.preferredProvider, (byModel = new Map()));
    if (!byModel.has(preference.preferredModel)) this.#size += 1;
    byModel.set(preference.preferredModel, { providers, models, configured, figures, selection });
  }

  /** Every target reads as when the selection was made: the same keys, nothing missing, all available, the same figures. */
  #stillHolds(remembered: RememberedSelection, nowMs: number): boolean {
    const { standingOf, missingUntil } = this.#options;
    const { providers, models, configured, figures } = remembered;
    for (let index = 0; index < providers.length; index += 1) {
      const provider = providers[index]!;
      const hasKey = provider.isConfigured();
      if (hasKey !== configured[index]) return false;
      if (!hasKey) continue;
      if (missingUntil(provider.id, models[index]!, nowMs) !== undefined) return false;
      const standing = standingOf(provider.id, nowMs);
      if (!standing.available) return false;
      if (figures !== undefined && (standing.successRate !== figures[2 * index] || standing.latencyMs !== figures[2 * index + 1])) return false;
    }
    return true;
  }
}
