import type { EmbeddingModelV3, EmbeddingModelV3CallOptions, EmbeddingModelV3Result, SharedV3Warning } from '@ai-sdk/provider';
import { isRecord } from '../json-value.js';
import type { BackupModelRouter } from '../routing/backup-model-router.js';
import type { EmbedOptions } from '../routing/embedding-options.js';
import { maxEmbeddingInputs } from '../routing/validate-embed-input.js';
import type { EmbeddingTaskType } from '../types.js';
import { backupModelsMetadata } from './backup-models-metadata.js';
import { callerHeadersWarning } from './caller-headers-warning.js';
import { parseEmbeddingModelId } from './parse-embedding-model-id.js';

/** The part of the router the AI SDK embedding model uses. */
export type RouterForAiSdkEmbeddings = Pick<BackupModelRouter, 'embed' | 'providers'>;

/**
 * Router options fixed for one embedding model instance: its providers, vectors' length, task type (a call's
 * `providerOptions.google.taskType` overrides it), deadlines, racing, cache.
 */
export type BackupModelsEmbeddingSettings = Pick<
  EmbedOptions,
  'provider' | 'dimensions' | 'taskType' | 'timeoutMs' | 'responseTimeoutMs' | 'parallelAttempts' | 'hedge' | 'maxRetries' | 'cacheScope' | 'cache'
>;

export interface BackupModelsEmbeddingModelOptions {
  /** The embedding model, or `provider/model` of one of the router's providers (see parse-embedding-model-id.ts). */
  readonly modelId: string;
  /** Called at each call, so a default router is only made when a call is made. */
  readonly router: () => RouterForAiSdkEmbeddings;
  readonly settings?: BackupModelsEmbeddingSettings;
}

/**
 * The AI SDK's embedding model (specification v3) over a backup-models router: each `doEmbed` is one
 * `router.embed`, so the vectors come from the one model named, failed over among its providers only, and cached.
 * It takes as many texts a call as the router (`embedMany` splits longer lists), in parallel calls.
 */
export class BackupModelsEmbeddingModel implements EmbeddingModelV3 {
  readonly specificationVersion = 'v3';
  readonly provider = 'backup-models';
  readonly modelId: string;
  readonly maxEmbeddingsPerCall = maxEmbeddingInputs;
  readonly supportsParallelCalls = true;
  readonly #router: () => RouterForAiSdkEmbeddings;
  readonly #settings: BackupModelsEmbeddingSettings;

  constructor(options: BackupModelsEmbeddingModelOptions) {
    this.modelId = options.modelId;
    this.#router = options.router;
    this.#settings = options.settings ?? {};
  }

  async doEmbed(options: EmbeddingModelV3CallOptions): Promise<EmbeddingModelV3Result> {
    const router = this.#router();
    const target = parseEmbeddingModelId(this.modelId, { providerIds: router.providers.map((provider) => provider.id), provider: this.#settings.provider });
    const embedOptions: EmbedOptions = { ...this.#settings, ...target, signal: options.abortSignal };
    const taskType = taskTypeOf(options.providerOptions);
    const result = await router.embed(options.values, taskType === undefined ? embedOptions : { ...embedOptions, taskType });
    const warnings: SharedV3Warning[] = [];
    const headersWarning = callerHeadersWarning(options.headers);
    if (headersWarning !== undefined) warnings.push(headersWarning);
    return {
      // The router's own copies (its cache keeps others), typed readonly there: the AI SDK's caller may change them.
      embeddings: result.embeddings as number[][],
      // None when the provider counted none (Gemini's answers): the AI SDK then reports NaN tokens.
      usage: result.usage === undefined ? undefined : { tokens: result.usage.inputTokens },
      providerMetadata: backupModelsMetadata(result),
      warnings,
    };
  }
}

/**
 * The task type asked the way `@ai-sdk/google` reads it (`providerOptions: { google: { taskType } }`, vercel/ai
 * `packages/google/src/google-generative-ai-embedding-options.ts`), so an app written for it keeps its meaning here.
 * Passed on as given: the router refuses one that is not Google's (InvalidArgumentError naming `taskType`).
 */
function taskTypeOf(providerOptions: unknown): EmbeddingTaskType | undefined {
  const google = isRecord(providerOptions) ? providerOptions['google'] : undefined;
  const taskType = isRecord(google) ? google['taskType'] : undefined;
  return taskType === undefined ? undefined : (taskType as EmbeddingTaskType);
}
