import type { EmbeddingModelV3, ImageModelV3, LanguageModelV3, ProviderV3 } from '@ai-sdk/provider';
import { InvalidArgumentError } from '../errors.js';
import { getDefaultRouter } from '../routing/default-router.js';
import { BackupModelsEmbeddingModel, type BackupModelsEmbeddingSettings, type RouterForAiSdkEmbeddings } from './backup-models-embedding-model.js';
import {
  BackupModelsLanguageModel,
  type BackupModelsSettings,
  type RouterForAiSdk,
} from './backup-models-language-model.js';
import type { BackupModelsModelId } from './parse-model-id.js';

/** A model id: a known form, or any `provider/model` string checked when the model is made. */
export type BackupModelsModelIdInput = BackupModelsModelId | (string & {});

export interface BackupModelsProvider extends ProviderV3 {
  /** A language model for the AI SDK: `generateText({ model: backupModels('tier-2'), prompt })`. */
  (modelId: BackupModelsModelIdInput, settings?: BackupModelsSettings): LanguageModelV3;
  languageModel(modelId: BackupModelsModelIdInput, settings?: BackupModelsSettings): LanguageModelV3;
  /**
   * An embedding model for the AI SDK: `embed({ model: backupModels.embeddingModel('text-embedding-3-small'), value })`.
   * The id names the model (never a tier: vectors of two models are not comparable), or `provider/model`.
   */
  embeddingModel(modelId: string, settings?: BackupModelsEmbeddingSettings): EmbeddingModelV3;
}

export interface BackupModelsProviderOptions {
  /** The router every model of this provider calls. Default: the module-wide router, made on first call. */
  readonly router?: RouterForAiSdk & RouterForAiSdkEmbeddings;
  /**
   * Settings every model starts from; a model's own settings override them. An embedding model takes
   * `timeoutMs`, `responseTimeoutMs`, `cacheScope` and `cache` from them (not `parallelAttempts` nor `hedge`:
   * each racer of an embedding call bills its whole input, so an embedding model races only when its own settings ask).
   */
  readonly settings?: BackupModelsSettings;
}

/**
 * The AI SDK provider (specification v3) for backup-models. Model ids: `tier-1`, `tier-2`, `tier-3`,
 * `provider/model` (exactly that candidate) or `auto`. An unknown id throws an InvalidArgumentError at once.
 * Its embedding models are the router's `embed`; it has no image models.
 */
export function createBackupModels(options: BackupModelsProviderOptions = {}): BackupModelsProvider {
  const router = (): RouterForAiSdk & RouterForAiSdkEmbeddings => options.router ?? getDefaultRouter();
  const languageModel = (modelId: BackupModelsModelIdInput, settings?: BackupModelsSettings): LanguageModelV3 =>
    new BackupModelsLanguageModel({ modelId, router, settings: { ...options.settings, ...settings } });
  const provider = (modelId: BackupModelsModelIdInput, settings?: BackupModelsSettings): LanguageModelV3 =>
    languageModel(modelId, settings);
  return Object.assign(provider, {
    specificationVersion: 'v3' as const,
    languageModel,
    embeddingModel: (modelId: string, settings?: BackupModelsEmbeddingSettings): EmbeddingModelV3 =>
      new BackupModelsEmbeddingModel({ modelId, router, settings: { ...sharedEmbeddingSettings(options.settings), ...settings } }),
    imageModel: (modelId: string): ImageModelV3 => {
      throw new InvalidArgumentError({
        argument: 'modelId',
        message: `backup-models has no image model "${modelId}": it serves language and embedding models only.`,
      });
    },
  });
}

/** The provider's settings an embedding model takes too (see `BackupModelsProviderOptions.settings`). */
function sharedEmbeddingSettings(settings: BackupModelsSettings | undefined): BackupModelsEmbeddingSettings {
  if (settings === undefined) return {};
  const { timeoutMs, responseTimeoutMs, cacheScope, cache } = settings;
  const shared: { -readonly [K in keyof BackupModelsEmbeddingSettings]: BackupModelsEmbeddingSettings[K] } = {};
  if (timeoutMs !== undefined) shared.timeoutMs = timeoutMs;
  if (responseTimeoutMs !== undefined) shared.responseTimeoutMs = responseTimeoutMs;
  if (cacheScope !== undefined) shared.cacheScope = cacheScope;
  if (cache !== undefined) shared.cache = cache;
  return shared;
}

/** The provider over the module-wide router (keys from `process.env`). */
export const backupModels: BackupModelsProvider = createBackupModels();
