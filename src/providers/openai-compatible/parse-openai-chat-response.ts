import { ProviderError } from '../../errors.js';
import type { ChatResponse, Mutable, ToolCall, Usage } from '../../types.js';
import type { ParseResponseOptions } from '../wire-protocol.js';
import { asArray, asRecord, readString } from '../../json-value.js';
import { readTokenCount } from '../../token-count.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { toolCallIdOf } from '../generated-tool-call-id.js';
import { toolArgumentsText } from '../../tool-arguments-text.js';
import { errorInsideSuccess, readOpenAIErrorDetails } from './openai-compatible-error.js';
import { readOpenAIContentParts } from './read-openai-content-parts.js';

/** A 200 chat completion in our terms. A 200 that carries an error or no choice is a ProviderError. */
export function parseOpenAIChatResponse(body: unknown, options: ParseResponseOptions): ChatResponse {
  const record = asRecord(body);
  const choice = asRecord(asArray(record?.choices)?.[0]);
  if (record === undefined || choice === undefined) throw malformedResponse(body, options);
  const message = asRecord(choice.message) ?? {};
  const toolCalls = parseToolCalls(message.tool_calls);
  const rawContent = message.content;
  // A string, as OpenAI sends it; or a list of text and thinking parts, as Mistral's reasoning models do.
  const parts = typeof rawContent === 'string' ? undefined : asArray(rawContent);
  const contentParts = parts === undefined ? undefined : readOpenAIContentParts(parts);
  const response: Mutable<ChatResponse> = {
    content: typeof rawContent === 'string' ? rawContent : (contentParts?.text ?? ''),
    toolCalls,
    finishReason: mapOpenAIFinishReason(choice.finish_reason, toolCalls.length > 0),
    model: readString(record.model) ?? '',
  };
  // Optional fields by assignment: conditional spreads cost more than the rest of this parse.
  let reasoning = readReasoning(message);
  if (contentParts !== undefined && contentParts.reasoning !== '') reasoning = (reasoning ?? '') + contentParts.reasoning;
  if (reasoning !== undefined && reasoning !== '') response.reasoning = reasoning;
  const usage = parseOpenAIUsage(record.usage);
  if (usage !== undefined) response.usage = usage;
  const responseId = readString(record.id);
  const requestId = options.headers.get('x-request-id') ?? responseId;
  if (requestId !== undefined) response.requestId = requestId;
  if (responseId !== undefined) response.responseId = responseId;
  return response;
}

/** `usage` with prompt and completion tokens, as OpenAI and its vendors report it. */
export function parseOpenAIUsage(value: unknown): Usage | undefined {
  const usage = asRecord(value);
  if (usage === undefined) return undefined;
  const inputTokens = readTokenCount(usage.prompt_tokens);
  const outputTokens = readTokenCount(usage.completion_tokens);
  if (inputTokens === undefined || outputTokens === undefined) return undefined;
  const parsed: Mutable<Usage> = { inputTokens, outputTokens, totalTokens: readTokenCount(usage.total_tokens) ?? inputTokens + outputTokens };
  // Of the prompt tokens, those OpenAI (and vendors that follow it) served from its prompt cache.
  const details = asRecord(usage.prompt_tokens_details);
  const cached = details === undefined ? undefined : readTokenCount(details.cached_tokens);
  if (cached !== undefined && cached > 0) parsed.cachedInputTokens = cached;
  // Of the completion tokens, those spent reasoning (OpenAI's reasoning models, and vendors that follow it).
  const outputDetails = asRecord(usage.completion_tokens_details);
  const reasoningTokens = outputDetails === undefined ? undefined : readTokenCount(outputDetails.reasoning_tokens);
  if (reasoningTokens !== undefined && reasoningTokens > 0) parsed.reasoningTokens = reasoningTokens;
  return parsed;
}

/**
 * The reasoning shown beside a message or a delta: `reasoning` (Groq, OpenRouter, vLLM) or `reasoning_content`
 * (DeepSeek, Moonshot's thinking models, older vLLM).
 */
export function readReasoning(message: Record<string, unknown> | undefined): string | undefined {
  if (message === undefined) return undefined;
  const reasoning = readString(message.reasoning);
  return reasoning !== undefined && reasoning !== '' ? reasoning : readString(message.reasoning_content);
}

function parseToolCalls(value: unknown): ToolCall[] {
  const calls = asArray(value) ?? [];
  const result: ToolCall[] = [];
  calls.forEach((entry) => {
    const call = asRecord(entry);
    const fn = asRecord(call?.function);
    const name = readString(fn?.name);
    if (call === undefined || fn === undefined || name === undefined) return;
    result.push({
      id: toolCallIdOf(call.id),
      name,
      // Arguments as an object (or array), not text (TGI, llama-server with --tool-args-object), are its JSON text.
      arguments: toolArgumentsText(fn.arguments) ?? otherArgumentsText(fn.arguments),
    });
  });
  return result;
}

/** Arguments of no type a server means them as (a number, a boolean, null, none): the number or boolean, else `{}`. */
function otherArgumentsText(value: unknown): string {
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '{}';
}

function malformedResponse(body: unknown, options: ParseResponseOptions): ProviderError {
  const details = readOpenAIErrorDetails(body);
  if (details !== undefined && asRecord(body)?.choices === undefined) return errorInsideSuccess(details, options.providerId);
  return new ProviderError({
    provider: options.providerId,
    reason: 'server_error',
    statusCode: 200,
    message: 'HTTP 200 without a choice in the body',
  });
}
