/**
 * Our results in the Responses API's shapes: a CompletionResult as a `response` object whose output is a
 * reasoning item when the model showed its reasoning (as `reasoning_text` content, the raw form OpenAI gives
 * open-weight models' reasoning; no summary), or one reasoning item per signed thinking block of Anthropic's (its
 * thinking as the summary, the block in `encrypted_content` when asked, encrypted-reasoning-content.ts), or OpenAI's
 * own reasoning items as it answered them (its id, summary and, when asked, encrypted content), a message
 * item (its text) and one `function_call` item per tool call. Pure. The request's parameters are echoed around
 * the output as OpenAI echoes them (responses-echo.ts).
 */
import type { CompletionResult } from '../../routing/router-options.js';
import type { AnthropicThinkingBlock, FinishReason, OpenAIReasoningItem, ToolCall, Usage } from '../../types.js';
import { clientSignedReasoning, shownReasoningItems, shownThinkingBlocks } from '../client-signed-reasoning.js';
import type { ErrorResponse } from '../error-response.js';
import type { AnswerContext, GatewayCall } from '../gateway-dialect.js';
import { servedModel } from '../openai-response.js';
import { encodeReasoningContent } from './encrypted-reasoning-content.js';
import { defaultResponsesEcho, type ResponsesEcho } from './responses-echo.js';

export type ResponseOutputItem = Record<string, unknown>;

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export function messageItem(id: string, text: string, status: ItemStatus): ResponseOutputItem {
  return {
    type: 'message',
    id,
    status,
    role: 'assistant',
    content: status === 'in_progress' ? [] : [outputTextPart(text)],
  };
}

/** The reasoning a model showed, whole: no summary (none was made) and no encrypted content (nothing to resume). */
export function reasoningItem(id: string, text: string, status: ItemStatus): ResponseOutputItem {
  return { type: 'reasoning', id, summary: [], content: status === 'in_progress' ? [] : [reasoningTextPart(text)], status };
}

export function reasoningTextPart(text: string): Record<string, unknown> {
  return { type: 'reasoning_text', text };
}

/**
 * A reasoning item in the shape OpenAI gives one asked for its summary and its encrypted content (vercel/ai,
 * packages/openai/src/responses/__fixtures__/openai-reasoning-encrypted-content.1.chunks.txt): `summary` its texts,
 * one part each, `encrypted_content` when `encrypted` (null while unsigned: in progress, or cut off before it came).
 */
export function summarizedReasoningItem(
  id: string,
  fields: { readonly summary: readonly string[]; readonly encryptedContent: string | null; readonly status: ItemStatus; readonly encrypted: boolean },
): ResponseOutputItem {
  const item: ResponseOutputItem = { type: 'reasoning', id, summary: fields.summary.filter((text) => text !== '').map(summaryTextPart) };
  if (fields.encrypted) item.encrypted_content = fields.encryptedContent;
  item.status = fields.status;
  return item;
}

/** An Anthropic thinking block as a reasoning item's encrypted content (encrypted-reasoning-content.ts); null for none. */
export function thinkingBlockContent(block: AnthropicThinkingBlock | undefined): string | null {
  const signed = block === undefined ? undefined : clientSignedReasoning([block]);
  return signed === undefined ? null : encodeReasoningContent(signed);
}

/** An Anthropic thinking block as a reasoning item: its thinking the summary (none for a redacted block). */
function thinkingBlockItem(id: string, block: AnthropicThinkingBlock, encrypted: boolean): ResponseOutputItem {
  const summary = block.type === 'thinking' ? [block.thinking] : [];
  return summarizedReasoningItem(id, { summary, encryptedContent: thinkingBlockContent(block), status: 'completed', encrypted });
}

/** OpenAI's reasoning item as OpenAI gave it: its own id, summary and encrypted content. */
export function openAIReasoningOutputItem(item: OpenAIReasoningItem, fields: { readonly status: ItemStatus; readonly encrypted: boolean }): ResponseOutputItem {
  return summarizedReasoningItem(item.id, { summary: item.summary, encryptedContent: item.encryptedContent, ...fields });
}

export function summaryTextPart(text: string): Record<string, unknown> {
  return { type: 'summary_text', text };
}

export function outputTextPart(text: string): Record<string, unknown> {
  return { type: 'output_text', text, annotations: [] };
}

export function functionCallItem(id: string, call: Pick<ToolCall, 'id' | 'name' | 'arguments'>, status: ItemStatus): ResponseOutputItem {
  return { type: 'function_call', id, call_id: call.id, name: call.name, arguments: call.arguments, status };
}

/** A free-form tool's call: the `input` string of the function it was given as (the arguments whole if they hold none). */
export function customToolCallItem(id: string, call: Pick<ToolCall, 'id' | 'name' | 'arguments'>, status: ItemStatus): ResponseOutputItem {
  return { type: 'custom_tool_call', id, call_id: call.id, name: call.name, input: freeformInputOf(call.arguments), status };
}

export function freeformInputOf(argumentsText: string): string {
  try {
    const parsed: unknown = JSON.parse(argumentsText);
    if (parsed !== null && typeof parsed === 'object' && typeof (parsed as { input?: unknown }).input === 'string') return (parsed as { input: string }).input;
  } catch {
    // Not JSON: the text itself.
  }
  return argumentsText;
}

