/**
 * A provider definition's shape (a catalog entry, an extra provider's `definition`), checked when the router is
 * made: a JavaScript caller's entry of the wrong shape otherwise failed at the first call, in a TypeError of the
 * router's own code, or sent every call to a provider that can never answer.
 */
import { anthropicThinkingModes, leastReasoningEffortNames, openAIWireNames, thinkingLevelNames } from '../catalog.js';
import { InvalidArgumentError } from '../errors.js';
import { baseUrlRequirement, parseBaseUrl } from '../http/parse-base-url.js';
import { isRecord, type JsonRecord } from '../json-value.js';

const requiredStrings = ['id', 'displayName', 'apiKeyEnv', 'baseUrl', 'defaultModel'] as const;
const optionalFlags = ['simulated', 'fetchesImageUrls', 'toolCallsNeedReasoningContent', 'reasoningSummaries'] as const;
const positiveIntegers = ['toolNameMaxLength', 'stopSequencesMaxCount'] as const;
const priceFields = ['cachedInputPerMillion', 'cacheWritePerMillion', 'cacheWrite1hPerMillion', 'webSearchPerThousand'] as const;

export interface DefinitionCheckOptions {
  /** The wire protocols it may name. */
  readonly protocols: readonly string[];
  /** A definition the router calls over HTTP itself: its `baseUrl` is held to the base URL rule (parse-base-url.ts). */
  readonly httpBaseUrl: boolean;
}

/** Throws an InvalidArgumentError naming the field by its path (`catalog[2].models[0].price.inputPerMillion`). */
export function checkProviderDefinition(definition: unknown, path: string, options: DefinitionCheckOptions): void {
  if (!isRecord(definition)) throw invalid(path, 'must be a provider definition: an object with id, protocol, baseUrl, models...');
  for (const name of requiredStrings) {
    if (typeof definition[name] !== 'string') throw invalid(`${path}.${name}`, 'must be a string.');
  }
  if (definition.id === '') throw invalid(`${path}.id`, 'must not be empty.');
  if (!options.protocols.includes(definition.protocol as string)) {
    throw invalid(`${path}.protocol`, `must be one of ${options.protocols.join(', ')}.`);
  }
  if (options.httpBaseUrl) checkBaseUrl(definition.baseUrl as string, `${path}.baseUrl`);
  if (definition.baseUrlEnv !== undefined && typeof definition.baseUrlEnv !== 'string') throw invalid(`${path}.baseUrlEnv`, 'must be a string.');
  checkModelsByTier(definition.modelsByTier, `${path}.modelsByTier`);
  const { models } = definition;
  if (!Array.isArray(models)) throw invalid(`${path}.models`, 'must be an array of models ({ id }).');
  for (let index = 0; index < models.length; index += 1) checkModel(models[index], `${path}.models[${index}]`);
  const { embeddingModels } = definition;
  if (embeddingModels !== undefined && !Array.isArray(embeddingModels)) throw invalid(`${path}.embeddingModels`, 'must be an array of embedding models ({ id, dimensions }).');
  for (let index = 0; index < (embeddingModels?.length ?? 0); index += 1) {
    checkEmbeddingModel((embeddingModels as unknown[])[index], `${path}.embeddingModels[${index}]`);
  }
  for (const name of ['speedRank', 'quality'] as const) {
    if (!Number.isFinite(definition[name])) throw invalid(`${path}.${name}`, 'must be a finite number.');
  }
  checkFlags(definition, path, optionalFlags);
  for (const name of positiveIntegers) {
    const value = definition[name];
    if (value !== undefined && !(Number.isInteger(value) && (value as number) >= 1)) throw invalid(`${path}.${name}`, 'must be an integer of at least 1.');
  }
}

/** The rule every base URL is held to (parse-base-url.ts), the value never quoted: it may carry a key. */
function checkBaseUrl(text: string, path: string): void {
  const { problem } = parseBaseUrl(text);
  if (problem !== undefined) throw invalid(path, `${baseUrlRequirement}; it ${problem}.`);
}

/** Each tier's model, when it has one, is a model id. */
function checkModelsByTier(modelsByTier: unknown, path: string): void {
  if (!isRecord(modelsByTier)) throw invalid(path, 'must be an object of model ids by tier ({ 1: ..., 2: ... }).');
  for (const tier of ['1', '2', '3']) {
    const model = modelsByTier[tier];
    if (model !== undefined && typeof model !== 'string') throw invalid(`${path}.${tier}`, 'must be a model id.');
  }
}

