/**
 * The `chat.completion` answer as JSON text: the bytes `JSON.stringify(toChatCompletion(result, context))` writes,
 * written straight into one template for the common answer (text, no tool calls, no reasoning, no signed reasoning;
 * usage or none; any finish reason), with `JSON.stringify` used only for its strings, as the stream's chunk encoder
 * (openai-response.ts) writes its events. Every other answer, and any value the template could write otherwise than
 * `JSON.stringify` would (a number that is not finite, a field that is not the type it says), goes through
 * `toChatCompletion` and `JSON.stringify`. Why: the gateway writes this for every answer not streamed, and on the
 * recorded 340-byte answer (openai/chat-completion.json) building the object to stringify it took 1.5 to 2.6 µs a
 * call on this host where the template took 0.5 to 0.9 µs, about a third, in the same rounds; the bytes allocated are
 * about the same (some 1 KB a request either way, bench/per-request-counts.js). The property test in
 * chat-completion-json.test.ts holds the two byte for byte. Pure.
 */
import type { CompletionResult } from '../routing/router-options.js';
import type { Usage } from '../types.js';
import { servedModel, toChatCompletion, toOpenAIFinishReason } from './openai-response.js';

export interface ChatCompletionContext {
  readonly id: string;
  readonly createdSeconds: number;
}

/** The answer's JSON: the template for a common answer, `JSON.stringify(toChatCompletion(...))` for any other. */
export function chatCompletionJson(result: CompletionResult, context: ChatCompletionContext): string {
  return commonChatCompletionJson(result, context) ?? JSON.stringify(toChatCompletion(result, context));
}

/**
 * A common answer's JSON, in `toChatCompletion`'s key order (message: role, content, refusal; usage last, its details
 * only where `toOpenAIUsage` adds them); undefined for an answer that is not common, which the caller stringifies.
 */
export function commonChatCompletionJson(result: CompletionResult, context: ChatCompletionContext): string | undefined {
  if (result.toolCalls.length > 0 || result.reasoning !== undefined || result.signedReasoning !== undefined) return undefined;
  if (typeof result.content !== 'string' || typeof context.id !== 'string' || !Number.isFinite(context.createdSeconds)) return undefined;
  const usage = result.usage ? usageJson(result.usage) : '';
  if (usage === undefined) return undefined;
  return (
    `{"id":${JSON.stringify(context.id)},"object":"chat.completion","created":${context.createdSeconds},` +
    `"model":${JSON.stringify(servedModel(result))},"choices":[{"index":0,"message":{"role":"assistant",` +
    `"content":${JSON.stringify(result.content)},"refusal":null},"logprobs":null,` +
    `"finish_reason":"${toOpenAIFinishReason(result.finishReason)}"}]${usage}}`
  );
}

/**
 * `,"usage":{...}` as `toOpenAIUsage` builds it; undefined when a count is not a finite number (`JSON.stringify`
 * writes `null` for NaN and the infinities, and the template would write their names).
 */
function usageJson(usage: Usage): string | undefined {
  const { inputTokens, outputTokens, totalTokens, cachedInputTokens, reasoningTokens } = usage;
  if (!Number.isFinite(inputTokens) || !Number.isFinite(outputTokens) || !Number.isFinite(totalTokens)) return undefined;
  let json = `,"usage":{"prompt_tokens":${inputTokens},"completion_tokens":${outputTokens},"total_tokens":${totalTokens}`;
  if (cachedInputTokens !== undefined) {
    if (!Number.isFinite(cachedInputTokens)) return undefined;
    json += `,"prompt_tokens_details":{"cached_tokens":${cachedInputTokens}}`;
  }
  if (reasoningTokens !== undefined) {
    if (!Number.isFinite(reasoningTokens)) return undefined;
    json += `,"completion_tokens_details":{"reasoning_tokens":${reasoningTokens}}`;
  }
  return `${json}}`;
}
