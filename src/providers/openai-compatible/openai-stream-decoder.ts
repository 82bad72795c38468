/**
 * An OpenAI-compatible chat stream, event by event. Handles the vendors' variations: usage in a final
 * chunk with no choices (OpenAI, `stream_options.include_usage`), in `x_groq.usage` (Groq), inside the
 * choice (Moonshot) or beside the finish reason (Together); an error object as a data payload (Groq's
 * `event: error`) throws a ProviderError; `data: [DONE]` is the end marker. Reasoning deltas (`reasoning`,
 * `reasoning_content`) come before the answer's text. `content` may be a list of thinking and text parts (Mistral's
 * reasoning models), read in the list's order (pushContentPartDeltas). Tool-call deltas are numbered by call, not by
 * the wire's `index`, which some servers repeat or leave out (OpenAIToolCallDeltas).
 */
import { ProviderError } from '../../errors.js';
import type { SseEvent } from '../../http/types.js';
import type { StreamChunk } from '../../types.js';
import type { ParseResponseOptions, StreamDecoder } from '../wire-protocol.js';
import { readString, parseJsonOrUndefined, type JsonRecord } from '../../json-value.js';
import { asArray, asRecord } from '../../json-value.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { errorInsideSuccess, readOpenAIErrorDetails } from './openai-compatible-error.js';
import { OpenAIToolCallDeltas } from './openai-tool-call-deltas.js';
import { parseOpenAIUsage, readReasoning } from './parse-openai-chat-response.js';
import { pushContentPartDeltas } from './read-openai-content-parts.js';

export function createOpenAIStreamDecoder(options: ParseResponseOptions): StreamDecoder {
  let done = false;
  let responseId: string | undefined;
  const toolCalls = new OpenAIToolCallDeltas();
  return {
    get done() {
      return done;
    },
    get responseId() {
      return responseId;
    },
    decode(event: SseEvent): StreamChunk[] {
      const data = event.data.trim();
      if (data === '[DONE]') {
        done = true;
        return [];
      }
      if (data === '') return [];
      const payload = asRecord(parseJsonOrUndefined(data));
      if (payload === undefined) {
        throw new ProviderError({
          provider: options.providerId,
          reason: 'server_error',
          statusCode: 200,
          message: 'a stream event was not a JSON object',
        });
      }
      if (event.event === 'error' || payload.error !== undefined) throw streamError(payload, options);
      // Every chunk repeats the completion's id.
      responseId ??= readString(payload.id);
      return decodeChunk(payload, toolCalls);
    },
  };
}

/** `toolCalls` puts each tool-call delta in its call, and knows whether any earlier chunk of the stream carried one. */
function decodeChunk(payload: JsonRecord, toolCalls: OpenAIToolCallDeltas): StreamChunk[] {
  const chunks: StreamChunk[] = [];
  let finishReason: unknown;
  let usage = parseOpenAIUsage(payload.usage) ?? parseOpenAIUsage(asRecord(payload.x_groq)?.usage);
  for (const entry of asArray(payload.choices) ?? []) {
    const choice = asRecord(entry);
    if (choice === undefined) continue;
    const delta = asRecord(choice.delta);
    const reasoning = readReasoning(delta);
    if (reasoning !== undefined && reasoning !== '') chunks.push({ type: 'reasoning-delta', text: reasoning });
    const content = delta?.content;
    if (typeof content === 'string') {
      if (content !== '') chunks.push({ type: 'text-delta', text: content });
    } else if (Array.isArray(content)) {
      // Mistral's reasoning models stream lists of thinking and text parts (the answer then as strings).
      pushContentPartDeltas(content, chunks);
    }
    const calls = asArray(delta?.tool_calls);
    if (calls !== undefined) {
      for (let position = 0; position < calls.length; position += 1) {
        const toolCall = toolCalls.decode(calls[position], position);
        if (toolCall !== undefined) chunks.push(toolCall);
      }
    }
    usage ??= parseOpenAIUsage(choice.usage);
    // Ollama and SGLang send "" on every chunk before the last, where OpenAI sends null: no reason yet.
    if (typeof choice.finish_reason === 'string' && choice.finish_reason !== '') finishReason = choice.finish_reason;
  }
  if (usage !== undefined) chunks.push({ type: 'usage', usage });
  if (finishReason !== undefined) chunks.push({ type: 'finish', finishReason: mapOpenAIFinishReason(finishReason, toolCalls.calledTools) });
  return chunks;
}

function streamError(payload: JsonRecord, options: ParseResponseOptions): ProviderError {
  return errorInsideSuccess(readOpenAIErrorDetails(payload) ?? { message: 'error event without details' }, options.providerId);
}
