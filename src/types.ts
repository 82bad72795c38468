/**
 * The shared vocabulary: messages, requests, results, stream chunks, usage and finish reasons, types only. Every
 * layer imports it from here; each part lives in a file of its own under types/, which imports only its neighbours
 * there. Kept as the one place to import from: a type moving between those files changes no import elsewhere.
 */
export type {
  ProviderBlocks,
  ProviderJsonObject,
  ServerTools,
  ServerToolBlock,
  ServerToolBlocks,
  AnthropicThinkingBlock,
  OpenAIReasoningItem,
  SignedReasoningBlock,
  SignedReasoning,
} from './types/provider-blocks.js';
export type {
  CacheTtl,
  CacheBreakpoint,
  SystemMessage,
  UserMessage,
  AssistantMessage,
  ToolMessage,
  Message,
  ImageInput,
  ToolCall,
} from './types/messages.js';
export type {
  JsonSchema,
  ToolDefinition,
  ToolChoice,
  ReasoningEffort,
  ThinkingLevel,
  ResponseFormat,
  ChatRequest,
} from './types/chat-request.js';
export type { Usage, EmbeddingUsage } from './types/usage.js';
export type { FinishReason, ChatResponse } from './types/chat-response.js';
export type { StreamChunk } from './types/stream-chunk.js';
export type { EmbeddingRequest, EmbeddingTaskType, EmbeddingResponse } from './types/embeddings.js';
export type { Tier, WireProtocolId } from './types/catalog-terms.js';
export type { Mutable } from './types/mutable.js';
