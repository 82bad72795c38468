import type { EmbeddingModelV3, SharedV3Headers } from '@ai-sdk/provider';
import type { EmbeddingModelInfo } from '../catalog.js';
import type { Clock } from '../clock.js';
import { ProviderError } from '../errors.js';
import { type BatchSentListener, embedInBatches } from '../providers/embed-in-batches.js';
import type { ProviderCallOptions } from '../providers/model-provider.js';
import { readTokenCount } from '../token-count.js';
import type { EmbeddingRequest, EmbeddingResponse, Mutable } from '../types.js';
import { settleWithin } from './settle-within.js';

/** An AI SDK embedding model a provider made by `aiSdkModelProvider` serves beside its language model. */
export interface AiSdkEmbeddingModelOptions {
  /** Any AI SDK embedding model (specification v3): `openai.embedding('text-embedding-3-small')`, `mistral.embedding(...)`. */
  readonly model: EmbeddingModelV3;
  /** The length of its vectors: the catalog's `dimensions`. No other length can be asked of it. */
  readonly dimensions: number;
  /** For `costUsd` on results: US dollars per million input tokens. */
  readonly price?: { readonly inputPerMillion: number };
}

/** The catalog's entry of the model: it takes no `dimensions`, as each AI SDK provider names that option its own way. */
export function aiSdkEmbeddingModelInfo(options: AiSdkEmbeddingModelOptions): EmbeddingModelInfo {
  return { id: options.model.modelId, dimensions: options.dimensions, ...(options.price !== undefined ? { price: options.price } : {}) };
}

/**
 * The provider's `embed` over the model's `doEmbed`: the texts in calls of at most the model's
 * `maxEmbeddingsPerCall`, one after another, each bounded as a language model's call is (the attempt's abort and
 * response limit, heeded or not by the model), and an answer without one vector per text a `server_error`.
 */
export function aiSdkEmbed(context: {
  readonly providerId: string;
  readonly embedding: AiSdkEmbeddingModelOptions;
  readonly clock: Clock;
  readonly toProviderError: (error: unknown) => ProviderError;
  readonly readRequestId: (headers: SharedV3Headers | undefined) => string | undefined;
}): (request: EmbeddingRequest, callOptions: ProviderCallOptions) => Promise<EmbeddingResponse> {
  const { providerId, clock, toProviderError } = context;
  const { model } = context.embedding;
  return async (request, callOptions) => {
    if (request.model !== model.modelId) {
      throw new ProviderError({ provider: providerId, reason: 'model_not_found', message: `this provider embeds with ${model.modelId} only, not ${request.model}` });
    }
    const { signal } = callOptions;
    const embedBatch = async (batch: EmbeddingRequest, sentListener: BatchSentListener | undefined): Promise<EmbeddingResponse> => {
      // The model's package sends it now, as far as we can know: a cancel from here on is billed.
      sentListener?.onRequestSent?.();
      const embedding = model.doEmbed({ values: [...batch.inputs], abortSignal: signal });
      const result = await settleWithin(embedding, { signal, timeoutMs: callOptions.headersTimeoutMs, providerId, clock });
      if (result.embeddings.length !== batch.inputs.length) {
        throw new ProviderError({ provider: providerId, reason: 'server_error', message: `${result.embeddings.length} vectors for ${batch.inputs.length} inputs` });
      }
      const response: Mutable<EmbeddingResponse> = { embeddings: result.embeddings, model: model.modelId };
      const inputTokens = readTokenCount(result.usage?.tokens);
      if (inputTokens !== undefined) response.usage = { inputTokens };
      const requestId = context.readRequestId(result.response?.headers);
      if (requestId !== undefined) response.requestId = requestId;
      return response;
    };
    try {
      const batchSize = (await model.maxEmbeddingsPerCall) ?? Number.POSITIVE_INFINITY;
      return await embedInBatches(request, { batchSize, embedBatch, progress: callOptions });
    } catch (error) {
      if (signal.aborted) throw error;
      throw toProviderError(error);
    }
  };
}
