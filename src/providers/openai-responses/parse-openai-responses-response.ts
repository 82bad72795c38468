import { ProviderError } from '../../errors.js';
import { asArray, asRecord, readString, type JsonRecord } from '../../json-value.js';
import { toolArgumentsText } from '../../tool-arguments-text.js';
import type { ChatResponse, Mutable, OpenAIReasoningItem, ToolCall } from '../../types.js';
import { toolCallIdOf } from '../generated-tool-call-id.js';
import { errorInsideSuccess, readOpenAIErrorDetails } from '../openai-compatible/openai-compatible-error.js';
import type { ParseResponseOptions } from '../wire-protocol.js';
import { mapOpenAIResponsesFinishReason } from './map-openai-responses-finish-reason.js';
import { streamedResponseError } from './openai-responses-error.js';
import { parseOpenAIResponsesUsage } from './parse-openai-responses-usage.js';
import { readOpenAIReasoningItem, summaryTexts } from './read-openai-reasoning-item.js';

/**
 * A 200 Responses answer in our terms, read from its `output` items in order: a `message`'s `output_text` parts
 * are the text, each `function_call` (its `call_id`, `name`, `arguments`) a tool call, each `reasoning` item's
 * `summary` texts the reasoning shown (summaries joined by a blank line), and the item itself, when it carries its
 * encrypted content, kept to give back (`signedReasoning`, this provider's). A `failed` answer, or a body that is an
 * error, is a ProviderError; one that is neither a response nor an error is a server error.
 */
export function parseOpenAIResponsesResponse(body: unknown, options: ParseResponseOptions): ChatResponse {
  const record = asRecord(body);
  const output = asArray(record?.output);
  if (record === undefined || output === undefined) throw malformedResponse(body, options);
  if (record.status === 'failed') throw streamedResponseError({ type: 'response.failed', response: record }, options.providerId);
  const read = readOutputItems(output);
  const response: Mutable<ChatResponse> = {
    content: read.text,
    toolCalls: read.toolCalls,
    finishReason: mapOpenAIResponsesFinishReason({
      status: record.status,
      incompleteReason: asRecord(record.incomplete_details)?.reason,
      hasToolCalls: read.toolCalls.length > 0,
    }),
    model: readString(record.model) ?? '',
  };
  if (read.reasoning !== '') response.reasoning = read.reasoning;
  if (read.reasoningItems.length > 0) response.signedReasoning = { provider: options.providerId, blocks: read.reasoningItems };
  const usage = parseOpenAIResponsesUsage(record.usage);
  if (usage !== undefined) response.usage = usage;
  const responseId = readString(record.id);
  const requestId = options.headers.get('x-request-id') ?? responseId;
  if (requestId !== undefined) response.requestId = requestId;
  if (responseId !== undefined) response.responseId = responseId;
  return response;
}

interface OutputRead {
  readonly text: string;
  readonly reasoning: string;
  readonly toolCalls: ToolCall[];
  readonly reasoningItems: OpenAIReasoningItem[];
}

function readOutputItems(output: readonly unknown[]): OutputRead {
  let text = '';
  const summaries: string[] = [];
  const toolCalls: ToolCall[] = [];
  const reasoningItems: OpenAIReasoningItem[] = [];
  for (const entry of output) {
    const item = asRecord(entry);
    if (item === undefined) continue;
    if (item.type === 'message') text += outputText(item);
    else if (item.type === 'reasoning') {
      summaries.push(...summaryTexts(item));
      const kept = readOpenAIReasoningItem(item);
      if (kept !== undefined) reasoningItems.push(kept);
    }
    else if (item.type === 'function_call') {
      const name = readString(item.name);
      if (name !== undefined) toolCalls.push({ id: toolCallIdOf(item.call_id), name, arguments: toolArgumentsText(item.arguments) ?? '{}' });
    }
  }
  return { text, reasoning: summaries.join('\n\n'), toolCalls, reasoningItems };
}

function outputText(message: JsonRecord): string {
  let text = '';
  for (const part of asArray(message.content) ?? []) {
    const record = asRecord(part);
    if (record?.type === 'output_text') text += readString(record.text) ?? '';
  }
  return text;
}

function malformedResponse(body: unknown, options: ParseResponseOptions): ProviderError {
  const details = readOpenAIErrorDetails(body);
  if (details !== undefined) return errorInsideSuccess(details, options.providerId);
  return new ProviderError({
    provider: options.providerId,
    reason: 'server_error',
    statusCode: 200,
    message: 'HTTP 200 without an output in the body',
  });
}
