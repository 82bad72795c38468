import { findEmbeddingModel } from '../catalog.js';
import { NoProviderAvailableError } from '../errors.js';
import type { ModelProvider } from '../providers/model-provider.js';
import type { EmbedOptions } from './embedding-options.js';
import type { RouteTarget } from './router-options.js';
import { checkDimensionsFor, namedProviders } from './validate-embed-input.js';

/**
 * The providers an `embed` call may ask, each for the call's one model: those it names, in its order, or every
 * provider with embeddings whose catalog lists the model, in catalog order. Never another model: vectors of two
 * models are not comparable. A `dimensions` one of them cannot take is the caller's InvalidArgumentError; a model
 * no provider lists, with none named, is a NoProviderAvailableError that says how to name its provider.
 */
export function embeddingTargets(providers: readonly ModelProvider[], options: EmbedOptions): RouteTarget[] {
  const named = namedProviders(options);
  const targets: RouteTarget[] = [];
  for (const provider of providers) {
    if (provider.embed === undefined) continue;
    if (named === undefined && findEmbeddingModel(provider.definition, options.model) === undefined) continue;
    if (named !== undefined && !named.includes(provider.id)) continue;
    checkDimensionsFor(provider, options);
    targets.push({ provider: provider.id, model: options.model });
  }
  if (named !== undefined) targets.sort((left, right) => named.indexOf(left.provider) - named.indexOf(right.provider));
  if (targets.length > 0) return targets;
  throw new NoProviderAvailableError({
    message:
      `No provider of this router lists the embedding model '${options.model}'. Name the provider that serves it ` +
      "(provider: 'openai', or a provider of your own), or list it in that provider's embeddingModels.",
    noProviderConfigured: true,
  });
}
