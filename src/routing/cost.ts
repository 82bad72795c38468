import { findModel, type ModelInfo, type ProviderDefinition } from '../catalog.js';
import type { Usage } from '../types.js';

/**
 * US dollars for `usage` on `model`, from the catalog's price table; undefined without a price or usage.
 * Input tokens read from or written to a prompt cache are priced at the cache's prices when the catalog has them.
 */
export function costOf(definition: ProviderDefinition | undefined, model: string, usage: Usage | undefined): number | undefined {
  if (!usage || !definition) return undefined;
  const price = findModelByPrefix(definition, model)?.price;
  if (!price) return undefined;
  const cached = usage.cachedInputTokens ?? 0;
  const written = usage.cacheWriteInputTokens ?? 0;
  const writtenForAnHour = Math.min(written, usage.cacheWrite1hInputTokens ?? 0);
  const uncached = Math.max(0, usage.inputTokens - cached - written);
  const writePrice = price.cacheWritePerMillion ?? price.inputPerMillion;
  const input =
    uncached * price.inputPerMillion +
    cached * (price.cachedInputPerMillion ?? price.inputPerMillion) +
    (written - writtenForAnHour) * writePrice +
    writtenForAnHour * (price.cacheWrite1hPerMillion ?? writePrice);
  return (input + usage.outputTokens * price.outputPerMillion) / 1_000_000;
}

/** The catalog entry each reported model id matched, per definition: every answer asks again. */
const matchesByDefinition = new WeakMap<ProviderDefinition, Map<string, ModelInfo | null>>();

/** Providers report dated model ids (`gpt-4o-mini-2024-07-18`): match the catalog's id as a prefix. */
function findModelByPrefix(definition: ProviderDefinition, model: string): ModelInfo | undefined {
  let matches = matchesByDefinition.get(definition);
  if (matches === undefined) {
    matches = new Map();
    matchesByDefinition.set(definition, matches);
  }
  let match = matches.get(model);
  if (match === undefined) {
    match = findModel(definition, model) ?? definition.models.find((candidate) => model.startsWith(candidate.id)) ?? null;
    // Bounded: a provider answering with ever-new model ids must not grow it without end.
    if (matches.size >= 256) matches.clear();
    matches.set(model, match);
  }
  return match ?? undefined;
}
