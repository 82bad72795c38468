/**
 * Tool-call deltas in every order a provider may send them, through both encoders that build the answer a
 * block at a time (Messages, Responses), read back as each dialect's client reads them. The calls and text are
 * recorded ones: OpenAI's streamed call, and Anthropic's streamed text and call (made the answer's second call).
 */
import { describe, expect, it } from 'vitest';
import { SseParser } from '../http/sse-parser.js';
import { createAnthropicStreamDecoder } from '../providers/anthropic/anthropic-stream-decoder.js';
import { createOpenAIStreamDecoder } from '../providers/openai-compatible/openai-stream-decoder.js';
import type { StreamDecoder } from '../providers/wire-protocol.js';
import type { StreamResult } from '../routing/router-options.js';
import { recordedFixtures } from '../testing/shared-fixtures.test-support.js';
import { assembleStreamChunks } from '../testing/stream-chunks.test-support.js';
import type { FinishReason, StreamChunk } from '../types.js';
import { MessagesStreamEvents } from './anthropic-messages/messages-stream-events.js';
import type { StreamEventEncoder } from './gateway-dialect.js';
import { ResponsesStreamEvents } from './openai-responses/responses-stream-events.js';
import { type ClientView, readMessagesStream, readResponsesStream } from './stream-clients.test-support.js';
import { noResponseHeaders } from '../http/response-headers.js';

const decodeOptions = { providerId: 'test', headers: noResponseHeaders };

function decodeRecorded(folder: string, fixture: string, decoder: StreamDecoder): StreamChunk[] {
  return recordedFixtures(folder).readFixtureSseEvents(fixture).flatMap((event) => decoder.decode(event));
}

type ToolCallDelta = Extract<StreamChunk, { type: 'tool-call-delta' }>;
const isToolCallDelta = (chunk: StreamChunk): chunk is ToolCallDelta => chunk.type === 'tool-call-delta';

const openAIChunks = decodeRecorded('openai', 'chat-stream-tool-call.sse', createOpenAIStreamDecoder(decodeOptions));
const anthropicChunks = decodeRecorded('anthropic', 'messages-stream-tool-use.sse', createAnthropicStreamDecoder(decodeOptions));
/** get_capital {"country":"UK"}: its id and name, then five argument pieces. */
const firstCall: StreamChunk[] = openAIChunks.filter(isToolCallDelta);
/** get_current_temperature {"city": "San Francisco"}, as the answer's second call. */
const secondCall: StreamChunk[] = anthropicChunks.filter(isToolCallDelta).map((chunk): ToolCallDelta => ({ ...chunk, index: 1 }));
const text = anthropicChunks.filter((chunk) => chunk.type === 'text-delta');
/** The recorded end: the finish (tool_calls) and the usage. */
const ending = openAIChunks.filter((chunk) => chunk.type === 'finish' || chunk.type === 'usage');

function alternate<T>(first: readonly T[], second: readonly T[]): T[] {
  return Array.from({ length: Math.max(first.length, second.length) }, (_, index) => [first[index], second[index]]).flat().filter((value) => value !== undefined);
}

const encoders: [string, () => StreamEventEncoder, (sseText: string) => ClientView][] = [
  ['Messages', () => new MessagesStreamEvents({ id: 'msg_test', createdSeconds: 0, model: 'm' }), readMessagesStream],
  ['Responses', () => new ResponsesStreamEvents({ id: 'resp_test', createdSeconds: 0, model: 'm' }), readResponsesStream],
];

/** The stream's SSE text, and each chunk's own events as the encoder returned them. */
function encode(encoder: StreamEventEncoder, chunks: readonly StreamChunk[], finishReason?: FinishReason): { sseText: string; perChunk: (string | undefined)[] } {
  const assembled = assembleStreamChunks(chunks);
  const result = { finishReason: finishReason ?? assembled.finishReasons.at(-1) ?? 'stop', usage: assembled.usage } as StreamResult;
  const start = encoder.start();
  const perChunk = chunks.map((chunk) => encoder.chunk(chunk));
  return { sseText: start + perChunk.join('') + encoder.end(result), perChunk };
}

/** The tool calls and text a client should end with: what the chunks carried. */
function sent(chunks: readonly StreamChunk[]) {
  const assembled = assembleStreamChunks(chunks);
  return { text: assembled.text, toolCalls: assembled.toolCalls.map((call) => ({ id: call.id, name: call.name, arguments: call.arguments })) };
}

const together: [string, StreamChunk[]][] = [
  ['one call after the other', [...firstCall, ...secondCall]],
  ['text, then the calls', [...text, ...firstCall, ...secondCall]],
  ['a call, then text', [...firstCall, ...text]],
];

const interleaved: [string, StreamChunk[]][] = [
  ["alternating, one piece of each call's in turn", alternate(firstCall, secondCall)],
  ['the second call whole inside the first', [...firstCall.slice(0, 2), ...secondCall, ...firstCall.slice(2)]],
  ['a call cut by text', [...firstCall.slice(0, 2), ...text.slice(0, 3), ...firstCall.slice(2), ...text.slice(3)]],
  ['alternating, with text between', alternate(alternate(firstCall, secondCall), text)],
  ['the first call only begun, the second whole, the first then ended', [firstCall[0]!, ...secondCall, ...firstCall.slice(1)]],
];

