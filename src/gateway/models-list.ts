/**
 * The bodies of GET /v1/models, built once: every catalog model as provider/model, then tier aliases and
 * routes, in OpenAI's list shape and in Anthropic's (for clients that send `anthropic-version`); and one
 * model's object for GET /v1/models/{id}, in either shape.
 */
import type { ModelProvider } from '../providers/model-provider.js';

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
