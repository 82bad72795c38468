/**
 * The contract every wire protocol folder implements (openai-compatible/, openai-responses/, anthropic/, gemini/).
 * Everything here is pure: no I/O, no clock except the `nowMs` passed in, no process.env.
 */
import type { AnthropicThinking, ChatCompletionsTools, DisabledThinking, ForcedToolChoice, LeastReasoningEffort, StructuredOutput } from '../catalog.js';
import type { ProviderError } from '../errors.js';
import type { HttpRequestSpec, ResponseHeaders, SseEvent } from '../http/types.js';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, StreamChunk, ThinkingLevel, WireProtocolId } from '../types.js';

export interface EndpointConfig {
  /** Our id of the provider (`groq`, `openai`, ...), for error messages. */
  readonly providerId: string;
  /** Base URL from configuration only, never from a request. No trailing slash. */
  readonly baseUrl: string;
  /** Empty string when the endpoint takes no key. */
  readonly apiKey: string;
}

const urlsByEndpoint = new WeakMap<EndpointConfig, Map<string, string>>();

/**
 * `baseUrl` + `path`, joined once per endpoint and path. Every call then sends the same string, which the
 * HTTP client's lookup by URL hashes once; a URL built per call is a new string to flatten and hash each time.
 */
export function endpointUrl(endpoint: EndpointConfig, path: string): string {
  let urls = urlsByEndpoint.get(endpoint);
  if (urls === undefined) {
    urls = new Map();
    urlsByEndpoint.set(endpoint, urls);
  }
  let url = urls.get(path);
  if (url === undefined) {
    url = `${endpoint.baseUrl}${path}`;
    urls.set(path, url);
  }
  return url;
}

export interface BuildChatRequestOptions {
  readonly endpoint: EndpointConfig;
  readonly stream: boolean;
  /**
   * The model reasons (`reasoning` in the catalog): OpenAI-wire ones take `max_completion_tokens` and no
   * temperature; with a `reasoningEffort`, each protocol asks it to think that hard.
   */
  readonly reasoningModel?: boolean;
  /** The most tokens the model can write, when the catalog knows it: a thinking budget is kept within it. */
  readonly maxOutputTokens?: number;
  /** Gemini wire: the model thinks by level and takes these (`ModelInfo.thinkingLevels`); it is sent no budget. */
  readonly thinkingLevels?: readonly ThinkingLevel[];
  /** OpenAI wire: send each assistant tool-call message `reasoning_content` (see `ProviderDefinition.toolCallsNeedReasoningContent`). */
  readonly toolCallsNeedReasoningContent?: boolean;
  /** Responses wire: a reasoning model is asked its reasoning summary (see `ProviderDefinition.reasoningSummaries`). */
  readonly reasoningSummaries?: boolean;
  /** OpenAI wire: how the model takes function tools (see `ModelInfo.chatCompletionsTools`). */
  readonly chatCompletionsTools?: ChatCompletionsTools;
  /** Anthropic wire: the model thinks adaptively, by an effort, and takes no budget (see `ModelInfo.anthropicThinking`). */
  readonly anthropicThinking?: AnthropicThinking;
  /** Anthropic wire: the model refuses a forced tool choice (see `ModelInfo.forcedToolChoice`). */
  readonly forcedToolChoice?: ForcedToolChoice;
  /** Anthropic wire: the model's thinking cannot be turned off (see `ModelInfo.disabledThinking`). */
  readonly disabledThinking?: DisabledThinking;
  /** OpenAI wire: the least effort the model takes, for a call asking none (see `ModelInfo.leastReasoningEffort`). */
  readonly leastReasoningEffort?: LeastReasoningEffort;
  /** Anthropic wire: the model refuses structured output (see `ModelInfo.structuredOutput`). */
  readonly structuredOutput?: StructuredOutput;
}

export interface ParseErrorOptions {
  readonly providerId: string;
  readonly statusCode: number;
  readonly headers: ResponseHeaders;
  /** The raw body text; may be empty, HTML, or JSON. */
  readonly bodyText: string;
  readonly nowMs: number;
}

export interface ParseResponseOptions {
  readonly providerId: string;
  readonly headers: ResponseHeaders;
}

/** Decodes one stream, event by event. Stateful: make one per stream. */
export interface StreamDecoder {
  /**
   * The chunks one event carries (often none: pings, role-only deltas). Throws a ProviderError for an
   * error event inside a 200 stream.
   */
  decode(event: SseEvent): StreamChunk[];
  /** True once the protocol's end marker has been seen (`[DONE]`, `message_stop`, a Gemini finishReason). */
  readonly done: boolean;
  /** The provider's id of the answer (the completion's `id`, Anthropic's message id, Gemini's `responseId`), once an event named it. */
  readonly responseId: string | undefined;
}

/**
 * Every wire we speak: a provider's protocol, or `openai-responses`, OpenAI's Responses API, which is no provider's
 * protocol but the wire of the models an OpenAI-wire provider marks `openAIWire: 'responses'`.
 */
export type WireProtocolName = Exclude<WireProtocolId, 'custom'> | 'openai-responses';

export interface ParseEmbeddingsOptions extends ParseResponseOptions {
  /** How many inputs were sent: an answer with another count of vectors is a failure, not a result. */
  readonly inputCount: number;
  /** The model asked: the answer's model when the answer names none (Gemini's never does). */
  readonly model: string;
}

export interface WireProtocol {
  readonly id: WireProtocolName;
  buildChatRequest(request: ChatRequest, options: BuildChatRequestOptions): HttpRequestSpec;
  /**
   * Our result from a parsed 200 body. Throws a ProviderError when a 200 is a failure in disguise
   * (a Gemini prompt blocked by its safety filter is `content_filter`).
   */
  parseChatResponse(body: unknown, options: ParseResponseOptions): ChatResponse;
  /** A typed error from a non-2xx response (or an error body served as a stream). Never throws. */
  parseError(options: ParseErrorOptions): ProviderError;
  createStreamDecoder(options: ParseResponseOptions): StreamDecoder;
  /** The cheapest request that proves a key and endpoint work: the models list. */
  buildModelsListRequest(endpoint: EndpointConfig): HttpRequestSpec;
  /** The embeddings request, for a protocol that has embeddings (absent: its providers serve none). */
  readonly buildEmbeddingsRequest?: (request: EmbeddingRequest, endpoint: EndpointConfig) => HttpRequestSpec;
  /** Our vectors from a parsed 200 body; throws a ProviderError when the 200 holds no usable answer. */
  readonly parseEmbeddingsResponse?: (body: unknown, options: ParseEmbeddingsOptions) => EmbeddingResponse;
  /**
   * The most inputs one embeddings request may carry, for a wire that takes fewer than a call may hold (Gemini's
   * 100): a call with more is sent as consecutive requests of at most this many. Absent: one request a call.
   */
  readonly maxEmbeddingInputsPerRequest?: number;
}
