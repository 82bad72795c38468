/** The public API of backup-models. Named exports only. */
export { BackupModelRouter } from './routing/backup-model-router.js';
export { complete, quickChat, getDefaultRouter, closeDefaultRouter, type QuickChatOptions } from './routing/default-router.js';
export type {
  AttemptLog,
  BackupModelRouterOptions,
  BreakerOptions,
  CompleteOptions,
  CompletionResult,
  HedgeOption,
  PromptOrMessages,
  RouteTarget,
  RouterStream,
  StreamOptions,
  StreamResult,
} from './routing/router-options.js';
export type { EmbedInput, EmbedOptions, EmbeddingResult } from './routing/embedding-options.js';
export { embeddingTaskTypes } from './embedding-task-types.js';
export type { HealthStatus } from './routing/health-status.js';
export type { MissingModel } from './routing/missing-models.js';
export type { RouterEvent, CircuitStateName } from './routing/router-events.js';
export {
  Provider,
  defaultCatalog,
  mergeCatalog,
  openAICompatibleProvider,
  type EmbeddingModelInfo,
  type ModelInfo,
  type ModelPrice,
  type OpenAICompatibleEndpointOptions,
  type ProviderDefinition,
} from './catalog.js';
export {
  AllProvidersFailedError,
  BackupModelsError,
  DeadlineExceededError,
  InvalidArgumentError,
  NoProviderAvailableError,
  ProviderError,
  ResponseTooLargeError,
  RouterClosedError,
  StreamInterruptedError,
  type Attempt,
  type FailureReason,
} from './errors.js';
export type {
  AnthropicThinkingBlock,
  AssistantMessage,
  ChatRequest,
  ChatResponse,
  EmbeddingRequest,
  EmbeddingResponse,
  EmbeddingTaskType,
  EmbeddingUsage,
  FinishReason,
  ImageInput,
  JsonSchema,
  Message,
  OpenAIReasoningItem,
  ProviderBlocks,
  ProviderJsonObject,
  ResponseFormat,
  ServerToolBlock,
  ServerToolBlocks,
  ServerTools,
  SignedReasoning,
  SignedReasoningBlock,
  StreamChunk,
  SystemMessage,
  ThinkingLevel,
  Tier,
  ToolCall,
  ToolChoice,
  ToolDefinition,
  ToolMessage,
  Usage,
  UserMessage,
  WireProtocolId,
} from './types.js';
export type { ModelProvider, ProviderCallOptions } from './providers/model-provider.js';
export { CancelScope, type Cancellation } from './cancellation.js';
export type { CacheBackend, CacheEntry, CachedCompletion, CachedEmbeddings } from './cache/cache-backend.js';
export { MemoryCacheBackend } from './cache/memory-cache-backend.js';
export type { Clock } from './clock.js';
export { instrumentRouter } from './telemetry/instrument-router.js';
export type { InstrumentRouterOptions, RouterEventSource } from './telemetry/instrument-router.js';
export { GenAiAttribute, BackupModelsAttribute } from './telemetry/gen-ai-attributes.js';
export type { ProviderStateSync, SharedModelUpdate, SharedProviderUpdate } from './routing/provider-state-sync.js';
