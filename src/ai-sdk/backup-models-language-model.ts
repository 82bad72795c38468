import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  SharedV3Warning,
} from '@ai-sdk/provider';
import type { BackupModelRouter } from '../routing/backup-model-router.js';
import type { CompleteOptions, RouterStream, StreamOptions } from '../routing/router-options.js';
import type { Message, StreamChunk } from '../types.js';
import { AiSdkStreamParts } from './ai-sdk-stream-parts.js';
import { convertCallOptions } from './convert-call-options.js';
import { convertCompletionResult } from './convert-completion-result.js';
import { convertToBackupMessages } from './convert-to-backup-messages.js';
import { type ModelIdRouting, parseModelId } from './parse-model-id.js';

/** The part of the router the AI SDK model uses. */
export type RouterForAiSdk = Pick<BackupModelRouter, 'complete' | 'stream'>;

/** Router options fixed for one model instance: deadlines, parallelism, hedging, cache. */
export type BackupModelsSettings = Pick<
  StreamOptions,
  | 'timeoutMs'
  | 'parallelAttempts'
  | 'hedge'
  | 'cacheScope'
  | 'cache'
  | 'preferredProvider'
  | 'preferredModel'
  | 'firstTokenTimeoutMs'
  | 'responseTimeoutMs'
  | 'idleTimeoutMs'
>;

export interface BackupModelsLanguageModelOptions {
  readonly modelId: string;
  /** Called at each call, so a default router is only made when a call is made. */
  readonly router: () => RouterForAiSdk;
  readonly settings?: BackupModelsSettings;
}

/**
 * The AI SDK's language model (specification v3) over a backup-models router: each `doGenerate` is one
 * `router.complete`, each `doStream` one `router.stream`, so every call is raced, failed over and cached.
 */
export class BackupModelsLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3';
  readonly provider = 'backup-models';
  readonly modelId: string;
  /** No URL is passed through: file parts are refused before any call. */
  readonly supportedUrls: Record<string, RegExp[]> = {};
  readonly #routing: ModelIdRouting;
  readonly #router: () => RouterForAiSdk;
  readonly #settings: BackupModelsSettings;

  constructor(options: BackupModelsLanguageModelOptions) {
    this.modelId = options.modelId;
    this.#routing = parseModelId(options.modelId);
    this.#router = options.router;
    this.#settings = options.settings ?? {};
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const { messages, callOptions, warnings } = this.#prepare(options);
    const result = await this.#router().complete(messages, callOptions);
    return convertCompletionResult(result, warnings);
  }

  /**
   * Resolves once the router committed to a provider (its first token) or failed: a call that no
   * provider could answer rejects here, as an HTTP provider's rejects on an error status. Later failures
   * arrive as an `error` part.
   */
  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    const { messages, callOptions, warnings } = this.#prepare(options);
    const routerStream = this.#router().stream(messages, callOptions);
    const iterator = routerStream[Symbol.asyncIterator]();
    const first = await iterator.next();
    return { stream: toStreamParts({ routerStream, iterator, first, warnings }) };
  }

  #prepare(options: LanguageModelV3CallOptions): {
    messages: Message[];
    callOptions: CompleteOptions;
    warnings: SharedV3Warning[];
  } {
    const converted = convertToBackupMessages(options.prompt);
    const call = convertCallOptions(options);
    return {
      messages: converted.messages,
      callOptions: { ...this.#settings, ...this.#routing, ...call.settings },
      warnings: [...converted.warnings, ...call.warnings],
    };
  }
}

function toStreamParts(options: {
  routerStream: RouterStream;
  iterator: AsyncIterator<StreamChunk>;
  first: IteratorResult<StreamChunk>;
  warnings: SharedV3Warning[];
}): ReadableStream<LanguageModelV3StreamPart> {
  const { routerStream, iterator, warnings } = options;
  const parts = new AiSdkStreamParts();
  let pending: IteratorResult<StreamChunk> | undefined = options.first;
  let cancelled = false;
  return new ReadableStream<LanguageModelV3StreamPart>({
    start(controller) {
      controller.enqueue({ type: 'stream-start', warnings });
    },
    // Each pull enqueues at least one part (or closes): a pull that enqueues nothing is not called again.
    async pull(controller) {
      try {
        for (;;) {
          const next = pending ?? (await iterator.next());
          pending = undefined;
          if (cancelled) return;
          if (next.done) {
            const result = await routerStream.result;
            for (const part of parts.finish(result)) controller.enqueue(part);
            controller.close();
            return;
          }
          const mapped = parts.map(next.value);
          for (const part of mapped) controller.enqueue(part);
          if (mapped.length > 0) return;
        }
      } catch (error) {
        if (cancelled) return;
        controller.enqueue({ type: 'error', error });
        controller.close();
      }
    },
    cancel(reason) {
      cancelled = true;
      routerStream.cancel(reason);
      // Runs the router's cleanup even when the stream was left at a chunk.
      void iterator.return?.().catch(() => undefined);
    },
  });
}
