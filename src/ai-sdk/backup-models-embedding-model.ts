import type { EmbeddingModelV3, EmbeddingModelV3CallOptions, EmbeddingModelV3Result, SharedV3Warning } from '@ai-sdk/provider';
import type { BackupModelRouter } from '../routing/backup-model-router.js';
import type { EmbedOptions } from '../routing/embedding-options.js';
import { maxEmbeddingInputs } from '../routing/validate-embed-input.js';
import { backupModelsMetadata } from './backup-models-metadata.js';
import { callerHeadersWarning } from './caller-headers-warning.js';
import { parseEmbeddingModelId } from './parse-embedding-model-id.js';

/** The part of the router the AI SDK embedding model uses. */
export type RouterForAiSdkEmbeddings = Pick<BackupModelRouter, 'embed' | 'providers'>;

/** Router options fixed for one embedding model instance: its providers, vectors' length, deadlines, racing, cache. */
export type BackupModelsEmbeddingSettings = Pick<
  EmbedOptions,
  'provider' | 'dimensions' | 'timeoutMs' | 'responseTimeoutMs' | 'parallelAttempts' | 'hedge' | 'maxRetries' | 'cacheScope' | 'cache'
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
    const result = await router.embed(options.values, { ...this.#settings, ...target, signal: options.abortSignal });
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
