import { describe, expect, it } from 'vitest';
import { SseParser } from '../../http/sse-parser.js';
import type { SseEvent } from '../../http/types.js';
import { createAnthropicStreamDecoder } from '../../providers/anthropic/anthropic-stream-decoder.js';
import { createGeminiStreamDecoder } from '../../providers/gemini/gemini-stream-decoder.js';
import { createOpenAIStreamDecoder } from '../../providers/openai-compatible/openai-stream-decoder.js';
import type { StreamDecoder } from '../../providers/wire-protocol.js';
import type { StreamResult } from '../../routing/router-options.js';
import { recordedFixtures } from '../../testing/shared-fixtures.test-support.js';
import type { StreamChunk } from '../../types.js';
import { toErrorResponse } from '../error-response.js';
import { GatewayHttpError } from '../gateway-http-error.js';
import { MessagesStreamEvents } from './messages-stream-events.js';
import { assembleStreamChunks } from '../../testing/stream-chunks.test-support.js';
import { noResponseHeaders } from '../../http/response-headers.js';

const decodeOptions = { providerId: 'test', headers: noResponseHeaders };

function decodeRecorded(folder: string, fixture: string, decoder: StreamDecoder): StreamChunk[] {
  return recordedFixtures(folder).readFixtureSseEvents(fixture).flatMap((event) => decoder.decode(event));
}


/** Encode chunks as a Messages stream, the way the gateway relays them, and return the SSE text. */
function encode(chunks: readonly StreamChunk[]): string {
  const encoder = new MessagesStreamEvents({ id: 'msg_test', createdSeconds: 0, model: 'openai/gpt-4o-mini' });
  const assembled = assembleStreamChunks(chunks);
  const result = { finishReason: assembled.finishReasons.at(-1) ?? 'stop', usage: assembled.usage } as StreamResult;
  return encoder.start() + chunks.map((chunk) => encoder.chunk(chunk) ?? '').join('') + encoder.end(result);
}

function parseSse(text: string): SseEvent[] {
  const parser = new SseParser();
  const events = [...parser.push(new TextEncoder().encode(text))];
  expect(parser.end()).toBeUndefined();
  return events;
}

describe('a streamed answer as Anthropic Messages events', () => {
  it.each([
    ['openai', 'chat-stream-tool-call.sse', () => createOpenAIStreamDecoder(decodeOptions)],
    ['openai', 'chat-stream-include-usage.sse', () => createOpenAIStreamDecoder(decodeOptions)],
    ['anthropic', 'messages-stream.sse', () => createAnthropicStreamDecoder(decodeOptions)],
    ['anthropic', 'messages-stream-tool-use.sse', () => createAnthropicStreamDecoder(decodeOptions)],
    ['gemini', 'streamGenerateContent-sse-function-call.sse', () => createGeminiStreamDecoder(decodeOptions)],
  ])('reads back, through the Anthropic decoder, as the recorded %s stream %s', (folder, fixture, makeDecoder) => {
    const original = decodeRecorded(folder, fixture, makeDecoder());
    const events = parseSse(encode(original));
    const decoder = createAnthropicStreamDecoder(decodeOptions);
    const roundTrip = events.flatMap((event) => decoder.decode(event));
    expect(decoder.done).toBe(true);
    const expected = assembleStreamChunks(original);
    const actual = assembleStreamChunks(roundTrip);
    expect(actual.text).toBe(expected.text);
    expect(actual.toolCalls).toEqual(expected.toolCalls);
    expect(actual.usage).toEqual(expected.usage);
    expect(actual.finishReasons).toEqual([expected.finishReasons.at(-1)]);
  });

  it('follows the Messages event grammar: one start, blocks opened, filled and closed in order, then delta and stop', () => {
    const original = decodeRecorded('anthropic', 'messages-stream-tool-use.sse', createAnthropicStreamDecoder(decodeOptions));
    const events = parseSse(encode(original)).map((event) => ({ name: event.event, data: JSON.parse(event.data) as Record<string, unknown> }));
    expect(events.every((event) => event.name === event.data.type)).toBe(true);
    expect(events[0]?.name).toBe('message_start');
    expect(events.slice(-2).map((event) => event.name)).toEqual(['message_delta', 'message_stop']);
    let open: number | undefined;
    let nextIndex = 0;
    for (const { name, data } of events.slice(1, -2)) {
      if (name === 'content_block_start') {
        expect(open).toBeUndefined();
        expect(data.index).toBe(nextIndex);
        open = nextIndex++;
      } else if (name === 'content_block_delta') {
        expect(data.index).toBe(open);
      } else {
        expect(name).toBe('content_block_stop');
        expect(data.index).toBe(open);
        open = undefined;
      }
    }
    expect(open).toBeUndefined();
    expect(nextIndex).toBe(2);
    const blockTypes = events
      .filter((event) => event.name === 'content_block_start')
      .map((event) => (event.data.content_block as { type: string }).type);
    expect(blockTypes).toEqual(['text', 'tool_use']);
  });

  it('ends a failure with one error event in Anthropic shape', () => {
    const encoder = new MessagesStreamEvents({ id: 'msg_test', createdSeconds: 0, model: 'm' });
    const [event] = parseSse(encoder.error(toErrorResponse(new GatewayHttpError({ status: 503, message: 'Every provider failed.' }))));
    expect(event?.event).toBe('error');
    expect(JSON.parse(event!.data)).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Every provider failed.' } });
  });
});