function checkModel(model: unknown, path: string): void {
  if (!isRecord(model)) throw invalid(path, 'must be a model: an object with an id.');
  if (typeof model.id !== 'string') throw invalid(`${path}.id`, 'must be a string.');
  for (const name of ['contextWindowTokens', 'maxOutputTokens'] as const) {
    const tokens = model[name];
    if (tokens !== undefined && !(Number.isInteger(tokens) && (tokens as number) >= 1)) throw invalid(`${path}.${name}`, 'must be an integer of at least 1.');
  }
  checkFlags(model, path, ['vision', 'reasoning', 'fixedSampling']);
  if (model.thinkingLevels !== undefined && !isThinkingLevelList(model.thinkingLevels)) {
    throw invalid(`${path}.thinkingLevels`, `must be a non-empty list of thinking levels (${thinkingLevelNames.join(', ')}).`);
  }
  const tools = model.chatCompletionsTools;
  if (tools !== undefined && tools !== 'without-reasoning' && tools !== 'refused') {
    throw invalid(`${path}.chatCompletionsTools`, "must be 'without-reasoning' or 'refused'.");
  }
  if (model.openAIWire !== undefined && !(openAIWireNames as readonly unknown[]).includes(model.openAIWire)) {
    throw invalid(`${path}.openAIWire`, `must be one of ${openAIWireNames.map((name) => `'${name}'`).join(', ')}.`);
  }
  if (model.anthropicThinking !== undefined && !(anthropicThinkingModes as readonly unknown[]).includes(model.anthropicThinking)) {
    throw invalid(`${path}.anthropicThinking`, `must be ${anthropicThinkingModes.map((mode) => `'${mode}'`).join(' or ')}.`);
  }
  if (model.forcedToolChoice !== undefined && model.forcedToolChoice !== 'refused') throw invalid(`${path}.forcedToolChoice`, "must be 'refused'.");
  if (model.disabledThinking !== undefined && model.disabledThinking !== 'refused') throw invalid(`${path}.disabledThinking`, "must be 'refused'.");
  if (model.leastReasoningEffort !== undefined && !(leastReasoningEffortNames as readonly unknown[]).includes(model.leastReasoningEffort)) {
    throw invalid(`${path}.leastReasoningEffort`, `must be one of ${leastReasoningEffortNames.map((name) => `'${name}'`).join(', ')}.`);
  }
  if (model.structuredOutput !== undefined && model.structuredOutput !== 'refused') throw invalid(`${path}.structuredOutput`, "must be 'refused'.");
  if (model.price === undefined) return;
  const { price } = model;
  if (!isRecord(price)) throw invalid(`${path}.price`, 'must be an object of prices per million tokens.');
  checkPrice(price.inputPerMillion, `${path}.price.inputPerMillion`);
  checkPrice(price.outputPerMillion, `${path}.price.outputPerMillion`);
  for (const name of priceFields) {
    if (price[name] !== undefined) checkPrice(price[name], `${path}.price.${name}`);
  }
}

function checkEmbeddingModel(model: unknown, path: string): void {
  if (!isRecord(model)) throw invalid(path, 'must be an embedding model: an object with an id and dimensions.');
  if (typeof model.id !== 'string' || model.id === '') throw invalid(`${path}.id`, 'must be a non-empty string.');
  for (const name of ['dimensions', 'maxInputTokens'] as const) {
    const value = model[name];
    if ((value !== undefined || name === 'dimensions') && !(Number.isInteger(value) && (value as number) >= 1)) {
      throw invalid(`${path}.${name}`, 'must be an integer of at least 1.');
    }
  }
  checkFlags(model, path, ['takesDimensions']);
  if (model.price === undefined) return;
  if (!isRecord(model.price)) throw invalid(`${path}.price`, 'must be { inputPerMillion }, in US dollars.');
  checkPrice(model.price.inputPerMillion, `${path}.price.inputPerMillion`);
}

function isThinkingLevelList(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0 && value.every((level) => (thinkingLevelNames as readonly unknown[]).includes(level));
}

function checkPrice(value: unknown, path: string): void {
  if (!(Number.isFinite(value) && (value as number) >= 0)) throw invalid(path, 'must be a finite number of US dollars, at least 0.');
}

function checkFlags(object: JsonRecord, path: string, names: readonly string[]): void {
  for (const name of names) {
    if (object[name] !== undefined && typeof object[name] !== 'boolean') throw invalid(`${path}.${name}`, 'must be true or false.');
  }
}

function invalid(path: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument: path, message: `${path} ${message}` });
}
