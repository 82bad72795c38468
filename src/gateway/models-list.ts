/**
 * The bodies of GET /v1/models: every catalog model of the providers configured now (with their key) as
 * provider/model, then the tier aliases and routes one of them serves, in OpenAI's list shape and in
 * Anthropic's (for clients that send `anthropic-version`); and one model's object for GET /v1/models/{id},
 * in either shape. A call to a model of a provider without its key could only fail, so it is not listed.
 */
import type { ModelProvider } from '../providers/model-provider.js';
import type { ResolvedModel } from './model-resolver.js';

interface ListedModel {
  readonly id: string;
  readonly ownedBy: string;
}

function listedModels(providers: readonly ModelProvider[], aliases: readonly string[]): ListedModel[] {
  const models: ListedModel[] = [];
  for (const provider of providers) {
    for (const model of provider.definition.models) models.push({ id: `${provider.id}/${model.id}`, ownedBy: provider.id });
  }
  for (const alias of aliases) models.push({ id: alias, ownedBy: 'backup-models' });
  return models;
}

export interface ModelsListOptions {
  readonly providers: readonly ModelProvider[];
  readonly aliases: readonly string[];
  readonly createdSeconds: number;
  /** Only the models a caller may call (a key with an allowlist); every model when absent. */
  readonly allows?: (id: string) => boolean;
}

function listedFor(options: ModelsListOptions): ListedModel[] {
  const models = listedModels(options.providers, options.aliases);
  const allows = options.allows;
  return allows === undefined ? models : models.filter((model) => allows(model.id));
}

export function modelsListBody(options: ModelsListOptions): string {
  const data = listedFor(options).map((model) => ({
    id: model.id,
    object: 'model',
    created: options.createdSeconds,
    owned_by: model.ownedBy,
  }));
  return JSON.stringify({ object: 'list', data });
}

/** Anthropic's shape: one page holding every model. */
export function anthropicModelsListBody(options: ModelsListOptions): string {
  const createdAt = new Date(options.createdSeconds * 1000).toISOString();
  const data = listedFor(options).map((model) => ({
    type: 'model',
    id: model.id,
    display_name: model.id,
    created_at: createdAt,
  }));
  return JSON.stringify({ data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
}

/** The provider a model id is served by, as the list names it: `openai/gpt-4o-mini` by openai, an alias by us. */
function ownerOf(id: string, providerIds: ReadonlySet<string>): string {
  const slash = id.indexOf('/');
  const provider = slash === -1 ? '' : id.slice(0, slash);
  return providerIds.has(provider) ? provider : 'backup-models';
}

/** One model's object, as OpenAI's `models.retrieve` reads it. */
export function modelBody(id: string, options: { readonly providerIds: ReadonlySet<string>; readonly createdSeconds: number }): string {
  return JSON.stringify({ id, object: 'model', created: options.createdSeconds, owned_by: ownerOf(id, options.providerIds) });
}

/** One model's object, as Anthropic's `models.retrieve` reads it. */
export function anthropicModelBody(id: string, options: { readonly createdSeconds: number }): string {
  return JSON.stringify({ type: 'model', id, display_name: id, created_at: new Date(options.createdSeconds * 1000).toISOString() });
}

/** Whether one of `configured` can serve `model`: a target of its route, a model for its tier. */
export function servedByAny(model: ResolvedModel, configured: readonly ModelProvider[]): boolean {
  const { route, tier } = model;
  if (route !== undefined) return route.some((target) => configured.some((provider) => provider.id === target.provider));
  if (tier !== undefined) return configured.some((provider) => provider.definition.modelsByTier[tier] !== undefined);
  return configured.length > 0;
}

/**
 * The models list as the providers' keys stand at the time of asking (they are read at each call, so a key
 * set or removed while the gateway runs shows in the next listing); its bodies are built again only when the
 * set of configured providers changed.
 */
export class ConfiguredModelsList {
  readonly #providers: readonly ModelProvider[];
  readonly #aliases: readonly ResolvedModel[];
  readonly #createdSeconds: number;
  #built: { readonly signature: string; readonly view: ModelsListView } | undefined;

  constructor(options: { readonly providers: readonly ModelProvider[]; readonly aliases: readonly ResolvedModel[]; readonly createdSeconds: number }) {
    this.#providers = options.providers;
    this.#aliases = options.aliases;
    this.#createdSeconds = options.createdSeconds;
  }

  current(): ModelsListView {
    const configured = this.#providers.filter((provider) => provider.isConfigured());
    const signature = configured.map((provider) => provider.id).join(',');
    if (this.#built?.signature === signature) return this.#built.view;
    const options: ModelsListOptions = {
      providers: configured,
      aliases: this.#aliases.filter((alias) => servedByAny(alias, configured)).map((alias) => alias.requested),
      createdSeconds: this.#createdSeconds,
    };
    const view = { options, configured, openAIBody: modelsListBody(options), anthropicBody: anthropicModelsListBody(options) };
    this.#built = { signature, view };
    return view;
  }
}

export interface ModelsListView {
  /** For a list filtered further (a key's allowlist). */
  readonly options: ModelsListOptions;
  readonly configured: readonly ModelProvider[];
  readonly openAIBody: string;
  readonly anthropicBody: string;
}
