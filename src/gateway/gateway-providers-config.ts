/**
 * `providers` in the gateway's configuration: a built-in provider's base URL, or a provider of its own (a
 * self-hosted vLLM or Ollama, DeepSeek, Mistral, a second account) speaking one of the three wire protocols:
 *
 *   providers:
 *     openai: { baseUrl: https://proxy.internal/v1 }     # a built-in provider, elsewhere
 *     deepseek:
 *       protocol: openai-compatible                       # or anthropic, gemini
 *       baseUrl: https://api.deepseek.com/v1              # as that protocol's official SDK takes it
 *       apiKeyEnv: DEEPSEEK_API_KEY                       # omit for a server that takes no key
 *       models:
 *         - deepseek-chat
 *         - { id: deepseek-reasoner, contextWindowTokens: 65536, price: { inputPerMillion: 0.55, outputPerMillion: 2.19 } }
 *       tiers: { 2: deepseek-chat }                       # joins tier-2; without tiers, only named calls reach it
 *       # a gemini model that thinks by level: { id: gemini-3.7-flash, reasoning: true, thinkingLevels: [low, medium, high] }
 *       # an openai-compatible model asked on OpenAI's Responses API: { id: gpt-6-luna, reasoning: true, openAIWire: responses }
 *       # an anthropic one that thinks adaptively: { id: claude-haiku-5-5, reasoning: true, anthropicThinking: adaptive, fixedSampling: true }
 *       #   (and `disabledThinking: refused` for one that cannot stop thinking, as claude-sonnet-5-5)
 *       # an openai-compatible reasoning model's least effort, asked for no reasoning: { id: gpt-6-luna, reasoning: true, leastReasoningEffort: none }
 *       toolCallsNeedReasoningContent: true               # openai-compatible only: send assistant tool calls' reasoning back
 *       reasoningSummaries: true                          # openai-compatible only: ask Responses-wire models their reasoning summary
 *                                                         # (an organization OpenAI verified; a built-in provider takes it beside baseUrl)
 *       embeddingModels:                                  # openai-compatible or gemini: its embedding models (POST /v1/embeddings)
 *         - { id: text-embedding-3-small, dimensions: 1536, takesDimensions: true, price: { inputPerMillion: 0.02 } }
 *
 * Its models are called as `deepseek/deepseek-chat`, by bare id, or in routes, like the built-in ones.
 */
import {
  anthropicThinkingModes,
  leastReasoningEffortNames,
  openAIWireNames,
  thinkingLevelNames,
  type AnthropicThinking,
  type EmbeddingModelInfo,
  type LeastReasoningEffort,
  type ModelInfo,
  type ModelPrice,
  type OpenAIWire,
  type ProviderDefinition,
} from '../catalog.js';
import { baseUrlRequirement, parseBaseUrl } from '../http/parse-base-url.js';
import { proxySettingsFromEnv, proxyUrlRequirement } from '../http/proxy-settings.js';
import { baseUrlOverrideOf } from '../providers/provider-base-url.js';
import type { ThinkingLevel, Tier, WireProtocolId } from '../types.js';
import { fail, objectAt, type JsonObject } from './config-fields.js';

export interface GatewayProviderConfig {
  readonly baseUrl: string;
  /** A built-in provider's Responses-wire models are asked their reasoning summary (see `ProviderDefinition.reasoningSummaries`). */
  readonly reasoningSummaries?: true;
  /** Present for a provider of the configuration's own; a built-in one has only `baseUrl` and `reasoningSummaries`. */
  readonly definition?: ProviderDefinition;
}

const protocols: readonly WireProtocolId[] = ['openai-compatible', 'anthropic', 'gemini'];
const idPattern = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const envNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Held to the rule every base URL is (parse-base-url.ts); the value is never quoted, as it may carry a key. */
function baseUrlOf(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, `${baseUrlRequirement}.`);
  const reading = parseBaseUrl(value);
  if (reading.problem !== undefined) fail(path, `${baseUrlRequirement}; it ${reading.problem}.`);
  return reading.baseUrl;
}

function positiveNumber(value: unknown, path: string, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (integer && (!Number.isInteger(value) || value < 1))) {
    fail(path, integer ? 'must be an integer of at least 1.' : 'must be a number of at least 0.');
  }
  return value;
}

