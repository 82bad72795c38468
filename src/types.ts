/**
 * The shared vocabulary: messages, requests, results, stream chunks, usage and finish reasons.
 * Types only. Every layer imports from here; this file imports nothing.
 */

/** How long a prompt-cache entry is kept: Anthropic's five minutes (the default), or an hour. */
export type CacheTtl = '5m' | '1h';

/**
 * A prompt-cache breakpoint: `true` for the default lifetime, or `{ ttl: '1h' }` for an entry kept an hour
 * (Anthropic bills its writes at twice the input price, the default's at 1.25 times).
 */
export type CacheBreakpoint = boolean | { readonly ttl: CacheTtl };

export interface SystemMessage {
  readonly role: 'system';
  readonly content: string;
  /**
   * A prompt-cache breakpoint at the end of this message: a provider that caches only where it is told
   * (Anthropic) caches the prompt up to here; the others cache by themselves and ignore it.
   */
  readonly cacheBreakpoint?: CacheBreakpoint;
}

export interface UserMessage {
  readonly role: 'user';
  readonly content: string;
  /** Images the user attached, after the text. Only models that take image input are asked (`vision` in the catalog). */
  readonly images?: readonly ImageInput[];
  /**
   * A prompt-cache breakpoint at the end of this message: a provider that caches only where it is told
   * (Anthropic) caches the prompt up to here; the others cache by themselves and ignore it.
   */
  readonly cacheBreakpoint?: CacheBreakpoint;
}

export interface AssistantMessage {
  readonly role: 'assistant';
  /** Text of the answer; empty string when the turn only calls tools. */
  readonly content: string;
  readonly toolCalls?: readonly ToolCall[];
  /**
   * The reasoning this answer showed (the `reasoning` of its result), passed back with the history. Sent only
   * to providers that require it (`toolCallsNeedReasoningContent`: Moonshot's thinking models refuse an
   * assistant tool-call message without `reasoning_content`); every other provider is sent the history without it.
   */
  readonly reasoning?: string;
  /**
   * The signed reasoning of this answer (the `signedReasoning` of its result), passed back with the history.
   * Sent, unchanged and first in the turn, only to the provider that signed them, and only when that call thinks:
   * Anthropic then lets Claude think in a conversation that called tools, and OpenAI's Responses API lets the model
   * go on from the reasoning of its earlier turns rather than reason afresh. Every other provider is sent the
   * history without them (at most `reasoning`, as text).
   */
  readonly signedReasoning?: SignedReasoning;
  /**
   * The server tool calls and results of this answer (the `serverToolBlocks` of its result: Anthropic's web searches),
   * passed back with the history. Sent unchanged, each where it stood in the text, only to the provider that ran them;
   * every other provider is sent a note in each call's place, as it could not read their results.
   */
  readonly serverToolBlocks?: ServerToolBlocks;
  /**
   * A prompt-cache breakpoint at the end of this message: a provider that caches only where it is told
   * (Anthropic) caches the prompt up to here; the others cache by themselves and ignore it.
   */
  readonly cacheBreakpoint?: CacheBreakpoint;
}

/**
 * Blocks of an answer that only the provider that wrote them can read back, in the order it gave them, and that
 * provider's id: they go back to it alone.
 */
export interface ProviderBlocks<Block> {
  readonly provider: string;
  readonly blocks: readonly Block[];
}

/** A JSON object as a provider writes or takes it, carried unread: a server tool's definition, a block of its call or result. */
export type ProviderJsonObject = { readonly type: string; readonly [field: string]: unknown };

/**
 * Tools a provider runs itself, each as that provider takes it (Anthropic's server tools: `{ type:
 * 'web_search_20250305', name: 'web_search', max_uses: 8 }`). A call that carries them is served by that provider
 * only, on the Anthropic wire; the others are skipped.
 */
export interface ServerTools {
  readonly provider: string;
  readonly tools: readonly ProviderJsonObject[];
}