export function responsesUsage(usage: Usage | undefined): Record<string, unknown> | null {
  if (usage === undefined) return null;
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.totalTokens,
  };
}

/** A cut-off answer is `incomplete`, saying why; every other finish is `completed`. */
export function responseStatus(finishReason: FinishReason): { status: 'completed' | 'incomplete'; incompleteDetails: { reason: string } | null } {
  if (finishReason === 'length') return { status: 'incomplete', incompleteDetails: { reason: 'max_output_tokens' } };
  if (finishReason === 'content_filter') return { status: 'incomplete', incompleteDetails: { reason: 'content_filter' } };
  return { status: 'completed', incompleteDetails: null };
}

/** The response object around its output, in the order and with the fields the API gives. */
export function responseObject(fields: {
  readonly id: string;
  readonly createdSeconds: number;
  readonly model: string;
  readonly status: string;
  readonly incompleteDetails: { reason: string } | null;
  readonly output: readonly ResponseOutputItem[];
  readonly usage: Record<string, unknown> | null;
  readonly error?: { code: string; message: string } | null;
  /** The request's parameters, echoed as the API does (its defaults when absent). */
  readonly echo: ResponsesEcho | undefined;
}): Record<string, unknown> {
  const echo = fields.echo ?? defaultResponsesEcho;
  return {
    id: fields.id,
    object: 'response',
    created_at: fields.createdSeconds,
    status: fields.status,
    error: fields.error ?? null,
    incomplete_details: fields.incompleteDetails,
    instructions: echo.instructions,
    max_output_tokens: echo.maxOutputTokens,
    model: fields.model,
    output: fields.output,
    parallel_tool_calls: echo.parallelToolCalls,
    previous_response_id: echo.previousResponseId,
    reasoning: echo.reasoning,
    store: echo.store,
    temperature: echo.temperature,
    text: echo.text,
    tool_choice: echo.toolChoice,
    tools: echo.tools,
    top_p: echo.topP,
    truncation: echo.truncation,
    usage: fields.usage,
    user: echo.user,
    metadata: echo.metadata,
  };
}

/** Item ids derive from the response's (`resp_<hex>` -> `msg_<hex>`, `fc_<hex>_<n>`), so they are unique per answer. */
export function itemId(responseId: string, prefix: 'rs' | 'msg' | 'fc' | 'ctc', index?: number): string {
  const base = `${prefix}_${responseId.slice('resp_'.length)}`;
  return index === undefined ? base : `${base}_${index}`;
}

/** A message or reasoning item's id, numbered by its place after the first item, as a stream numbers them. */
export function placedItemId(responseId: string, prefix: 'rs' | 'msg', outputIndex: number): string {
  return itemId(responseId, prefix, outputIndex === 0 ? undefined : outputIndex);
}

/**
 * The reasoning items of an answer: Anthropic's signed blocks, one item each, or OpenAI's reasoning items as it gave
 * them, else the reasoning shown, whole.
 */
function reasoningItems(result: CompletionResult, context: AnswerContext, call: GatewayCall): ResponseOutputItem[] {
  const encrypted = call.includeEncryptedReasoning === true;
  const blocks = shownThinkingBlocks(result.signedReasoning);
  if (blocks.length > 0) return blocks.map((block, index) => thinkingBlockItem(placedItemId(context.id, 'rs', index), block, encrypted));
  const items = shownReasoningItems(result.signedReasoning);
  if (items.length > 0) return items.map((item) => openAIReasoningOutputItem(item, { status: 'completed', encrypted }));
  return result.reasoning !== undefined && result.reasoning.length > 0 ? [reasoningItem(itemId(context.id, 'rs'), result.reasoning, 'completed')] : [];
}

export function toResponse(result: CompletionResult, context: AnswerContext, call: GatewayCall): Record<string, unknown> {
  const output = reasoningItems(result, context, call);
  const { status, incompleteDetails } = responseStatus(result.finishReason);
  // A cut-off answer's last item is the one cut off.
  const lastStatus: ItemStatus = status === 'incomplete' ? 'incomplete' : 'completed';
  const last = result.toolCalls.length;
  if (result.content.length > 0 || result.toolCalls.length === 0) {
    output.push(messageItem(placedItemId(context.id, 'msg', output.length), result.content, last === 0 ? lastStatus : 'completed'));
  }
  result.toolCalls.forEach((toolCall, index) => {
    const itemStatus = index === last - 1 ? lastStatus : 'completed';
    output.push(
      call.freeformTools?.has(toolCall.name) === true
        ? customToolCallItem(itemId(context.id, 'ctc', index), toolCall, itemStatus)
        : functionCallItem(itemId(context.id, 'fc', index), toolCall, itemStatus),
    );
  });
  return responseObject({
    id: context.id,
    createdSeconds: context.createdSeconds,
    model: servedModel(result),
    status,
    incompleteDetails,
    output,
    usage: responsesUsage(result.usage),
    echo: call.responsesEcho,
  });
}

/**
 * The `error.code` of a failed response: a rate limit is `rate_limit_exceeded`, OpenAI's own code for it, so a
 * client tells a wait from a failure; any other failure keeps the gateway's code (`stream_interrupted`...).
 */
export function responsesErrorCode(error: ErrorResponse): string {
  if (error.body.error.type === 'rate_limit_error') return 'rate_limit_exceeded';
  return error.body.error.code ?? 'server_error';
}