function priceOf(value: unknown, path: string): ModelPrice {
  const object = objectAt(value, path, ['inputPerMillion', 'outputPerMillion', 'cachedInputPerMillion', 'cacheWritePerMillion']);
  const price: { -readonly [K in keyof ModelPrice]: ModelPrice[K] } = {
    inputPerMillion: positiveNumber(object.inputPerMillion, `${path}.inputPerMillion`, false),
    outputPerMillion: positiveNumber(object.outputPerMillion, `${path}.outputPerMillion`, false),
  };
  for (const name of ['cachedInputPerMillion', 'cacheWritePerMillion'] as const) {
    if (object[name] !== undefined) price[name] = positiveNumber(object[name], `${path}.${name}`, false);
  }
  return price;
}

/** `thinkingLevels: [low, medium, high]`: the Gemini thinking levels a model takes (see `ModelInfo.thinkingLevels`). */
function thinkingLevelsOf(value: unknown, path: string): readonly ThinkingLevel[] {
  const names: readonly unknown[] = thinkingLevelNames;
  if (!Array.isArray(value) || value.length === 0 || !value.every((level) => names.includes(level))) {
    fail(path, `must be a non-empty list of thinking levels (${thinkingLevelNames.join(', ')}).`);
  }
  return value as ThinkingLevel[];
}

/** `openAIWire: responses`: the endpoint an openai-compatible model is asked on (see `ModelInfo.openAIWire`). */
function openAIWireOf(value: unknown, path: string): OpenAIWire {
  if (!(openAIWireNames as readonly unknown[]).includes(value)) fail(path, `must be one of ${openAIWireNames.join(', ')}.`);
  return value as OpenAIWire;
}

/** `leastReasoningEffort: none|minimal|low` (see `ModelInfo.leastReasoningEffort`): the OpenAI wire's only. */
function leastReasoningEffortOf(value: unknown, path: string, protocol: unknown): LeastReasoningEffort {
  if (protocol !== 'openai-compatible') fail(path, 'applies to the openai-compatible protocol only.');
  if (!(leastReasoningEffortNames as readonly unknown[]).includes(value)) fail(path, `must be one of ${leastReasoningEffortNames.join(', ')}.`);
  return value as LeastReasoningEffort;
}

type AnthropicWireField = 'anthropicThinking' | 'forcedToolChoice' | 'disabledThinking' | 'structuredOutput';

/**
 * `anthropicThinking: adaptive`, `forcedToolChoice: refused`, `disabledThinking: refused` and `structuredOutput: refused`
 * (see `ModelInfo`): the Anthropic wire's, refused on a provider of another, where they would mean nothing.
 */
function anthropicWireFieldsOf(object: JsonObject, path: string, protocol: unknown): Pick<ModelInfo, AnthropicWireField> {
  const fields: { -readonly [K in AnthropicWireField]?: ModelInfo[K] } = {};
  for (const name of ['anthropicThinking', 'forcedToolChoice', 'disabledThinking', 'structuredOutput'] as const) {
    if (object[name] !== undefined && protocol !== 'anthropic') fail(`${path}.${name}`, 'applies to the anthropic protocol only.');
  }
  if (object.anthropicThinking !== undefined) {
    if (!(anthropicThinkingModes as readonly unknown[]).includes(object.anthropicThinking)) fail(`${path}.anthropicThinking`, `must be ${anthropicThinkingModes.join(' or ')}.`);
    fields.anthropicThinking = object.anthropicThinking as AnthropicThinking;
  }
  if (object.forcedToolChoice !== undefined) {
    if (object.forcedToolChoice !== 'refused') fail(`${path}.forcedToolChoice`, 'must be refused.');
    fields.forcedToolChoice = 'refused';
  }
  if (object.disabledThinking !== undefined) {
    if (object.disabledThinking !== 'refused') fail(`${path}.disabledThinking`, 'must be refused.');
    fields.disabledThinking = 'refused';
  }
  if (object.structuredOutput !== undefined) {
    if (object.structuredOutput !== 'refused') fail(`${path}.structuredOutput`, 'must be refused.');
    fields.structuredOutput = 'refused';
  }
  return fields;
}