describe.each(encoders)('the %s encoder', (dialect, makeEncoder, readStream) => {
  it.each([...together, ...interleaved])('gives a client the calls and the text that were sent: %s', (_case, chunks) => {
    const view = readStream(encode(makeEncoder(), [...chunks, ...ending]).sseText);
    expect(view.problems).toEqual([]);
    const expected = sent(chunks);
    expect(view.toolCalls).toEqual(expected.toolCalls);
    expect(view.text).toBe(expected.text);
    expect(view.toolCalls.map((call) => JSON.parse(call.arguments) as unknown)).toEqual(expected.toolCalls.map((call) => JSON.parse(call.arguments) as unknown));
  });

  it.each(together)('holds nothing back when each block comes together: %s', (_case, chunks) => {
    const { perChunk } = encode(makeEncoder(), [...chunks, ...ending]);
    const seen = new Set<number>();
    chunks.forEach((chunk, position) => {
      const hasContent = chunk.type === 'text-delta' || (isToolCallDelta(chunk) && (!seen.has(chunk.index) || chunk.argumentsDelta !== ''));
      if (isToolCallDelta(chunk)) seen.add(chunk.index);
      if (hasContent) expect({ position, events: perChunk[position] }).toEqual({ position, events: expect.any(String) });
    });
  });

  it('writes a call whose arguments never closed, and the call that waited on it, when the answer is cut off', () => {
    const chunks = [...firstCall.slice(0, 3), ...secondCall];
    const view = readStream(encode(makeEncoder(), chunks, 'length').sseText);
    expect(view.problems).toEqual([]);
    const expected = sent(chunks).toolCalls;
    expect(view.toolCalls.map(({ id, name }) => ({ id, name }))).toEqual(expected.map(({ id, name }) => ({ id, name })));
    // A Responses item has the arguments as they came; a Messages input, which must be JSON, has them whole in `arguments`.
    view.toolCalls.forEach((call, position) => {
      const argumentsText = expected[position]!.arguments;
      if (call.arguments !== argumentsText) expect(JSON.parse(call.arguments)).toMatchObject({ arguments: argumentsText });
    });
    // Both were still in progress when the answer was cut.
    if (view.statuses.length > 0) expect(view.statuses).toEqual(['incomplete', 'incomplete']);
  });

  it("keeps a call's arguments that are not JSON whole though a bracket in them balanced early ({'note': '}'}), another call's deltas coming between", () => {
    const [named] = firstCall as [ToolCallDelta];
    const pieces = ["{'note': '}", "'}"];
    const notJson: StreamChunk[] = [{ ...named, argumentsDelta: '' }, { type: 'tool-call-delta', index: 0, argumentsDelta: pieces[0]! }];
    const chunks = [...notJson, ...secondCall, { type: 'tool-call-delta', index: 0, argumentsDelta: pieces[1]! } satisfies ToolCallDelta];
    const view = readStream(encode(makeEncoder(), [...chunks, ...ending]).sseText);
    expect(view.problems).toEqual([]);
    const expected = sent(chunks).toolCalls;
    expect(expected[0]?.arguments).toBe("{'note': '}'}");
    expect(view.toolCalls.map(({ id, name }) => ({ id, name }))).toEqual(expected.map(({ id, name }) => ({ id, name })));
    // A Responses item has the arguments as they came; a Messages input, which must be JSON, has them whole in `arguments`.
    const [first, second] = view.toolCalls;
    expect(dialect === 'Messages' ? JSON.parse(first?.arguments ?? '') : first?.arguments).toEqual(dialect === 'Messages' ? { arguments: "{'note': '}'}" } : "{'note': '}'}");
    expect(second?.arguments).toBe(expected[1]?.arguments);
  });

  it("opens no block for an empty delta to a call already closed (a thought signature, as an AI SDK model's tool-call part may bring)", () => {
    const signature: ToolCallDelta = { type: 'tool-call-delta', index: 0, argumentsDelta: '', thoughtSignature: 'signature' };
    const chunks = [...firstCall, secondCall[0]!, signature, ...secondCall.slice(1)];
    const view = readStream(encode(makeEncoder(), [...chunks, ...ending]).sseText);
    expect(view.problems).toEqual([]);
    expect(view.toolCalls).toEqual(sent(chunks).toolCalls);
  });
});

describe('the Responses encoder', () => {
  it('writes reasoning that came while a call was open after the call, as its own item', () => {
    const reasoning: StreamChunk[] = text.slice(0, 2).map((chunk) => ({ type: 'reasoning-delta', text: (chunk as { text: string }).text }));
    const chunks = [...firstCall.slice(0, 2), ...reasoning, ...firstCall.slice(2)];
    const sseText = encode(new ResponsesStreamEvents({ id: 'resp_test', createdSeconds: 0, model: 'm' }), [...chunks, ...ending]).sseText;
    const view = readResponsesStream(sseText);
    expect(view.problems).toEqual([]);
    expect(view.toolCalls).toEqual(sent(chunks).toolCalls);
    expect(view.reasoning).toBe(reasoning.map((chunk) => (chunk as { text: string }).text).join(''));
    const added = [...new SseParser().push(new TextEncoder().encode(sseText))]
      .filter((event) => event.event === 'response.output_item.added')
      .map((event) => (JSON.parse(event.data) as { item: { type: string } }).item.type);
    expect(added).toEqual(['function_call', 'reasoning']);
  });
});
