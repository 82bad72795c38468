/**
 * What one provider is asked to embed, and what it answered. Types only.
 */

import type { EmbeddingUsage } from './usage.js';

/** What one provider is asked to embed: the model is already chosen, and every provider of a call is asked the same. */
export interface EmbeddingRequest {
  readonly model: string;
  /** The texts, one vector each, in this order. */
  readonly inputs: readonly string[];
  /** Shorter vectors, for a model that takes it (OpenAI's text-embedding-3, Gemini's); absent: the model's own length. */
  readonly dimensions?: number;
  /**
   * What the vectors are for, on a wire that takes it (Gemini's `taskType`); absent: the provider's default. The
   * OpenAI-compatible wire is not sent it (see `EmbedOptions.taskType`).
   */
  readonly taskType?: EmbeddingTaskType;
}

/**
 * What embeddings are for, in Google's words (`taskType` of `embedContent` and `batchEmbedContents`): the vectors of
 * one text differ by task, and a search works best with its queries embedded as `RETRIEVAL_QUERY` and its documents
 * as `RETRIEVAL_DOCUMENT`. The eight of the Gemini API's "Supported task types"
 * (https://ai.google.dev/gemini-api/docs/embeddings), as `@ai-sdk/google` takes them (vercel/ai
 * `packages/google/src/google-generative-ai-embedding-settings.ts`); Google's `TASK_TYPE_UNSPECIFIED` is no task.
 */
export type EmbeddingTaskType =
  | 'RETRIEVAL_QUERY'
  | 'RETRIEVAL_DOCUMENT'
  | 'SEMANTIC_SIMILARITY'
  | 'CLASSIFICATION'
  | 'CLUSTERING'
  | 'QUESTION_ANSWERING'
  | 'FACT_VERIFICATION'
  | 'CODE_RETRIEVAL_QUERY';

/** What one provider answered to an `EmbeddingRequest`, in our terms. */
export interface EmbeddingResponse {
  /** One vector per input, in the request's order. */
  readonly embeddings: readonly (readonly number[])[];
  /** The model id the provider reports having used. */
  readonly model: string;
  /** The input tokens billed; absent when the provider does not say. */
  readonly usage?: EmbeddingUsage;
  /** The provider's id for this request (a header), for support tickets. */
  readonly requestId?: string;
}
