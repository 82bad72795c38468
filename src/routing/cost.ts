import { type EmbeddingModelInfo, findModel, type ModelInfo, type ModelPrice, type ProviderDefinition } from '../catalog.js';
import type { EmbeddingUsage, Usage } from '../types.js';

/**
 * US dollars for `usage` on `model`, from the catalog's price table; undefined without a price or usage.
 * Input tokens read from or written to a prompt cache are priced at the cache's prices when the catalog has them,
 * and a server tool's web searches at the model's price per 1,000 of them.
 */
export function costOf(definition: ProviderDefinition | undefined, model: string, usage: Usage | undefined): number | undefined {
  if (!usage || !definition) return undefined;
  const price = findModelByPrefix(definition, model)?.price;
  if (!price) return undefined;
  const cached = tokens(usage.cachedInputTokens);
  const written = tokens(usage.cacheWriteInputTokens);
  const writtenForAnHour = Math.min(written, tokens(usage.cacheWrite1hInputTokens));
  const uncached = Math.max(0, tokens(usage.inputTokens) - cached - written);
  const writePrice = price.cacheWritePerMillion ?? price.inputPerMillion;
  const input =
    uncached * price.inputPerMillion +
    cached * (price.cachedInputPerMillion ?? price.inputPerMillion) +
    (written - writtenForAnHour) * writePrice +
    writtenForAnHour * (price.cacheWrite1hPerMillion ?? writePrice);
  const searches = (tokens(usage.webSearchRequests) * (price.webSearchPerThousand ?? 0)) / 1000;
  return (input + tokens(usage.outputTokens) * price.outputPerMillion) / 1_000_000 + searches;
}

/**
 * A count a provider reported, as priced: a negative or non-finite one (a server's bug, or a hostile server's way to
 * credit a key's budget) counts nothing, so no cost is ever negative or NaN. Absent counts nothing too.
 */
function tokens(count: number | undefined): number {
  return count !== undefined && Number.isFinite(count) && count > 0 ? count : 0;
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

/** Charged per million tokens for a model whose provider has no priced model at all (Claude Opus's list price). */
export const unpricedModelFallbackPrice: ModelPrice = { inputPerMillion: 15, outputPerMillion: 75 };

/**
 * What spending `usage` on `model` costs a budget: the catalog's price, or for a model it has no price for,
 * the price of that provider's dearest priced model (`unpricedModelFallbackPrice` when it has none), so a
 * model missing from the price table never spends a key's budget for free. `estimated` says the price was not
 * the model's own. Undefined without usage.
 */
export function budgetCostOf(
  definition: ProviderDefinition | undefined,
  model: string,
  usage: Usage | undefined,
): { readonly usd: number; readonly estimated: boolean } | undefined {
  if (!usage) return undefined;
  const priced = costOf(definition, model, usage);
  if (priced !== undefined) return { usd: priced, estimated: false };
  const price = dearestPrice(definition) ?? unpricedModelFallbackPrice;
  return { usd: (tokens(usage.inputTokens) * price.inputPerMillion + tokens(usage.outputTokens) * price.outputPerMillion) / 1_000_000, estimated: true };
}

function dearestPrice(definition: ProviderDefinition | undefined): ModelPrice | undefined {
  let dearest: ModelPrice | undefined;
  for (const candidate of definition?.models ?? []) {
    const price = candidate.price;
    if (price !== undefined && (dearest === undefined || price.outputPerMillion > dearest.outputPerMillion)) dearest = price;
  }
  return dearest;
}

/**
 * US dollars for an embedding call's `usage` on `model`, from the catalog's embedding price (input tokens only);
 * undefined without a price or usage. A reported id longer than the catalog's (a dated snapshot) matches it.
 */
export function embeddingCostOf(definition: ProviderDefinition | undefined, model: string, usage: EmbeddingUsage | undefined): number | undefined {
  const price = findEmbeddingModelByPrefix(definition, model)?.price;
  if (usage === undefined || price === undefined) return undefined;
  return (tokens(usage.inputTokens) * price.inputPerMillion) / 1_000_000;
}

/**
 * What an embedding call's `usage` costs a key's budget: the catalog's price, or for a model without one the
 * provider's dearest embedding price (`unpricedModelFallbackPrice`'s input price when it has none), so no model
 * spends a budget for free; `estimated` then. Undefined without usage.
 */
export function embeddingBudgetCostOf(
  definition: ProviderDefinition | undefined,
  model: string,
  usage: EmbeddingUsage | undefined,
): { readonly usd: number; readonly estimated: boolean } | undefined {
  if (usage === undefined) return undefined;
  const priced = embeddingCostOf(definition, model, usage);
  if (priced !== undefined) return { usd: priced, estimated: false };
  let dearest = unpricedModelFallbackPrice.inputPerMillion;
  const prices = (definition?.embeddingModels ?? []).flatMap((candidate) => (candidate.price === undefined ? [] : [candidate.price.inputPerMillion]));
  if (prices.length > 0) dearest = Math.max(...prices);
  return { usd: (tokens(usage.inputTokens) * dearest) / 1_000_000, estimated: true };
}

function findEmbeddingModelByPrefix(definition: ProviderDefinition | undefined, model: string): EmbeddingModelInfo | undefined {
  const models = definition?.embeddingModels;
  if (models === undefined) return undefined;
  return models.find((candidate) => candidate.id === model) ?? models.find((candidate) => model.startsWith(candidate.id));
}
