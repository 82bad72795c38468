/**
 * Our results in OpenAI's shapes: a CompletionResult as a `chat.completion`, stream chunks as
 * `chat.completion.chunk` server-sent events (role first, then deltas, the finish, usage when asked,
 * `[DONE]`). Pure; the chunk encoder builds each event's fixed prefix once per stream. The reasoning a model
 * showed goes in `reasoning_content`, as DeepSeek's API and LiteLLM put it (OpenAI's own API shows none), and
 * Anthropic's signed thinking blocks in `reasoning_details` (openai-signed-reasoning.ts).
 */
import type { CompletionResult } from '../routing/router-options.js';
import type { FinishReason, Mutable, StreamChunk, ToolCall, Usage } from '../types.js';
import { shownSignedReasoning } from './client-signed-reasoning.js';
import { type ReasoningDetail, toReasoningDetails } from './openai-signed-reasoning.js';

export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export function toOpenAIFinishReason(reason: FinishReason): OpenAIFinishReason {
  return reason === 'length' || reason === 'tool_calls' || reason === 'content_filter' ? reason : 'stop';
}

export interface OpenAIUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
  /** Of the prompt tokens, those read from a prompt cache: present when the provider said so. */
  readonly prompt_tokens_details?: { readonly cached_tokens: number };
  /** Of the completion tokens, those spent reasoning: present when the provider said so. */
  readonly completion_tokens_details?: { readonly reasoning_tokens: number };
}

export function toOpenAIUsage(usage: Usage): OpenAIUsage {
  const openAIUsage: Mutable<OpenAIUsage> = { prompt_tokens: usage.inputTokens, completion_tokens: usage.outputTokens, total_tokens: usage.totalTokens };
  if (usage.cachedInputTokens !== undefined) openAIUsage.prompt_tokens_details = { cached_tokens: usage.cachedInputTokens };
  if (usage.reasoningTokens !== undefined) openAIUsage.completion_tokens_details = { reasoning_tokens: usage.reasoningTokens };
  return openAIUsage;
}

function toOpenAIToolCalls(toolCalls: readonly ToolCall[]): unknown[] {
  return toolCalls.map((call) => {
    const openAICall: Record<string, unknown> = {
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    };
    if (call.thoughtSignature) openAICall.extra_content = geminiExtraContent(call.thoughtSignature);
    return openAICall;
  });
}

/**
 * Gemini's thought signature of a call, where Google's OpenAI-compatible API puts it
 * (`extra_content.google.thought_signature`), so that a client which sends the call back sends it too.
 */
function geminiExtraContent(thoughtSignature: string): { google: { thought_signature: string } } {
  return { google: { thought_signature: thoughtSignature } };
}

/** `provider/model`: what the response's `model` says served the call. */
export function servedModel(result: { readonly provider: string; readonly model: string }): string {
  return `${result.provider}/${result.model}`;
}

/**
 * The answer not streamed, as an object. The gateway writes it with chatCompletionJson (chat-completion-json.ts),
 * which writes a common answer (text only) straight to JSON, and what this gives for any other: the two must agree.
 */
export function toChatCompletion(
  result: CompletionResult,
  context: { readonly id: string; readonly createdSeconds: number },
): Record<string, unknown> {
  const hasToolCalls = result.toolCalls.length > 0;
  // Built by assignment rather than conditional spreads: this runs for every answer with calls or reasoning.
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: hasToolCalls && result.content.length === 0 ? null : result.content,
  };
  if (result.reasoning !== undefined) message.reasoning_content = result.reasoning;
  const signedBlocks = shownSignedReasoning(result.signedReasoning);
  if (signedBlocks.length > 0) message.reasoning_details = toReasoningDetails(signedBlocks);
  if (hasToolCalls) message.tool_calls = toOpenAIToolCalls(result.toolCalls);
  message.refusal = null;
  const completion: Record<string, unknown> = {
    id: context.id,
    object: 'chat.completion',
    created: context.createdSeconds,
    model: servedModel(result),
    choices: [{ index: 0, message, logprobs: null, finish_reason: toOpenAIFinishReason(result.finishReason) }],
  };
  if (result.usage) completion.usage = toOpenAIUsage(result.usage);
  return completion;
}

