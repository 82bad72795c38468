/**
 * The parts of the Anthropic Messages API we send and read, as they appear on the wire.
 * Types only. Bodies we read are `unknown` until checked; these describe what we write.
 */
import type { JsonSchema, ProviderJsonObject } from '../../types.js';
import type { ServerToolWireBlock } from '../../server-tool-blocks.js';
import type { AnthropicEffortName } from '../../reasoning-effort.js';

/** A prompt-cache breakpoint: Anthropic caches the prompt up to the block (or tool) that carries it. */
export interface AnthropicCacheControl {
  readonly type: 'ephemeral';
  /** Default five minutes. */
  readonly ttl?: '5m' | '1h';
}

export interface AnthropicTextBlock {
  readonly type: 'text';
  readonly text: string;
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicToolUseBlock {
  readonly type: 'tool_use';
  readonly id: string;
  readonly name: string;
  /** The arguments as an object: Anthropic refuses a string here. */
  readonly input: { readonly [key: string]: unknown };
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicToolResultBlock {
  readonly type: 'tool_result';
  readonly tool_use_id: string;
  /** Text, or text and image blocks when the tool returned images. */
  readonly content: string | readonly (AnthropicTextBlock | AnthropicImageBlock)[];
  cache_control?: AnthropicCacheControl;
}

/** An image: its bytes (from a data URL) or a URL Anthropic fetches. */
export interface AnthropicImageBlock {
  readonly type: 'image';
  readonly source:
    | { readonly type: 'base64'; readonly media_type: string; readonly data: string }
    | { readonly type: 'url'; readonly url: string };
  cache_control?: AnthropicCacheControl;
}

/**
 * Claude's thinking as Anthropic answered it, sent back unchanged and first in its assistant turn: Anthropic checks
 * the signature (or decrypts the redacted `data`). Such blocks take no cache breakpoint.
 */
export type AnthropicThinkingBlock =
  | { readonly type: 'thinking'; readonly thinking: string; readonly signature: string; cache_control?: never }
  | { readonly type: 'redacted_thinking'; readonly data: string; cache_control?: never };

/**
 * A server tool's call (`server_tool_use`) or result (`web_search_tool_result`...) as Anthropic answered it, sent back
 * unchanged where it stood in its turn. A copy of the caller's block: a cache breakpoint may be set on it.
 */
export type AnthropicServerToolBlock = ServerToolWireBlock & { cache_control?: AnthropicCacheControl };

export type AnthropicUserBlock = AnthropicTextBlock | AnthropicImageBlock | AnthropicToolResultBlock;
export type AnthropicAssistantBlock = AnthropicThinkingBlock | AnthropicTextBlock | AnthropicToolUseBlock | AnthropicServerToolBlock;

export type AnthropicMessage =
  | { readonly role: 'user'; readonly content: string | readonly AnthropicUserBlock[] }
  | { readonly role: 'assistant'; readonly content: string | readonly AnthropicAssistantBlock[] };

export interface AnthropicTool {
  readonly name: string;
  readonly description?: string;
  readonly input_schema: { readonly [key: string]: unknown };
  cache_control?: AnthropicCacheControl;
}

/** `disable_parallel_tool_use`: at most one tool_use block in the answer (not on `none`). */
export type AnthropicToolChoice =
  | { readonly type: 'auto'; readonly disable_parallel_tool_use?: boolean }
  | { readonly type: 'any'; readonly disable_parallel_tool_use?: boolean }
  | { readonly type: 'none' }
  | { readonly type: 'tool'; readonly name: string; readonly disable_parallel_tool_use?: boolean };

export interface AnthropicMessagesRequestBody {
  readonly model: string;
  readonly max_tokens: number;
  readonly messages: readonly AnthropicMessage[];
  /** A string, or text blocks when a breakpoint marks one of them. */
  readonly system?: string | readonly AnthropicTextBlock[];
  readonly temperature?: number;
  readonly top_p?: number;
  readonly stop_sequences?: readonly string[];
  /** The caller's tools, then the server tools (`web_search_20250305`...) as the caller gave them. */
  readonly tools?: readonly (AnthropicTool | ProviderJsonObject)[];
  readonly tool_choice?: AnthropicToolChoice;
  /**
   * Extended thinking: the model may think up to `budget_tokens`, counted within `max_tokens`. Or adaptive thinking
   * (Claude 4.6 and later; the only kind Haiku 5.5 and Sonnet 5.5 take): the model decides how much, by
   * `output_config.effort`; `display: 'summarized'` asks for the thinking's summary, which newer models omit by default
   * (their thinking blocks then come with an empty `thinking`, signed all the same).
   */
  readonly thinking?:
    | { readonly type: 'enabled'; readonly budget_tokens: number }
    | { readonly type: 'adaptive'; readonly display?: 'summarized' | 'omitted' }
    | { readonly type: 'disabled' };
  /**
   * How hard an adaptive thinker works (its default: medium on Haiku 5.5, high on Sonnet 5.5), and the structured
   * output the answer's text must match (see anthropic-output-format.ts).
   */
  readonly output_config?: { readonly effort?: AnthropicEffortName; readonly format?: AnthropicOutputFormat };
  readonly stream: boolean;
}

/** Structured output: the answer's text is JSON matching the schema (https://platform.claude.com/docs/en/build-with-claude/structured-outputs). */
export interface AnthropicOutputFormat {
  readonly type: 'json_schema';
  readonly schema: JsonSchema;
}
