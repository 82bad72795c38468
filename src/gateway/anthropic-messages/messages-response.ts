/**
 * Our results in Anthropic's Messages shapes: a CompletionResult as a `message` (Anthropic's signed thinking blocks
 * first, see client-signed-reasoning.ts, or OpenAI's reasoning items as thinking blocks, see messages-reasoning-items.ts,
 * and its server tool blocks where they stood in the text, see messages-server-tool-blocks.ts), a failure as
 * `{ type: 'error', error: { type, message } }` with the error type Anthropic gives each status. Pure.
 */
import type { CompletionResult } from '../../routing/router-options.js';
import type { Mutable, ToolCall, Usage } from '../../types.js';
import type { ErrorResponse } from '../error-response.js';
import type { AnswerContext } from '../gateway-dialect.js';
import { shownReasoningItems, shownThinkingBlocks } from '../client-signed-reasoning.js';
import { wireSignedReasoningBlock } from '../../signed-reasoning.js';
import { textAndServerToolContent } from './messages-server-tool-blocks.js';
import { reasoningItemThinkingBlock } from './messages-reasoning-items.js';

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal' | 'pause_turn';

/**
 * Our finish reason as Anthropic's. A stop at one of the request's stop sequences is `stop_sequence` when
 * the provider said which (Anthropic does); OpenAI-wire providers and Gemini do not, so theirs is `end_turn`.
 * Anthropic's `pause_turn` (a long run of server tools paused) stays `pause_turn`, so the client sends the turn
 * back for Anthropic to go on rather than taking the unfinished answer as the end.
 */
export function toAnthropicStopReason(result: Pick<CompletionResult, 'finishReason' | 'stopSequence' | 'providerFinishReason'>): AnthropicStopReason {
  const reason = result.finishReason;
  if (reason === 'other' && result.providerFinishReason === 'pause_turn') return 'pause_turn';
  if (reason === 'stop' && result.stopSequence !== undefined) return 'stop_sequence';
  if (reason === 'length') return 'max_tokens';
  if (reason === 'tool_calls') return 'tool_use';
  if (reason === 'content_filter') return 'refusal';
  return 'end_turn';
}

export interface AnthropicUsage {
  /** Anthropic's count leaves out the tokens read from and written to the cache, which have their own. */
  readonly input_tokens: number;
  readonly cache_creation_input_tokens: number;
  readonly cache_read_input_tokens: number;
  /** The writes by lifetime: five minutes (the default) or an hour. */
  readonly cache_creation: { readonly ephemeral_5m_input_tokens: number; readonly ephemeral_1h_input_tokens: number };
  readonly output_tokens: number;
  /** The server tools' requests, when the provider counted any (Anthropic's web searches and fetches). */
  readonly server_tool_use?: { readonly web_search_requests: number; readonly web_fetch_requests: number };
}

export function toAnthropicUsage(usage: Usage | undefined): AnthropicUsage {
  const read = usage?.cachedInputTokens ?? 0;
  const written = usage?.cacheWriteInputTokens ?? 0;
  const writtenForAnHour = Math.min(written, usage?.cacheWrite1hInputTokens ?? 0);
  const anthropicUsage: Mutable<AnthropicUsage> = {
    input_tokens: Math.max(0, (usage?.inputTokens ?? 0) - read - written),
    cache_creation_input_tokens: written,
    cache_read_input_tokens: read,
    cache_creation: { ephemeral_5m_input_tokens: written - writtenForAnHour, ephemeral_1h_input_tokens: writtenForAnHour },
    output_tokens: usage?.outputTokens ?? 0,
  };
  if (usage?.webSearchRequests !== undefined || usage?.webFetchRequests !== undefined) {
    anthropicUsage.server_tool_use = { web_search_requests: usage.webSearchRequests ?? 0, web_fetch_requests: usage.webFetchRequests ?? 0 };
  }
  return anthropicUsage;
}

/**
 * A call's arguments as the object a `tool_use` block holds. Arguments a model produced that are not a
 * JSON object (rare: a truncated answer) are kept whole as `{ "arguments": text }`, never dropped.
 */
export function toolInputOf(call: Pick<ToolCall, 'arguments'>): Record<string, unknown> {
  if (call.arguments.trim() === '') return {};
  try {
    const input: unknown = JSON.parse(call.arguments);
    if (input !== null && typeof input === 'object' && !Array.isArray(input)) return input as Record<string, unknown>;
  } catch {
    // Not JSON: kept as text below.
  }
  return { arguments: call.arguments };
}

/**
 * `context.model` is the `model` the client sent, not the one that served it (that is in the `x-backup-models-provider`
 * and `-model` headers): Claude Code sends back an earlier answer's thinking blocks only when its `model` is the one it
 * asks now, and strips them all otherwise (musistudio/claude-code-router#1629, farion1231/cc-switch#5578).
 */
export function toAnthropicMessage(result: CompletionResult, context: AnswerContext & { readonly model: string }): Record<string, unknown> {
  const content: Record<string, unknown>[] = shownThinkingBlocks(result.signedReasoning).map(wireSignedReasoningBlock);
  for (const item of shownReasoningItems(result.signedReasoning)) content.push(reasoningItemThinkingBlock(item));
  content.push(...textAndServerToolContent(result.content, result.serverToolBlocks));
  for (const call of result.toolCalls) content.push({ type: 'tool_use', id: call.id, name: call.name, input: toolInputOf(call) });
  return {
    id: context.id,
    type: 'message',
    role: 'assistant',
    model: context.model,
    content,
    stop_reason: toAnthropicStopReason(result),
    stop_sequence: result.stopSequence ?? null,
    usage: toAnthropicUsage(result.usage),
  };
}

/** Anthropic's error type for each status it uses; ours that it has no name for are `api_error`. */
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
    case 415:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
    case 405:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return 'api_error';
  }
}

/**
 * A context too long for every candidate reads as Anthropic words it ("prompt is too long: ..."): clients
 * such as Claude Code recognise that phrase to compact the conversation and retry, whichever provider's
 * wording came back.
 */
export function toAnthropicErrorBody(error: ErrorResponse): { type: 'error'; error: { type: string; message: string } } {
  const { code, message } = error.body.error;
  const text = code === 'context_length_exceeded' && !message.startsWith('prompt is too long') ? `prompt is too long: ${message}` : message;
  return { type: 'error', error: { type: anthropicErrorType(error.status), message: text } };
}
