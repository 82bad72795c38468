import type { EmbedOptions } from '../routing/embedding-options.js';

/**
 * What an embedding model id asks of the router: `provider/model` of one of its providers asks that provider only
 * (split at the first slash), anything else is the model as named, asked of every provider that lists it (so
 * Together's `intfloat/multilingual-e5-large-instruct` is a model, `intfloat` being no provider), as the gateway
 * reads an embeddings request's `model`. Providers named in the settings (`provider`) leave the id whole.
 */
export function parseEmbeddingModelId(
  modelId: string,
  context: { readonly providerIds: readonly string[]; readonly provider: EmbedOptions['provider'] },
): Pick<EmbedOptions, 'model' | 'provider'> {
  if (context.provider !== undefined) return { model: modelId, provider: context.provider };
  const slash = modelId.indexOf('/');
  const prefix = modelId.slice(0, slash);
  if (slash > 0 && slash < modelId.length - 1 && context.providerIds.includes(prefix)) return { model: modelId.slice(slash + 1), provider: prefix };
  return { model: modelId };
}
