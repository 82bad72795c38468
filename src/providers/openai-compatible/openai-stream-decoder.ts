/**
 * An OpenAI-compatible chat stream, event by event. Handles the vendors' variations: usage in a final
 * chunk with no choices (OpenAI, `stream_options.include_usage`), in `x_groq.usage` (Groq), inside the
 * choice (Moonshot) or beside the finish reason (Together); an error object as a data payload (Groq's
 * `event: error`) throws a ProviderError; `data: [DONE]` is the end marker. Reasoning deltas (`reasoning`,
 * `reasoning_content`) come before the answer's text.
 */
import { ProviderError } from '../../errors.js';
import type { SseEvent } from '../../http/types.js';
import type { StreamChunk } from '../../types.js';
import type { ParseResponseOptions, StreamDecoder } from '../wire-protocol.js';
import { readNumber, readString, parseJsonOrUndefined, type JsonRecord } from '../../json-value.js';
import { asArray, asRecord } from '../../json-value.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { errorInsideSuccess, readOpenAIErrorDetails } from './openai-compatible-error.js';
import { parseOpenAIUsage, readReasoning } from './parse-openai-chat-response.js';

export function createOpenAIStreamDecoder(options: ParseResponseOptions): StreamDecoder {
  let done = false;
  let responseId: string | undefined;
  const answer = { calledTools: false };
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
      return decodeChunk(payload, answer);
    },
  };
}

/** `answer.calledTools` is whether any earlier chunk of the stream carried a tool call. */
function decodeChunk(payload: JsonRecord, answer: { calledTools: boolean }): StreamChunk[] {
  const chunks: StreamChunk[] = [];
  let finishReason: unknown;
  let usage = parseOpenAIUsage(payload.usage) ?? parseOpenAIUsage(asRecord(payload.x_groq)?.usage);
  for (const entry of asArray(payload.choices) ?? []) {
    const choice = asRecord(entry);
    if (choice === undefined) continue;
    const delta = asRecord(choice.delta);
    const reasoning = readReasoning(delta);
    if (reasoning !== undefined && reasoning !== '') chunks.push({ type: 'reasoning-delta', text: reasoning });
    const content = readString(delta?.content);
    if (content !== undefined && content !== '') chunks.push({ type: 'text-delta', text: content });
    (asArray(delta?.tool_calls) ?? []).forEach((call, position) => {
      const toolCall = decodeToolCallDelta(call, position);
      if (toolCall === undefined) return;
      chunks.push(toolCall);
      answer.calledTools = true;
    });
    usage ??= parseOpenAIUsage(choice.usage);
    if (typeof choice.finish_reason === 'string') finishReason = choice.finish_reason;
  }
  if (usage !== undefined) chunks.push({ type: 'usage', usage });
  if (finishReason !== undefined) chunks.push({ type: 'finish', finishReason: mapOpenAIFinishReason(finishReason, answer.calledTools) });
  return chunks;
}

function decodeToolCallDelta(value: unknown, position: number): StreamChunk | undefined {
  const call = asRecord(value);
  if (call === undefined) return undefined;
  const fn = asRecord(call.function);
  const id = readString(call.id);
  const name = readString(fn?.name);
  return {
    type: 'tool-call-delta',
    index: readNumber(call.index) ?? position,
    ...(id !== undefined && { id }),
    ...(name !== undefined && { name }),
    argumentsDelta: readString(fn?.arguments) ?? '',
  };
}

function streamError(payload: JsonRecord, options: ParseResponseOptions): ProviderError {
  return errorInsideSuccess(readOpenAIErrorDetails(payload) ?? { message: 'error event without details' }, options.providerId);
}
