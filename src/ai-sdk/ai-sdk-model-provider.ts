import type { LanguageModelV3, LanguageModelV3StreamPart, SharedV3Headers } from '@ai-sdk/provider';
import type { ModelPrice, ProviderDefinition } from '../catalog.js';
import { type Clock, systemClock } from '../clock.js';
import { InvalidArgumentError, ProviderError } from '../errors.js';
import type { ModelProvider, ProviderCallOptions, StreamStartListener } from '../providers/model-provider.js';
import type { ChatRequest, ChatResponse, StreamChunk, ThinkingLevel, Tier } from '../types.js';
import { aiSdkEmbed, aiSdkEmbeddingModelInfo, type AiSdkEmbeddingModelOptions } from './ai-sdk-embed.js';
import { AiSdkStreamChunks } from './ai-sdk-stream-chunks.js';
import { convertFromAiSdkResult } from './convert-from-ai-sdk-result.js';
import { type AiSdkModelTraits, convertToAiSdkCallOptions } from './convert-to-ai-sdk-call-options.js';
import { mapAiSdkError } from './map-ai-sdk-error.js';
import { settleWithin } from './settle-within.js';

export interface AiSdkModelProviderOptions {
  /** The provider id routing, breakers, events and `provider/model` routes use. No slash. */
  readonly id: string;
  /** Any AI SDK language model (specification v3): `mistral('mistral-small-latest')`, `xai('grok-3')`, ... */
  readonly model: LanguageModelV3;
  /** Default: `${model.provider} ${model.modelId}`. */
  readonly displayName?: string;
  /** 1 is the fastest; ties with the built-in ranks (1 to 6). Default 3. */
  readonly speedRank?: number;
  /** 1 to 5, 5 the best. Default 3. */
  readonly quality?: number;
  /** Tiers this model answers for. Default all three. */
  readonly tiers?: readonly Tier[];
  readonly contextWindowTokens?: number;
  /**
   * The model reasons: a call's `reasoningEffort` is passed to it as its AI SDK provider reads it, by the
   * model's `provider` name (`anthropic.thinking`, `google.thinkingConfig`, else `<name>.reasoningEffort`).
   * Default false: the effort is not sent, since a model that does not reason may refuse it.
   */
  readonly reasoning?: boolean;
  /**
   * With `reasoning`, for a Gemini model that thinks by level (Gemini 3 and later): the levels it takes. The
   * effort is then passed as `google.thinkingConfig.thinkingLevel` (the nearest level it takes), never as a budget.
   */
  readonly thinkingLevels?: readonly ThinkingLevel[];
  /**
   * The model takes images: a call with images (as data URLs; it fetches no URL here) may ask it. Default
   * false, as for a model the catalog does not mark `vision`: such a call goes to the models that take them.
   */
  readonly vision?: boolean;
  /** For `costUsd` on results. */
  readonly price?: ModelPrice;
  /**
   * An AI SDK embedding model the provider serves too, for `router.embed` (asked for its `modelId`, failed over to
   * and from the other providers of that model). Default none: the provider serves no embeddings.
   */
  readonly embedding?: AiSdkEmbeddingModelOptions;
  /** For Retry-After dates. Default: the system clock. */
  readonly clock?: Clock;
}

const requestIdHeaders = ['x-request-id', 'request-id'] as const;

/**
 * Any AI SDK language model as one more router candidate: raced, broken and cached like the built-in
 * providers. Its failures become ProviderErrors (`APICallError` by status and headers), so its circuit
 * breaker and cooldowns work the same. It is always configured (the model holds its own key), and
 * `checkHealth` resolves without a call: a model has no free endpoint, and a generate call costs tokens.
 * A model's call is bounded from outside, since a model may ignore its `abortSignal`: an attempt ends at its
 * abort and at its response limit (`headersTimeoutMs`: the first-token limit of a stream, the response limit
 * of `complete`) whether the model heeds them or not; the router's idle timer bounds a stream's silences.
 */