function modelOf(value: unknown, path: string, protocol: unknown): ModelInfo {
  if (typeof value === 'string') {
    if (value.trim() === '') fail(path, 'must not be empty.');
    return { id: value };
  }
  const object = objectAt(value, path, [
    'id',
    'contextWindowTokens',
    'maxOutputTokens',
    'vision',
    'reasoning',
    'fixedSampling',
    'thinkingLevels',
    'anthropicThinking',
    'forcedToolChoice',
    'disabledThinking',
    'structuredOutput',
    'openAIWire',
    'leastReasoningEffort',
    'price',
  ]);
  if (typeof object.id !== 'string' || object.id.trim() === '') fail(`${path}.id`, 'must be a model id.');
  const model: { -readonly [K in keyof ModelInfo]: ModelInfo[K] } = { id: object.id };
  if (object.contextWindowTokens !== undefined) model.contextWindowTokens = positiveNumber(object.contextWindowTokens, `${path}.contextWindowTokens`, true);
  if (object.maxOutputTokens !== undefined) model.maxOutputTokens = positiveNumber(object.maxOutputTokens, `${path}.maxOutputTokens`, true);
  for (const flag of ['vision', 'reasoning', 'fixedSampling'] as const) {
    if (object[flag] === undefined) continue;
    if (typeof object[flag] !== 'boolean') fail(`${path}.${flag}`, 'must be true or false.');
    model[flag] = object[flag] as boolean;
  }
  if (object.thinkingLevels !== undefined) model.thinkingLevels = thinkingLevelsOf(object.thinkingLevels, `${path}.thinkingLevels`);
  if (object.openAIWire !== undefined) model.openAIWire = openAIWireOf(object.openAIWire, `${path}.openAIWire`);
  if (object.leastReasoningEffort !== undefined) model.leastReasoningEffort = leastReasoningEffortOf(object.leastReasoningEffort, `${path}.leastReasoningEffort`, protocol);
  Object.assign(model, anthropicWireFieldsOf(object, path, protocol));
  if (object.price !== undefined) model.price = priceOf(object.price, `${path}.price`);
  return model;
}

/** An embedding model a provider of the configuration serves: its id and the length of its vectors, at least. */
function embeddingModelOf(value: unknown, path: string): EmbeddingModelInfo {
  const object = objectAt(value, path, ['id', 'dimensions', 'takesDimensions', 'maxInputTokens', 'price']);
  if (typeof object.id !== 'string' || object.id.trim() === '') fail(`${path}.id`, 'must be a model id.');
  const model: { -readonly [K in keyof EmbeddingModelInfo]: EmbeddingModelInfo[K] } = {
    id: object.id,
    dimensions: positiveNumber(object.dimensions, `${path}.dimensions`, true),
  };
  if (object.takesDimensions !== undefined) {
    if (typeof object.takesDimensions !== 'boolean') fail(`${path}.takesDimensions`, 'must be true or false.');
    model.takesDimensions = object.takesDimensions;
  }
  if (object.maxInputTokens !== undefined) model.maxInputTokens = positiveNumber(object.maxInputTokens, `${path}.maxInputTokens`, true);
  if (object.price !== undefined) {
    const price = objectAt(object.price, `${path}.price`, ['inputPerMillion']);
    model.price = { inputPerMillion: positiveNumber(price.inputPerMillion, `${path}.price.inputPerMillion`, false) };
  }
  return model;
}

function embeddingModelsOf(entry: JsonObject, path: string): readonly EmbeddingModelInfo[] | undefined {
  if (entry.embeddingModels === undefined) return undefined;
  if (entry.protocol === 'anthropic') fail(`${path}.embeddingModels`, 'applies to the openai-compatible and gemini protocols only (Anthropic has no embeddings).');
  if (!Array.isArray(entry.embeddingModels)) fail(`${path}.embeddingModels`, 'must be a list of embedding models ({ id, dimensions }).');
  return entry.embeddingModels.map((model: unknown, index) => embeddingModelOf(model, `${path}.embeddingModels[${index}]`));
}

function definitionOf(id: string, entry: JsonObject, path: string): ProviderDefinition {
  if (!idPattern.test(id)) fail(path, 'is not a valid provider id: 1 to 32 lowercase letters, digits, "_" or "-".');
  if (!protocols.includes(entry.protocol as WireProtocolId)) fail(`${path}.protocol`, `must be one of ${protocols.join(', ')}.`);
  const baseUrl = baseUrlOf(entry.baseUrl, `${path}.baseUrl`);
  let apiKeyEnv = '';
  if (entry.apiKeyEnv !== undefined) {
    if (typeof entry.apiKeyEnv !== 'string' || !envNamePattern.test(entry.apiKeyEnv)) fail(`${path}.apiKeyEnv`, 'must name an environment variable.');
    apiKeyEnv = entry.apiKeyEnv;
  }
  if (!Array.isArray(entry.models) || entry.models.length === 0) fail(`${path}.models`, 'must list the models it serves.');
  const models = entry.models.map((model: unknown, index) => modelOf(model, `${path}.models[${index}]`, entry.protocol));
  const ids = new Set(models.map((model) => model.id));
  if (ids.size !== models.length) fail(`${path}.models`, 'lists a model twice.');
  const embeddingModels = embeddingModelsOf(entry, path);
  const modelsByTier: Partial<Record<Tier, string>> = {};
  for (const [tier, model] of Object.entries(objectAt(entry.tiers ?? {}, `${path}.tiers`, ['1', '2', '3']))) {
    if (typeof model !== 'string' || !ids.has(model)) fail(`${path}.tiers.${tier}`, 'must be one of its models.');
    modelsByTier[Number(tier) as Tier] = model;
  }
  return {
    id,
    displayName: id,
    protocol: entry.protocol as WireProtocolId,
    apiKeyEnv,
    baseUrl,
    defaultModel: models[0]!.id,
    modelsByTier,
    models,
    // After the built-in providers when health cannot tell them apart.
    speedRank: 9,
    quality: 3,
    // Only Gemini's protocol cannot be given an image URL to fetch.
    ...(entry.protocol === 'gemini' ? { fetchesImageUrls: false } : {}),
    ...(toolCallsNeedReasoningContentOf(entry, path) ? { toolCallsNeedReasoningContent: true } : {}),
    ...(reasoningSummariesOf(entry, path) ? { reasoningSummaries: true } : {}),
    ...(embeddingModels !== undefined ? { embeddingModels } : {}),
  };
}

