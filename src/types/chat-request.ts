/**
 * What one provider is asked: the messages, and the tools, sampling, output format and reasoning effort around them. Types only.
 */

import type { CacheBreakpoint, Message } from './messages.js';
import type { ServerTools } from './provider-blocks.js';

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
