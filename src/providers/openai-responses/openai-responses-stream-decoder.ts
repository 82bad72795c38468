/**
 * A Responses stream, event by event (each event's `type` is in its JSON; OpenAI also names it in `event:`).
 * `response.output_text.delta` is text; `response.reasoning_summary_text.delta` the reasoning shown, a blank line
 * between summary parts, marked as the summary of its item (`summaryOf`) when that item carries encrypted content; a reasoning item's `response.output_item.done` the item whole with its encrypted content (a
 * `signed-reasoning-block` of this provider, to give back); function calls as ResponsesFunctionCalls reads them; `response.completed` and
 * `response.incomplete` carry the usage and end the stream (the Responses API sends no `[DONE]`);
 * `response.failed` and an `error` event are the provider's error. Everything else (created, in_progress, content
 * parts, the `.done` repeats of text) adds nothing. Shapes as vercel/ai recorded them (test/fixtures/SOURCES.md).
 */
import { ProviderError } from '../../errors.js';
import { asRecord, parseJsonOrUndefined, readString, type JsonRecord } from '../../json-value.js';
import type { SseEvent } from '../../http/types.js';
import type { StreamChunk } from '../../types.js';
import type { ParseResponseOptions, StreamDecoder } from '../wire-protocol.js';
import { mapOpenAIResponsesFinishReason } from './map-openai-responses-finish-reason.js';
import { streamedResponseError } from './openai-responses-error.js';
import { parseOpenAIResponsesUsage } from './parse-openai-responses-usage.js';
import { readOpenAIReasoningItem } from './read-openai-reasoning-item.js';
import { ResponsesFunctionCalls } from './responses-function-calls.js';

export function createOpenAIResponsesStreamDecoder(options: ParseResponseOptions): StreamDecoder {
  let done = false;
  let responseId: string | undefined;
  let reasoningShown = false;
  let summaryPartPending = false;
  /** The reasoning item under way, when it carries encrypted content (it will be given back whole, signed by us). */
  let signedItemId: string | undefined;
  const calls = new ResponsesFunctionCalls();

  const decodePayload = (payload: JsonRecord): StreamChunk[] => {
    switch (payload.type) {
      case 'response.output_text.delta':
        return textChunk('text-delta', payload.delta);
      case 'response.reasoning_summary_part.added':
        // A later summary part (or another reasoning item's) is set apart as the answer not streamed joins them.
        summaryPartPending = reasoningShown;
        return [];
      case 'response.reasoning_summary_text.delta': {
        const text = readString(payload.delta) ?? '';
        if (text === '') return [];
        const separated = summaryPartPending;
        summaryPartPending = false;
        reasoningShown = true;
        const itemId = readString(payload.item_id);
        const summaryIndex = payload.summary_index;
        const shown = separated ? `\n\n${text}` : text;
        if (signedItemId === undefined || itemId !== signedItemId || typeof summaryIndex !== 'number') return [{ type: 'reasoning-delta', text: shown }];
        return [{ type: 'reasoning-delta', text: shown, signedBy: options.providerId, summaryOf: { itemId, summaryIndex, separated } }];
      }
      case 'response.output_item.added': {
        const item = asRecord(payload.item);
        // A reasoning item asked its encrypted content carries it from the start (the recording's `output_item.added`).
        if (item?.type === 'reasoning') signedItemId = typeof item.encrypted_content === 'string' ? readString(item.id) : undefined;
        const begun = item?.type === 'function_call' ? calls.begin(item) : undefined;
        return begun === undefined ? [] : [begun];
      }
      case 'response.function_call_arguments.delta':
        return optional(calls.argumentsDelta(payload));
      case 'response.function_call_arguments.done':
        return optional(calls.argumentsDone(readString(payload.item_id), readString(payload.arguments)));
      case 'response.output_item.done': {
        const item = asRecord(payload.item);
        if (item?.type === 'function_call') return calls.done(item);
        // A reasoning item whole, with its encrypted content: kept to give back (only `.done` carries the final one).
        const reasoningItem = item?.type === 'reasoning' ? readOpenAIReasoningItem(item) : undefined;
        return reasoningItem === undefined ? [] : [{ type: 'signed-reasoning-block', provider: options.providerId, block: reasoningItem }];
      }
      case 'response.completed':
      case 'response.incomplete':
        done = true;
        return endChunks(asRecord(payload.response), calls.calledTools);
      case 'response.failed':
      case 'error':
        throw streamedResponseError(payload, options.providerId);
      default:
        return [];
    }
  };

  return {
    get done() {
      return done;
    },
    get responseId() {
      return responseId;
    },
    decode(event: SseEvent): StreamChunk[] {
      const data = event.data.trim();
      if (data === '' || data === '[DONE]') return [];
      const payload = asRecord(parseJsonOrUndefined(data));
      if (payload === undefined) {
        throw new ProviderError({ provider: options.providerId, reason: 'server_error', statusCode: 200, message: 'a stream event was not a JSON object' });
      }
      // `response.created` names the answer first; every later response event repeats it.
      responseId ??= readString(asRecord(payload.response)?.id);
      // An error body served as a stream event (`data: {"error":{...}}`, no type) is an error as well.
      if (payload.type === undefined && payload.error !== undefined) throw streamedResponseError(payload, options.providerId);
      return decodePayload(payload);
    },
  };
}

function textChunk(type: 'text-delta', delta: unknown): StreamChunk[] {
  const text = readString(delta);
  return text === undefined || text === '' ? [] : [{ type, text }];
}

function optional(chunk: StreamChunk | undefined): StreamChunk[] {
  return chunk === undefined ? [] : [chunk];
}

/** The usage (when told) and the finish reason of the answer's last event. */
function endChunks(response: JsonRecord | undefined, calledTools: boolean): StreamChunk[] {
  const chunks: StreamChunk[] = [];
  const usage = parseOpenAIResponsesUsage(response?.usage);
  if (usage !== undefined) chunks.push({ type: 'usage', usage });
  const finishReason = mapOpenAIResponsesFinishReason({
    status: response?.status,
    incompleteReason: asRecord(response?.incomplete_details)?.reason,
    hasToolCalls: calledTools,
  });
  chunks.push({ type: 'finish', finishReason });
  return chunks;
}

