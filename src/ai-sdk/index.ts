/**
 * `backup-models/ai-sdk`: the Vercel AI SDK both ways. `createBackupModels` makes the router an AI SDK
 * provider (`generateText({ model: backupModels('tier-2'), prompt })`, `embed({ model:
 * backupModels.embeddingModel('text-embedding-3-small'), value })`); `aiSdkModelProvider` makes any AI SDK
 * language model (and with it an embedding model) one more router candidate. Needs `ai` 6 or later (specification v3).
 */
export { backupModels, createBackupModels } from './backup-models-provider.js';
export type {
  BackupModelsModelIdInput,
  BackupModelsProvider,
  BackupModelsProviderOptions,
} from './backup-models-provider.js';
export { BackupModelsLanguageModel } from './backup-models-language-model.js';
export type { BackupModelsSettings, RouterForAiSdk } from './backup-models-language-model.js';
export { BackupModelsEmbeddingModel } from './backup-models-embedding-model.js';
export type { BackupModelsEmbeddingSettings, RouterForAiSdkEmbeddings } from './backup-models-embedding-model.js';
export type { BackupModelsModelId } from './parse-model-id.js';
export { aiSdkModelProvider } from './ai-sdk-model-provider.js';
export type { AiSdkModelProviderOptions } from './ai-sdk-model-provider.js';
export type { AiSdkEmbeddingModelOptions } from './ai-sdk-embed.js';