export const sseDone = 'data: [DONE]\n\n';

/** Encodes one stream's chunks as SSE `data:` events with a stable id, created time and model. */
export class ChatCompletionChunkEncoder {
  #prefix: string;
  readonly #id: string;
  readonly #createdSeconds: number;
  /** Each tool call's index on the wire, by the chunks' index: 0, 1, 2... in the order the calls begin. */
  #callIndexes: Map<number, number> | undefined;

  constructor(context: { readonly id: string; readonly createdSeconds: number; readonly model: string }) {
    this.#id = context.id;
    this.#createdSeconds = context.createdSeconds;
    this.#prefix = this.#buildPrefix(context.model);
  }

  /** Name the model once the serving provider is known. */
  setModel(model: string): void {
    this.#prefix = this.#buildPrefix(model);
  }

  #buildPrefix(model: string): string {
    return `data: {"id":${JSON.stringify(this.#id)},"object":"chat.completion.chunk","created":${this.#createdSeconds},"model":${JSON.stringify(model)},`;
  }

  #choice(delta: string, finishReason: OpenAIFinishReason | null): string {
    const finish = finishReason === null ? 'null' : `"${finishReason}"`;
    return `${this.#prefix}"choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish}}]}\n\n`;
  }

  /** The first event: the assistant role with empty content. */
  role(): string {
    return this.#choice('{"role":"assistant","content":""}', null);
  }

  /** A content, reasoning or tool-call delta; undefined for chunks that are not sent as deltas (usage, finish). */
  delta(chunk: StreamChunk): string | undefined {
    if (chunk.type === 'text-delta') {
      return chunk.text.length === 0 ? undefined : this.#choice(`{"content":${JSON.stringify(chunk.text)}}`, null);
    }
    if (chunk.type === 'reasoning-delta') {
      return chunk.text.length === 0 ? undefined : this.#choice(`{"reasoning_content":${JSON.stringify(chunk.text)}}`, null);
    }
    if (chunk.type === 'tool-call-delta') {
      // By assignment, in the wire's field order: conditional spreads cost more per chunk.
      // OpenAI numbers a message's calls 0, 1, 2..., and its clients' stream helpers put each call at its index
      // in an array they then read whole (a gap throws): the provider's numbers are kept only when they are those.
      const callIndexes = (this.#callIndexes ??= new Map());
      let index = callIndexes.get(chunk.index);
      const first = index === undefined;
      if (index === undefined) {
        index = callIndexes.size;
        callIndexes.set(chunk.index, index);
      }
      const call: Record<string, unknown> = { index };
      if (first) {
        // A call's first delta names its id and type, which OpenAI's clients require (their stream helper throws
        // without a type). The router gives every call an id on its first delta, made up when the provider gave none.
        call.id = chunk.id;
        call.type = 'function';
      }
      const fn: Record<string, unknown> = {};
      if (chunk.name !== undefined) fn.name = chunk.name;
      fn.arguments = chunk.argumentsDelta;
      call.function = fn;
      if (chunk.thoughtSignature) call.extra_content = geminiExtraContent(chunk.thoughtSignature);
      return this.#choice(`{"tool_calls":[${JSON.stringify(call)}]}`, null);
    }
    return undefined;
  }

  /** Signed thinking blocks, all in one delta: the OpenAI SDK's stream helper keeps a field's last value, not a sum. */
  reasoningDetails(details: readonly ReasoningDetail[]): string {
    return this.#choice(`{"reasoning_details":${JSON.stringify(details)}}`, null);
  }

  finish(reason: FinishReason): string {
    return this.#choice('{}', toOpenAIFinishReason(reason));
  }

  /** The usage event of `stream_options.include_usage`: no choices. */
  usage(usage: Usage): string {
    return `${this.#prefix}"choices":[],"usage":${JSON.stringify(toOpenAIUsage(usage))}}\n\n`;
  }
}

/** A failure after the headers went out: one error event (OpenAI's error shape), after which the stream ends. */
export function sseErrorEvent(body: unknown): string {
  return `data: ${JSON.stringify(body)}\n\n`;
}
