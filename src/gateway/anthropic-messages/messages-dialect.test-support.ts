/**
 * Test support for the Messages dialect on Anthropic's recorded answers: a parsed answer as the router's result, a
 * recorded stream decoded as the Anthropic provider decodes it, and chunks encoded as the dialect's stream events,
 * read back by the SSE parser. Not shipped: only tests import it.
 */
import { expect } from 'vitest';
import { SseParser } from '../../http/sse-parser.js';
import type { SseEvent } from '../../http/types.js';
import { createAnthropicStreamDecoder } from '../../providers/anthropic/anthropic-stream-decoder.js';
import type { CompletionResult, StreamResult } from '../../routing/router-options.js';
import { assembleStreamChunks } from '../../testing/stream-chunks.test-support.js';
import type { ChatResponse, StreamChunk } from '../../types.js';
import { MessagesStreamEvents } from './messages-stream-events.js';
import { noResponseHeaders } from '../../http/response-headers.js';

/** `response` as the router's result of a call `provider` answered. */
export function completionResultOf(response: ChatResponse, provider: string): CompletionResult {
  return { ...response, usage: response.usage, requestId: response.requestId, provider, latencyMs: 5, costUsd: undefined, cached: false, attempts: [] };
}

/** Stream payloads (one JSON event a line, as recorded), decoded by the Anthropic provider `providerId`. */
export function decodeAnthropicPayloads(payloads: readonly string[], providerId = 'anthropic'): StreamChunk[] {
  const decoder = createAnthropicStreamDecoder({ providerId, headers: noResponseHeaders });
  return payloads.flatMap((data) => decoder.decode({ event: (JSON.parse(data) as { type: string }).type, data }));
}

/** `chunks` as a Messages client is sent them (for `model`), every event read back whole. */
export function encodeAsMessagesEvents(chunks: readonly StreamChunk[], model: string): SseEvent[] {
  const encoder = new MessagesStreamEvents({ id: 'msg_test', createdSeconds: 0, model });
  const assembled = assembleStreamChunks(chunks);
  const result = { finishReason: assembled.finishReasons.at(-1) ?? 'stop', usage: assembled.usage } as StreamResult;
  const text = encoder.start() + chunks.map((chunk) => encoder.chunk(chunk) ?? '').join('') + encoder.end(result);
  const parser = new SseParser();
  const events = [...parser.push(new TextEncoder().encode(text))];
  expect(parser.end()).toBeUndefined();
  return events;
}
