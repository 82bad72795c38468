import { ProviderError } from '../../errors.js';
import type { ChatResponse, Mutable, ServerToolBlock, SignedReasoningBlock, ToolCall, Usage } from '../../types.js';
import { readSignedReasoningBlock } from '../../signed-reasoning.js';
import { isCitedTextWireBlock, isServerToolWireBlock } from '../../server-tool-blocks.js';
import { toolCallIdOf } from '../generated-tool-call-id.js';
import type { ParseResponseOptions } from '../wire-protocol.js';
import { classifyAnthropicError, readAnthropicErrorPayload } from './anthropic-error.js';
import { anthropicOwnFinishReason, mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';
import { isRecord, readString, type JsonRecord } from '../../json-value.js';
import { readTokenCount } from '../../token-count.js';

/**
 * Our result from an Anthropic 200 body: text blocks joined, tool_use blocks as tool calls with their
 * input as JSON text, thinking blocks' text as the reasoning. The thinking blocks themselves, signed, and
 * redacted thinking, are kept whole as `signedReasoning`, signed by this provider: Anthropic needs them back
 * unchanged to think in a conversation that called tools. Server tool blocks (a web search's `server_tool_use` and
 * `web_search_tool_result`) are kept whole too, each with where it stood in the text, as `serverToolBlocks`, and so
 * is a text block with `citations` (its text in `content` too). Throws a ProviderError for a body that is not a message.
 */
export function parseAnthropicResponse(body: unknown, options: ParseResponseOptions): ChatResponse {
  if (!isRecord(body) || !Array.isArray(body['content'])) throw unexpectedBody(body, options.providerId);

  let content = '';
  let reasoning = '';
  const toolCalls: ToolCall[] = [];
  const signedBlocks: SignedReasoningBlock[] = [];
  const serverToolBlocks: ServerToolBlock[] = [];
  for (const block of body['content']) {
    if (!isRecord(block)) continue;
    if (isServerToolWireBlock(block) || isCitedTextWireBlock(block)) serverToolBlocks.push({ textOffset: content.length, block });
    if (block['type'] === 'text') content += readString(block['text']) ?? '';
    if (block['type'] === 'thinking') reasoning += readString(block['thinking']) ?? '';
    const signed = readSignedReasoningBlock(block);
    if (signed !== undefined) signedBlocks.push(signed);
    if (block['type'] === 'tool_use') {
      toolCalls.push({
        // Anthropic names every call; made up unique otherwise, as for the providers that name none.
        id: toolCallIdOf(block['id']),
        name: readString(block['name']) ?? '',
        arguments: JSON.stringify(block['input'] ?? {}),
      });
    }
  }

  const usage = readAnthropicUsage(body['usage']);
  const responseId = readString(body['id']);
  const requestId = options.headers.get('request-id') ?? responseId;
  const response: Mutable<ChatResponse> = {
    content,
    toolCalls,
    finishReason: mapAnthropicFinishReason(readString(body['stop_reason'])),
    model: readString(body['model']) ?? '',
  };
  const ownFinishReason = anthropicOwnFinishReason(readString(body['stop_reason']));
  if (ownFinishReason !== undefined) response.providerFinishReason = ownFinishReason;
  if (reasoning !== '') response.reasoning = reasoning;
  if (signedBlocks.length > 0) response.signedReasoning = { provider: options.providerId, blocks: signedBlocks };
  if (serverToolBlocks.length > 0) response.serverToolBlocks = { provider: options.providerId, blocks: serverToolBlocks };
  const stopSequence = readString(body['stop_sequence']);
  if (stopSequence !== undefined) response.stopSequence = stopSequence;
  if (usage !== undefined) response.usage = usage;
  if (requestId !== undefined) response.requestId = requestId;
  if (responseId !== undefined) response.responseId = responseId;
  return response;
}

/** The input side of a turn's usage: every input token, and of them those read from and written to the prompt cache. */
export type AnthropicInputUsage = Pick<Usage, 'inputTokens' | 'cachedInputTokens' | 'cacheWriteInputTokens' | 'cacheWrite1hInputTokens'>;

/** Anthropic counts `input_tokens` without the cache's: we count them all, and say how many came from or went to it. */
export function readAnthropicInput(usage: JsonRecord): AnthropicInputUsage | undefined {
  const uncached = readTokenCount(usage['input_tokens']);
  if (uncached === undefined) return undefined;
  const written = readTokenCount(usage['cache_creation_input_tokens']) ?? 0;
  const read = readTokenCount(usage['cache_read_input_tokens']) ?? 0;
  const input: Mutable<AnthropicInputUsage> = { inputTokens: uncached + written + read };
  if (read > 0) input.cachedInputTokens = read;
  if (written > 0) input.cacheWriteInputTokens = written;
  // `cache_creation` splits the writes by lifetime; an hour's are billed higher.
  const byLifetime = usage['cache_creation'];
  const writtenForAnHour = isRecord(byLifetime) ? (readTokenCount(byLifetime['ephemeral_1h_input_tokens']) ?? 0) : 0;
  if (writtenForAnHour > 0) input.cacheWrite1hInputTokens = writtenForAnHour;
  return input;
}

/** A whole usage from its input side and output tokens. */
export function anthropicUsage(input: AnthropicInputUsage, outputTokens: number): Usage {
  const usage: Mutable<Usage> = { inputTokens: input.inputTokens, outputTokens, totalTokens: input.inputTokens + outputTokens };
  if (input.cachedInputTokens !== undefined) usage.cachedInputTokens = input.cachedInputTokens;
  if (input.cacheWriteInputTokens !== undefined) usage.cacheWriteInputTokens = input.cacheWriteInputTokens;
  if (input.cacheWrite1hInputTokens !== undefined) usage.cacheWrite1hInputTokens = input.cacheWrite1hInputTokens;
  return usage;
}

/**
 * The usage with the server tools' requests when the wire's usage counts any (`server_tool_use`: web searches, which
 * Anthropic bills apart from the tokens, and page fetches); as it is otherwise.
 */
export function withServerToolRequests(usage: Usage, wireUsage: JsonRecord): Usage {
  const serverToolUse = wireUsage['server_tool_use'];
  if (!isRecord(serverToolUse)) return usage;
  const searches = readTokenCount(serverToolUse['web_search_requests']) ?? 0;
  const fetches = readTokenCount(serverToolUse['web_fetch_requests']) ?? 0;
  if (searches === 0 && fetches === 0) return usage;
  const counted: Mutable<Usage> = { ...usage };
  if (searches > 0) counted.webSearchRequests = searches;
  if (fetches > 0) counted.webFetchRequests = fetches;
  return counted;
}

function readAnthropicUsage(usage: unknown): Usage | undefined {
  if (!isRecord(usage)) return undefined;
  const input = readAnthropicInput(usage);
  const outputTokens = readTokenCount(usage['output_tokens']);
  if (input === undefined || outputTokens === undefined) return undefined;
  return withServerToolRequests(anthropicUsage(input, outputTokens), usage);
}

function unexpectedBody(body: unknown, providerId: string): ProviderError {
  const details = readAnthropicErrorPayload(body);
  if (details !== undefined) {
    const message = details.message ?? 'error without a message';
    return new ProviderError({
      provider: providerId,
      reason: classifyAnthropicError({ errorType: details.errorType, message, statusCode: undefined }),
      message,
      ...(details.requestId === undefined ? {} : { requestId: details.requestId }),
      ...(details.errorType === undefined ? {} : { providerCode: details.errorType }),
    });
  }
  return new ProviderError({
    provider: providerId,
    reason: 'server_error',
    message: 'the response body is not an Anthropic message (no content array)',
  });
}
