import type { EmbeddingModelV3, ImageModelV3, LanguageModelV3, ProviderV3 } from '@ai-sdk/provider';
import { InvalidArgumentError } from '../errors.js';
import { getDefaultRouter } from '../routing/default-router.js';
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
}

export interface BackupModelsProviderOptions {
  /** The router every model of this provider calls. Default: the module-wide router, made on first call. */
  readonly router?: RouterForAiSdk;
  /** Settings every model starts from; a model's own settings override them. */
  readonly settings?: BackupModelsSettings;
}

/**
 * The AI SDK provider (specification v3) for backup-models. Model ids: `tier-1`, `tier-2`, `tier-3`,
 * `provider/model` (exactly that candidate) or `auto`. An unknown id throws an InvalidArgumentError at once.
 */
export function createBackupModels(options: BackupModelsProviderOptions = {}): BackupModelsProvider {
  const router = (): RouterForAiSdk => options.router ?? getDefaultRouter();
  const languageModel = (modelId: BackupModelsModelIdInput, settings?: BackupModelsSettings): LanguageModelV3 =>
    new BackupModelsLanguageModel({ modelId, router, settings: { ...options.settings, ...settings } });
  const provider = (modelId: BackupModelsModelIdInput, settings?: BackupModelsSettings): LanguageModelV3 =>
    languageModel(modelId, settings);
  return Object.assign(provider, {
    specificationVersion: 'v3' as const,
    languageModel,
    embeddingModel: (modelId: string): EmbeddingModelV3 => {
      throw onlyLanguageModels('embedding', modelId);
    },
    imageModel: (modelId: string): ImageModelV3 => {
      throw onlyLanguageModels('image', modelId);
    },
  });
}

/** The provider over the module-wide router (keys from `process.env`). */
export const backupModels: BackupModelsProvider = createBackupModels();

function onlyLanguageModels(kind: string, modelId: string): InvalidArgumentError {
  return new InvalidArgumentError({
    argument: 'modelId',
    message: `backup-models has no ${kind} model "${modelId}": it serves language models only.`,
  });
}
