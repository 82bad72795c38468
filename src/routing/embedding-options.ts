import type { Cancellation } from '../cancellation.js';
import type { Attempt } from '../errors.js';
import type { EmbeddingTaskType, EmbeddingUsage } from '../types.js';
import type { AttemptLog, HedgeOption } from './router-options.js';

/** What `embed` turns into vectors: one text, or a list of them (one vector each, in order). */
export type EmbedInput = string | readonly string[];

export interface EmbedOptions {
  /**
   * The embedding model, always named by the caller: vectors of two models are not comparable (a search index
   * built with one cannot be queried with the other), so there is no default model and a call never fails over
   * to another model, only to another provider of this one.
   */
  readonly model: string;
  /**
   * The provider, or providers in order, to ask for `model`: each a provider of this router with embeddings (an
   * OpenAI-compatible or Gemini one), else the call throws InvalidArgumentError. A named provider is asked for the model
   * whether its catalog lists it or not (a vLLM of your own serving an open model). Default: every provider whose
   * catalog lists `model` among its `embeddingModels`, in catalog order (the same model at two accounts, or at
   * Together and your own server).
   */
  readonly provider?: string | readonly string[];
  /** Shorter vectors, for a model that takes it (`takesDimensions` in the catalog): at most its own length. */
  readonly dimensions?: number;
  /**
   * What the vectors are for: `RETRIEVAL_QUERY` for a search's queries and `RETRIEVAL_DOCUMENT` for what it searches
   * (their vectors differ, and a search works best with each embedded as what it is), or another of Google's task
   * types. Sent to Gemini as `taskType`; not sent to an OpenAI-compatible provider, whose API has no such field
   * (OpenAI's models embed every text one way). Part of the cache key all the same. Default: none (Google's default).
   */
  readonly taskType?: EmbeddingTaskType;
  /** Aborts the call (an AbortSignal, or a `CancelScope`). */
  readonly signal?: AbortSignal | Cancellation;
  /** Deadline of the whole call, failovers included. Default: the router's `timeoutMs`. */
  readonly timeoutMs?: number;
  /** Fail over when one provider's answer has not come within this time. Default: the router's `responseTimeoutMs`. */
  readonly responseTimeoutMs?: number;
  /**
   * How many providers of the model are asked at once. Default 1 (not the router's `parallelAttempts`): every
   * racer bills its whole input, and an embedding call's candidates are a few providers of one model.
   */
  readonly parallelAttempts?: number;
  /** Hedge: ask the next provider only when the one in flight is slower than this (`auto`: its p95 of embedding calls). */
  readonly hedge?: HedgeOption | false;
  /** Retry rounds when every provider failed with a failure that may pass. Default: the router's `maxRetries`. */
  readonly maxRetries?: number;
  /** Cache entries are shared only within one scope (a gateway key, a tenant). Default 'default'. */
  readonly cacheScope?: string;
  /** `false` neither reads nor stores; `'refresh'` asks a provider and stores the new vectors. Default true. */
  readonly cache?: boolean | 'refresh';
  /** Where the router leaves the call's attempts, as for `complete` (a call ended by the caller's abort carries none). */
  readonly attemptLog?: AttemptLog;
}

export interface EmbeddingResult {
  /** One vector per input, in the input's order. */
  readonly embeddings: readonly (readonly number[])[];
  /** The provider that answered. */
  readonly provider: string;
  /** The model as the provider named it. */
  readonly model: string;
  readonly usage: EmbeddingUsage | undefined;
  readonly latencyMs: number;
  /** US dollars, from the catalog's embedding price, when the model has one and usage is known; 0 from the cache. */
  readonly costUsd: number | undefined;
  readonly cached: boolean;
  readonly attempts: readonly Attempt[];
  /** The provider's id of the request that answered, for a support ticket. */
  readonly requestId: string | undefined;
}