export function aiSdkModelProvider(options: AiSdkModelProviderOptions): ModelProvider {
  const { id, model } = options;
  if (id.length === 0 || id.includes('/')) {
    throw new InvalidArgumentError({ argument: 'id', message: `The provider id "${id}" must be non-empty and without "/".` });
  }
  if (model.specificationVersion !== 'v3') {
    throw new InvalidArgumentError({
      argument: 'model',
      message: `The AI SDK model ${model.provider}/${model.modelId} implements specification ${String(model.specificationVersion)}; v3 is needed (ai 6 or later).`,
    });
  }
  const clock = options.clock ?? systemClock;
  const tiers = options.tiers ?? [1, 2, 3];
  const definition: ProviderDefinition = {
    id,
    displayName: options.displayName ?? `${model.provider} ${model.modelId}`,
    protocol: 'custom',
    // Handed straight to the model: a URL would skip the download the AI SDK's generateText does for it.
    fetchesImageUrls: false,
    apiKeyEnv: '',
    baseUrl: '',
    defaultModel: model.modelId,
    modelsByTier: Object.fromEntries(tiers.map((tier) => [tier, model.modelId])),
    models: [
      {
        id: model.modelId,
        ...(options.contextWindowTokens !== undefined ? { contextWindowTokens: options.contextWindowTokens } : {}),
        ...(options.reasoning === true ? { reasoning: true } : {}),
        ...(options.thinkingLevels !== undefined ? { thinkingLevels: options.thinkingLevels } : {}),
        ...(options.vision === true ? { vision: true } : {}),
        ...(options.price !== undefined ? { price: options.price } : {}),
      },
    ],
    speedRank: options.speedRank ?? 3,
    quality: options.quality ?? 3,
    ...(options.embedding !== undefined ? { embeddingModels: [aiSdkEmbeddingModelInfo(options.embedding)] } : {}),
  };
  const modelTraits: AiSdkModelTraits = {
    reasons: options.reasoning === true,
    providerName: model.provider,
    ...(options.thinkingLevels !== undefined ? { thinkingLevels: options.thinkingLevels } : {}),
  };
  const toProviderError = (error: unknown): ProviderError => mapAiSdkError({ error, providerId: id, nowMs: clock.now() });

  const assertModel = (request: ChatRequest): void => {
    if (request.model === model.modelId) return;
    throw new ProviderError({
      provider: id,
      reason: 'model_not_found',
      message: `this provider serves ${model.modelId} only, not ${request.model}`,
    });
  };

  return {
    id,
    definition,
    isConfigured: () => true,
    embed: options.embedding === undefined ? undefined : aiSdkEmbed({ providerId: id, embedding: options.embedding, clock, toProviderError, readRequestId }),
    async complete(request: ChatRequest, callOptions: ProviderCallOptions): Promise<ChatResponse> {
      assertModel(request);
      try {
        const converted = convertToAiSdkCallOptions(request, callOptions.signal, modelTraits);
        // The model's package sends it now, as far as we can know: a cancel from here on is billed.
        callOptions.onRequestSent?.();
        const generating = model.doGenerate(converted);
        const result = await settleWithin(generating, { signal: callOptions.signal, timeoutMs: callOptions.headersTimeoutMs, providerId: id, clock });
        return convertFromAiSdkResult(result, model.modelId);
      } catch (error) {
        if (callOptions.signal.aborted) throw error;
        throw toProviderError(error);
      }
    },
    stream(request: ChatRequest, callOptions: ProviderCallOptions & StreamStartListener): AsyncIterable<StreamChunk> {
      return streamModel({ model, request, callOptions, assertModel, toProviderError, providerId: id, modelTraits, clock });
    },
    checkHealth({ signal }): Promise<void> {
      return signal.aborted ? Promise.reject(signal.reason as unknown) : Promise.resolve();
    },
  };
}

async function* streamModel(context: {
  model: LanguageModelV3;
  request: ChatRequest;
  callOptions: ProviderCallOptions & StreamStartListener;
  modelTraits: AiSdkModelTraits;
  assertModel: (request: ChatRequest) => void;
  toProviderError: (error: unknown) => ProviderError;
  providerId: string;
  clock: Clock;
}): AsyncGenerator<StreamChunk, void, undefined> {
  const { model, request, callOptions, toProviderError, modelTraits } = context;
  const { signal } = callOptions;
  context.assertModel(request);
  let reader: ReadableStreamDefaultReader<LanguageModelV3StreamPart> | undefined;
  const onAbort = (): void => {
    void reader?.cancel(signal.reason).catch(() => undefined);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  const chunks = new AiSdkStreamChunks();
  let done = false;
  try {
    // The stream's start is bounded as a complete call is; its parts by the reader's cancel on abort.
    const converted = convertToAiSdkCallOptions(request, signal, modelTraits);
    callOptions.onRequestSent?.();
    const starting = model.doStream(converted);
    const result = await settleWithin(starting, { signal, timeoutMs: callOptions.headersTimeoutMs, providerId: context.providerId, clock: context.clock });
    const requestId = readRequestId(result.response?.headers);
    callOptions.onResponseStart?.(requestId !== undefined ? { requestId } : {});
    reader = result.stream.getReader();
    for (;;) {
      const next = await reader.read();
      if (signal.aborted) throw signal.reason;
      if (next.done) {
        done = true;
        break;
      }
      if (next.value.type === 'response-metadata' && next.value.id !== undefined) callOptions.onResponseId?.(next.value.id);
      const mapped = chunks.map(next.value);
      if (!Array.isArray(mapped)) throw toProviderError(mapped.error);
      for (const chunk of mapped) yield chunk;
    }
  } catch (error) {
    if (signal.aborted) throw error;
    throw toProviderError(error);
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (reader && !done) void reader.cancel().catch(() => undefined);
    reader?.releaseLock();
  }
  if (!chunks.finished) {
    throw new ProviderError({
      provider: context.providerId,
      reason: 'network',
      message: 'the stream was truncated: it ended without a finish part',
    });
  }
}

function readRequestId(headers: SharedV3Headers | undefined): string | undefined {
  if (!headers) return undefined;
  for (const [name, value] of Object.entries(headers)) {
    if ((requestIdHeaders as readonly string[]).includes(name.toLowerCase())) return value;
  }
  return undefined;
}
