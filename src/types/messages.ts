/**
 * Messages: a conversation's turns as every provider is sent them, with their images, tool calls and prompt-cache
 * breakpoints. Types only.
 */

import type { ServerToolBlocks, SignedReasoning } from './provider-blocks.js';

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
