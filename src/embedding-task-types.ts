/**
 * Embedding task types (`EmbeddingTaskType`, Google's words), and the words other APIs use for the same: shared by the
 * router's check of `EmbedOptions.taskType`, the gateway's request parse and the AI SDK embedding model. Pure.
 */
import type { EmbeddingTaskType } from './types.js';

/** Google's task types, in the order of its documentation's table. */
export const embeddingTaskTypes: readonly EmbeddingTaskType[] = [
  'SEMANTIC_SIMILARITY',
  'CLASSIFICATION',
  'CLUSTERING',
  'RETRIEVAL_DOCUMENT',
  'RETRIEVAL_QUERY',
  'CODE_RETRIEVAL_QUERY',
  'QUESTION_ANSWERING',
  'FACT_VERIFICATION',
];

export function isEmbeddingTaskType(value: unknown): value is EmbeddingTaskType {
  return typeof value === 'string' && (embeddingTaskTypes as readonly string[]).includes(value);
}

/**
 * The `input_type` words of the embedding APIs that have one, as Google's task types: Voyage's `query` and `document`
 * (docs.voyageai.com/reference), NVIDIA NIM's `query` and `passage` (its OpenAI API takes `input_type` beside the
 * OpenAI fields: docs.nvidia.com/nim/nemo-retriever/text-embedding, "Passage and Query Modes"), Cohere's
 * `search_query`, `search_document`, `classification` and `clustering` (its Embed API; `image` is not a task).
 */
const inputTypeWords: Readonly<Record<string, EmbeddingTaskType>> = {
  query: 'RETRIEVAL_QUERY',
  search_query: 'RETRIEVAL_QUERY',
  document: 'RETRIEVAL_DOCUMENT',
  passage: 'RETRIEVAL_DOCUMENT',
  search_document: 'RETRIEVAL_DOCUMENT',
  classification: 'CLASSIFICATION',
  clustering: 'CLUSTERING',
};

/** The `input_type` words taken, for a message that lists them. */
export const embeddingInputTypeWords: readonly string[] = Object.keys(inputTypeWords);

/**
 * A task type as clients name it: Google's own word, in either case (LiteLLM passes a `task_type` or `input_type` of
 * Google's words through to Gemini and Vertex as they are; LangChain's Python `GoogleGenerativeAIEmbeddings` is
 * commonly given them in lower case, `task_type="retrieval_query"`), or one of the `input_type` words above.
 * Undefined for anything else.
 */
export function embeddingTaskTypeOf(word: unknown): EmbeddingTaskType | undefined {
  if (typeof word !== 'string') return undefined;
  const upper = word.toUpperCase();
  if (isEmbeddingTaskType(upper)) return upper;
  return Object.hasOwn(inputTypeWords, word) ? inputTypeWords[word] : undefined;
}