/**
 * One block of an answer's server tool use (Anthropic's `server_tool_use` call, its `web_search_tool_result`...) as
 * the provider wrote it, and where it stood: after `textOffset` characters of the answer's text. A text block citing
 * the results (`{ type: 'text', text, citations }`) is one too, standing for its text, which the answer's text holds.
 */
export interface ServerToolBlock {
  readonly textOffset: number;
  readonly block: ProviderJsonObject;
}

/** An answer's server tool blocks, and the provider that ran the tools (see `ServerToolBlock`). */
export type ServerToolBlocks = ProviderBlocks<ServerToolBlock>;

/**
 * One block of Claude's thinking as Anthropic answered it: the shown thinking with its `signature`, or thinking
 * Anthropic encrypted (`redacted_thinking`, its `data` opaque). Both are valid only unchanged, and for Anthropic.
 */
export type AnthropicThinkingBlock =
  | { readonly type: 'thinking'; readonly thinking: string; readonly signature: string }
  | { readonly type: 'redacted_thinking'; readonly data: string };

/**
 * One `reasoning` output item of OpenAI's Responses API, as a call with `store: false` gets it back: its `id`, its
 * `encryptedContent` (the reasoning itself, encrypted by OpenAI: `include: ["reasoning.encrypted_content"]`) and its
 * summary texts (empty unless a summary was asked, see `ProviderDefinition.reasoningSummaries`). Valid only
 * unchanged, and for the OpenAI organization that was answered it.
 */
export interface OpenAIReasoningItem {
  readonly type: 'reasoning';
  readonly id: string;
  readonly encryptedContent: string;
  readonly summary: readonly string[];
}

/**
 * Reasoning a provider gives back opaque, for the same provider to read in a later turn: Anthropic's thinking
 * blocks, or OpenAI's encrypted reasoning items. A provider only ever writes blocks of its own kind.
 */
export type SignedReasoningBlock = AnthropicThinkingBlock | OpenAIReasoningItem;

/**
 * An answer's signed reasoning blocks, in the order the provider gave them, and the id of the provider that
 * signed them: they go back to that provider only.
 */
export type SignedReasoning = ProviderBlocks<SignedReasoningBlock>;

export interface ToolMessage {
  readonly role: 'tool';
  /** The id of the tool call this message answers. */
  readonly toolCallId: string;
  /** The tool's name; Gemini needs it to pair the answer with its call. */
  readonly toolName?: string;
  readonly content: string;
  /**
   * Images the tool returned (a screenshot, a chart), after its text. Anthropic takes them inside the tool
   * result; OpenAI-wire providers, whose tool messages carry text only, get them in a user message right
   * after the call's answers; Gemini in a user turn after its function responses. Only models that take
   * image input are asked, as for a user's images.
   */
  readonly images?: readonly ImageInput[];
  /**
   * A prompt-cache breakpoint at the end of this message: a provider that caches only where it is told
   * (Anthropic) caches the prompt up to here; the others cache by themselves and ignore it.
   */
  readonly cacheBreakpoint?: CacheBreakpoint;
}

export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

/**
 * An image, as a URL: `https://...` (the provider fetches it; Gemini cannot, so such a call skips it) or a
 * `data:image/png;base64,...` URL carrying the bytes.
 */
export interface ImageInput {
  readonly url: string;
}

export interface ToolCall {
  readonly id: string;
  readonly name: string;
  /** The arguments as JSON text, exactly as the model produced them. */
  readonly arguments: string;
  /**
   * Gemini's signature of the reasoning behind this call (`thoughtSignature`): opaque, to be sent back
   * unchanged with the call in the next turn. Gemini 3 refuses a replayed call without one; every other
   * provider ignores it.
   */
  readonly thoughtSignature?: string;
}

/** A JSON Schema object. Kept opaque: we pass it through to each provider. */
export type JsonSchema = { readonly [key: string]: unknown };

