/**
 * An `embed` call's input and options, checked before anything is sent: what is wrong is the caller's, an
 * InvalidArgumentError naming it, never a provider's failure.
 */
import { findEmbeddingModel } from '../catalog.js';
import { embeddingTaskTypes, isEmbeddingTaskType } from '../embedding-task-types.js';
import type { ModelProvider } from '../providers/model-provider.js';
import type { EmbedInput, EmbedOptions } from './embedding-options.js';
import {
  checkAttemptLog,
  checkCacheUse,
  checkHedge,
  checkMaxRetries,
  checkParallelAttempts,
  checkSignal,
  checkTimeLimits,
  invalid,
} from './validate-input.js';

/**
 * The most inputs one call embeds: OpenAI's limit ("any array must be 2048 dimensions or less", openai-node's
 * `EmbeddingCreateParams.input`), which a call to any provider keeps to (a wire that takes fewer a request, Gemini's
 * 100, is sent them in batches by its provider). A caller with more sends them in batches.
 */
export const maxEmbeddingInputs = 2048;

/** The texts to embed, as a list: a string alone is a list of one. */
export function toEmbeddingInputs(input: EmbedInput): readonly string[] {
  if (typeof input !== 'string' && !Array.isArray(input)) throw invalid('input', 'input must be a string or an array of strings.');
  const inputs: readonly unknown[] = typeof input === 'string' ? [input] : input;
  if (inputs.length === 0) throw invalid('input', 'input must hold at least one text to embed.');
  if (inputs.length > maxEmbeddingInputs) {
    throw invalid('input', `input holds ${inputs.length} texts; one call embeds at most ${maxEmbeddingInputs} (send them in batches).`);
  }
  for (let index = 0; index < inputs.length; index += 1) {
    const text = inputs[index];
    const path = typeof input === 'string' ? 'input' : `input[${index}]`;
    if (typeof text !== 'string') throw invalid(path, `${path} must be a string, not ${text === null ? 'null' : typeof text}.`);
    // OpenAI refuses an empty input ("cannot be an empty string"), and an empty text has no meaning to embed.
    if (text === '') throw invalid(path, `${path} must not be empty.`);
  }
  return inputs as readonly string[];
}

/** The providers `options.provider` names, as a list; undefined when it names none. */
export function namedProviders(options: EmbedOptions): readonly string[] | undefined {
  const { provider } = options;
  if (provider === undefined) return undefined;
  return typeof provider === 'string' ? [provider] : provider;
}

/** An `embed` call's options; `providers` are the router's. */
export function validateEmbedOptions(options: EmbedOptions, providers: readonly ModelProvider[]): void {
  if (typeof options !== 'object' || options === null) {
    throw invalid('options', 'options must be an object naming the model ({ model: "text-embedding-3-small" }).');
  }
  if (typeof options.model !== 'string' || options.model === '') {
    throw invalid('model', 'model must name the embedding model: vectors of different models are not comparable, so none is chosen for you.');
  }
  checkNamedProviders(options, providers);
  const { dimensions } = options;
  if (dimensions !== undefined && !(Number.isInteger(dimensions) && dimensions >= 1)) throw invalid('dimensions', 'dimensions must be an integer of at least 1.');
  const { taskType } = options;
  if (taskType !== undefined && !isEmbeddingTaskType(taskType)) {
    throw invalid('taskType', `taskType must be one of ${embeddingTaskTypes.join(', ')}, not ${JSON.stringify(taskType) ?? String(taskType)}.`);
  }
  checkTimeLimits({ timeoutMs: options.timeoutMs, responseTimeoutMs: options.responseTimeoutMs });
  checkParallelAttempts(options.parallelAttempts);
  checkHedge(options.hedge);
  checkMaxRetries(options.maxRetries);
  checkSignal(options.signal);
  checkCacheUse(options);
  checkAttemptLog(options.attemptLog);
}

function checkNamedProviders(options: EmbedOptions, providers: readonly ModelProvider[]): void {
  const { provider } = options;
  if (provider === undefined) return;
  if (typeof provider !== 'string' && !(Array.isArray(provider) && provider.length > 0 && provider.every((id) => typeof id === 'string'))) {
    throw invalid('provider', 'provider must be a provider id, or a non-empty array of them.');
  }
  const embedding = providers.filter((candidate) => candidate.embed !== undefined).map((candidate) => candidate.id);
  for (const id of namedProviders(options) ?? []) {
    if (embedding.includes(id)) continue;
    const known = providers.some((candidate) => candidate.id === id);
    throw invalid(
      'provider',
      `provider '${id}' ${known ? 'serves no embeddings' : 'is not a provider of this router'}; providers with embeddings: ${embedding.join(', ')}.`,
    );
  }
}

/**
 * `dimensions` asked of a model a provider's catalog lists: only one that takes it, and no more than its own
 * length (the provider would refuse it, a 400 that ends the call, or answer vectors of another length).
 */
export function checkDimensionsFor(provider: ModelProvider, options: EmbedOptions): void {
  const { dimensions } = options;
  if (dimensions === undefined) return;
  const info = findEmbeddingModel(provider.definition, options.model);
  if (info === undefined) return;
  if (info.takesDimensions !== true) {
    throw invalid('dimensions', `${provider.id}/${info.id} makes vectors of ${info.dimensions} dimensions and takes no dimensions.`);
  }
  if (dimensions > info.dimensions) throw invalid('dimensions', `${provider.id}/${info.id} makes vectors of at most ${info.dimensions} dimensions.`);
}