/** A provider whose thinking models refuse a tool-call history without `reasoning_content` (a Kimi behind another URL). */
function toolCallsNeedReasoningContentOf(entry: JsonObject, path: string): boolean {
  const value = entry.toolCallsNeedReasoningContent;
  if (value === undefined) return false;
  if (typeof value !== 'boolean') fail(`${path}.toolCallsNeedReasoningContent`, 'must be true or false.');
  if (value && entry.protocol !== 'openai-compatible') fail(`${path}.toolCallsNeedReasoningContent`, 'applies to the openai-compatible protocol only.');
  return value;
}

/** A provider whose Responses-wire reasoning models are asked their reasoning summary (an organization OpenAI verified). */
function reasoningSummariesOf(entry: JsonObject, path: string): boolean {
  const value = entry.reasoningSummaries;
  if (value === undefined) return false;
  if (typeof value !== 'boolean') fail(`${path}.reasoningSummaries`, 'must be true or false.');
  if (value && entry.protocol !== undefined && entry.protocol !== 'openai-compatible') fail(`${path}.reasoningSummaries`, 'applies to the openai-compatible protocol only.');
  return value;
}

export function gatewayProvidersOf(value: unknown): Record<string, GatewayProviderConfig> {
  const object = objectAt(value, 'providers');
  const providers: Record<string, GatewayProviderConfig> = {};
  for (const [id, raw] of Object.entries(object)) {
    const path = `providers.${id}`;
    const entry = objectAt(raw, path, ['baseUrl', 'protocol', 'apiKeyEnv', 'models', 'tiers', 'toolCallsNeedReasoningContent', 'reasoningSummaries', 'embeddingModels']);
    if (entry.protocol === undefined) {
      const extra = Object.keys(entry).filter((key) => key !== 'baseUrl' && key !== 'reasoningSummaries');
      if (extra.length > 0) fail(path, `sets ${extra.join(', ')} without a protocol: a built-in provider takes only baseUrl (and reasoningSummaries), a new one needs protocol, baseUrl and models.`);
      const baseUrl = baseUrlOf(entry.baseUrl, `${path}.baseUrl`);
      providers[id] = reasoningSummariesOf(entry, path) ? { baseUrl, reasoningSummaries: true } : { baseUrl };
      continue;
    }
    const definition = definitionOf(id, entry, path);
    providers[id] = { baseUrl: definition.baseUrl, definition };
  }
  return providers;
}

/**
 * Each provider's `<NAME>_BASE_URL`, over a `baseUrl` the file gives it, held to the rule the router holds it to
 * when it is made: refused here, as a mistake of the configuration, before `serve` connects to anything.
 */
export function checkBaseUrlVariables(catalog: readonly ProviderDefinition[], env: Readonly<Record<string, string | undefined>>): void {
  for (const definition of catalog) {
    const override = baseUrlOverrideOf(definition, env);
    if (override?.reading.problem !== undefined) fail(override.variable, `${baseUrlRequirement}; it ${override.reading.problem}.`);
  }
}

/**
 * The outbound proxy's variables (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`), held to the rule the router holds them to when it is
 * made: refused here, as a mistake of the configuration, before `serve` connects to anything.
 */
export function checkOutboundProxyVariables(env: Readonly<Record<string, string | undefined>>): void {
  const { refusal } = proxySettingsFromEnv(env);
  if (refusal !== undefined) fail(refusal.variable, `${proxyUrlRequirement}; it ${refusal.problem}.`);
}