export interface ToolDefinition {
  readonly name: string;
  readonly description?: string;
  readonly parameters: JsonSchema;
  /**
   * Hold the model's arguments to `parameters` exactly (OpenAI's strict mode, which then wants every property
   * required and `additionalProperties: false`). Sent to OpenAI-wire providers when set; Anthropic and Gemini
   * have no such switch and are sent the schema alone.
   */
  readonly strict?: boolean;
  /** A prompt-cache breakpoint after the tool definitions up to this one (see `cacheBreakpoint` on messages). */
  readonly cacheBreakpoint?: CacheBreakpoint;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { readonly name: string };

/**
 * How hard a reasoning model thinks before it answers. Sent only to models the catalog marks `reasoning`:
 * OpenAI-wire models as `reasoning_effort`, Anthropic's as a thinking budget, Gemini's as a thinking level
 * when the catalog lists the model's `thinkingLevels` (Gemini 3 and later), else as a thinking budget (see
 * `reasoningBudgetTokens`); any other model answers as it always does.
 *
 * `'none'` asks for no thinking, OpenAI's word for it (`reasoning_effort: "none"`): a model that can be told not to
 * think is told so (Anthropic's `thinking: {type: "disabled"}`, `maxTokens` sent as it is); one that cannot is asked
 * the least thinking the catalog says it takes (Claude Sonnet 5.5 the effort `low`, a Gemini 3 model its lowest
 * `thinkingLevels`, an OpenAI-wire model its `leastReasoningEffort`), `maxTokens` grown by the room of `low`; any
 * other is asked nothing, as when no effort is given.
 */
export type ReasoningEffort = 'none' | 'low' | 'medium' | 'high';

/** Gemini's words for how hard to think (`thinkingConfig.thinkingLevel`, Gemini 3 and later), least first. */
export type ThinkingLevel = 'minimal' | 'low' | 'medium' | 'high';

export type ResponseFormat =
  | { readonly type: 'text' }
  | { readonly type: 'json_object' }
  | { readonly type: 'json_schema'; readonly name?: string; readonly schema: JsonSchema; readonly strict?: boolean };

/** What one provider is asked: the model is already chosen. */
export interface ChatRequest {
  readonly model: string;
  readonly messages: readonly Message[];
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly topP?: number;
  /** See `CompleteOptions.seed`. */
  readonly seed?: number;
  readonly presencePenalty?: number;
  readonly frequencyPenalty?: number;
  readonly stop?: readonly string[];
  readonly tools?: readonly ToolDefinition[];
  readonly toolChoice?: ToolChoice;
  /** See `CompleteOptions.parallelToolCalls`. */
  readonly parallelToolCalls?: boolean;
  readonly responseFormat?: ResponseFormat;
  /** See `CompleteOptions.reasoningEffort`. */
  readonly reasoningEffort?: ReasoningEffort;
  /** See `CompleteOptions.serverTools`: sent only by the provider they name. */
  readonly serverTools?: ServerTools;
}

export interface Usage {
  /** Every input token, those read from or written to a prompt cache included. */
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly totalTokens: number;
  /** Of `inputTokens`, those read from the provider's prompt cache (billed at its cache price); absent when none. */
  readonly cachedInputTokens?: number;
  /** Of `inputTokens`, those written to the prompt cache (Anthropic bills them above the input price); absent when none. */
  readonly cacheWriteInputTokens?: number;
  /** Of `cacheWriteInputTokens`, those written for an hour (`ttl: '1h'`), billed higher still; absent when none. */
  readonly cacheWrite1hInputTokens?: number;
  /** Of `outputTokens`, those the model spent reasoning (billed as output); absent when the provider does not say. */
  readonly reasoningTokens?: number;
  /** Web searches a server tool ran for the answer (Anthropic bills each beside the tokens); absent when none was reported. */
  readonly webSearchRequests?: number;
  /** Pages a server tool fetched for the answer (Anthropic's web fetch, billed as tokens only); absent when none was reported. */
  readonly webFetchRequests?: number;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error' | 'other';

/** What one provider answered, in our terms. */
export interface ChatResponse {
  readonly content: string;
  /**
   * The reasoning the model showed before its answer (`reasoning` or `reasoning_content` on the OpenAI
   * wire, Anthropic's thinking blocks); absent when it showed none.
   */
  readonly reasoning?: string;
  /**
   * Anthropic's thinking blocks with their signatures, or OpenAI's encrypted reasoning items, to pass back in the
   * history (see `AssistantMessage.signedReasoning`).
   */
  readonly signedReasoning?: SignedReasoning;
  /** The server tools' calls and results, to pass back in the history (see `AssistantMessage.serverToolBlocks`). */
  readonly serverToolBlocks?: ServerToolBlocks;
  readonly toolCalls: readonly ToolCall[];
  readonly finishReason: FinishReason;
  /** Which of the request's `stop` sequences ended the answer, when the provider says (Anthropic does). */
  readonly stopSequence?: string;
  /**
   * The provider's own word for the stop when `finishReason` is `other` and the provider said one (Anthropic's
   * `pause_turn`: it paused a long run of server tools, and the turn goes back to it as it is to go on); absent
   * otherwise. Set by the Anthropic provider.
   */
  readonly providerFinishReason?: string;
  readonly usage?: Usage;
  /** The model id the provider reports having used. */
  readonly model: string;
  /** The provider's id for this request (header or body), for support tickets. */
  readonly requestId?: string;
  /** The provider's id of this answer, from its body (`chatcmpl-…`, Anthropic's `msg_…`, Gemini's `responseId`). */
  readonly responseId?: string;
}

/** One piece of a streamed answer, the same for every protocol. */
export type StreamChunk =
  | { readonly type: 'text-delta'; readonly text: string }
  /**
   * A piece of the reasoning shown before the answer (see `ChatResponse.reasoning`). `signedBy`, when set, names
   * the provider that signs the thinking block this text belongs to (Anthropic's): the block whole follows as a
   * `signed-reasoning-block` chunk once its signature has come, so a client can be shown the block as it is thought.
   * `summaryOf`, with `signedBy`, names OpenAI's reasoning item whose summary this text is and the summary part;
   * `separated` when `text` starts with the blank line that joins it to the reasoning before (not OpenAI's text).
   */
  | {
      readonly type: 'reasoning-delta';
      readonly text: string;
      readonly signedBy?: string;
      readonly summaryOf?: { readonly itemId: string; readonly summaryIndex: number; readonly separated: boolean };
    }
  /**
   * A whole signed thinking block, once its signature has come (after its text, streamed as reasoning deltas);
   * `provider` signed it (see `ChatResponse.signedReasoning`).
   */
  | { readonly type: 'signed-reasoning-block'; readonly provider: string; readonly block: SignedReasoningBlock }
  /**
   * A whole block of server tool use (a call once its input has come, a result), where it stands among the text
   * deltas; `provider` ran it (see `ChatResponse.serverToolBlocks`).
   */
  | { readonly type: 'server-tool-block'; readonly provider: string; readonly block: ProviderJsonObject }
  | {
      readonly type: 'tool-call-delta';
      /** Position of the call in the answer; deltas with the same index belong together. */
      readonly index: number;
      readonly id?: string;
      readonly name?: string;
      readonly argumentsDelta: string;
      /** Gemini's `thoughtSignature` of this call (see `ToolCall`). */
      readonly thoughtSignature?: string;
    }
  /**
   * The usage so far: a later one replaces it. Most providers tell it at the end; Anthropic tells the input's
   * count first, before any content, and the whole at the end.
   */
  | { readonly type: 'usage'; readonly usage: Usage }
  /** `providerFinishReason`: as on `ChatResponse`, the provider's word for a stop that is `other` to us. */
  | { readonly type: 'finish'; readonly finishReason: FinishReason; readonly stopSequence?: string; readonly providerFinishReason?: string };

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

export interface EmbeddingUsage {
  readonly inputTokens: number;
}

/** Quality and speed tier: 1 fast and cheap, 2 balanced, 3 best quality. */
export type Tier = 1 | 2 | 3;

/** Wire protocols we speak, one folder under `src/providers/` each; `custom` is a provider that is not HTTP (an AI SDK model). */
export type WireProtocolId = 'openai-compatible' | 'anthropic' | 'gemini' | 'custom';

/** A readonly shape made writable, for building an object field by field (cheaper than conditional spreads). */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
