import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../errors.js';
import type { SseEvent } from '../../http/types.js';
import { readFixtureSseEvents, readFixtureText } from './anthropic-fixtures.test-support.js';
import { createAnthropicStreamDecoder } from './anthropic-stream-decoder.js';
import { assembleStreamChunks } from '../../testing/stream-chunks.test-support.js';
import { noResponseHeaders } from '../../http/response-headers.js';

const options = { providerId: 'anthropic', headers: noResponseHeaders };

function decodeAll(events: readonly SseEvent[]) {
  const decoder = createAnthropicStreamDecoder(options);
  const chunks = events.flatMap((event) => decoder.decode(event));
  return { decoder, chunks };
}


describe('Anthropic stream decoder with the recorded streams', () => {
  it('decodes a text stream (messages-stream.sse)', () => {
    const { decoder, chunks } = decodeAll(readFixtureSseEvents('messages-stream.sse'));
    expect(assembleStreamChunks(chunks)).toEqual({
      text: '- Captain\n- Scoop',
      toolCalls: [],
      usage: { inputTokens: 17, outputTokens: 10, totalTokens: 27 },
      finishReasons: ['stop'],
    });
    expect(decoder.done).toBe(true);
    expect(decoder.model).toBe('claude-sonnet-4-5-20250929');
    expect(decoder.messageId).toBe('msg_017A4s3HAsrqf5d2WvBmrpLr');
    expect(decoder.responseId).toBe('msg_017A4s3HAsrqf5d2WvBmrpLr');
  });

  it('says which stop sequence ended a stream (messages-stream.sse, as Anthropic ends one at a stop sequence)', () => {
    const events = readFixtureSseEvents('messages-stream.sse').map((event) =>
      event.event === 'message_delta' ? { ...event, data: event.data.replace('"stop_reason":"end_turn","stop_sequence":null', '"stop_reason":"stop_sequence","stop_sequence":"Scoop"') } : event,
    );
    const { chunks } = decodeAll(events);
    expect(chunks.filter((chunk) => chunk.type === 'finish')).toEqual([{ type: 'finish', finishReason: 'stop', stopSequence: 'Scoop' }]);
  });

  it('is not done before message_stop', () => {
    const events = readFixtureSseEvents('messages-stream.sse');
    const { decoder } = decodeAll(events.slice(0, -1));
    expect(decoder.done).toBe(false);
  });

  it('decodes text then a tool call whose arguments arrive in pieces (messages-stream-tool-use.sse)', () => {
    const { decoder, chunks } = decodeAll(readFixtureSseEvents('messages-stream-tool-use.sse'));
    const assembled = assembleStreamChunks(chunks);
    expect(assembled.text).toBe(
      "I'll help you find out the current temperature in San Francisco. I'll use the get_current_temperature function to retrieve this information.",
    );
    // The tool block is Anthropic's block 1, but the first tool call: index 0.
    expect(assembled.toolCalls).toEqual([
      { id: 'toolu_01Lfr3kUnHMZApePPRWMv1uS', name: 'get_current_temperature', arguments: '{"city": "San Francisco"}' },
    ]);
    expect(chunks.find((chunk) => chunk.type === 'tool-call-delta')).toEqual({
      type: 'tool-call-delta',
      index: 0,
      id: 'toolu_01Lfr3kUnHMZApePPRWMv1uS',
      name: 'get_current_temperature',
      argumentsDelta: '',
    });
    expect(assembled.usage).toEqual({ inputTokens: 351, outputTokens: 85, totalTokens: 436 });
    expect(assembled.finishReasons).toEqual(['tool_calls']);
    expect(decoder.done).toBe(true);
  });

  it('gives a tool call that streamed no arguments the arguments {} (messages-stream-tool-use-empty-input.sse)', () => {
    const { decoder, chunks } = decodeAll(readFixtureSseEvents('messages-stream-tool-use-empty-input.sse'));
    expect(assembleStreamChunks(chunks)).toEqual({
      text: '',
      toolCalls: [{ id: 'toolu_01CzN6riCPqw4pVSuTd9Dwn7', name: 'pelican_name_generator', arguments: '{}' }],
      usage: { inputTokens: 543, outputTokens: 40, totalTokens: 583 },
      finishReasons: ['tool_calls'],
    });
    expect(decoder.done).toBe(true);
  });

  it('throws an overloaded ProviderError for the recorded mid-stream error event', () => {
    const decoder = createAnthropicStreamDecoder(options);
    const decode = () => decoder.decode({ event: 'error', data: readFixtureText('stream-error-event-data.json') });
    expect(decode).toThrow(ProviderError);
    expect(decode).toThrow(expect.objectContaining({ reason: 'overloaded', providerCode: 'overloaded_error' }));
  });
});

describe('Anthropic stream decoder', () => {
  it('ignores pings', () => {
    expect(createAnthropicStreamDecoder(options).decode({ event: 'ping', data: '{"type": "ping"}' })).toEqual([]);
  });

  it("reads a thinking block's deltas as reasoning this provider signs, and the block whole with its signature when it stops", () => {
    const decoder = createAnthropicStreamDecoder(options);
    const events: SseEvent[] = [
      { event: 'content_block_start', data: '{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}' },
      { event: 'content_block_delta', data: '{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Two and two "}}' },
      { event: 'content_block_delta', data: '{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"make four."}}' },
      { event: 'content_block_delta', data: '{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM"}}' },
      { event: 'content_block_stop', data: '{"type":"content_block_stop","index":0}' },
      { event: 'content_block_start', data: '{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}' },
      { event: 'content_block_delta', data: '{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"4"}}' },
    ];
    expect(events.flatMap((event) => decoder.decode(event))).toEqual([
      { type: 'reasoning-delta', text: 'Two and two ', signedBy: 'anthropic' },
      { type: 'reasoning-delta', text: 'make four.', signedBy: 'anthropic' },
      { type: 'signed-reasoning-block', provider: 'anthropic', block: { type: 'thinking', thinking: 'Two and two make four.', signature: 'EqQBCgIYAhIM' } },
      { type: 'text-delta', text: '4' },
    ]);
  });

  it('numbers tool calls by their order among tool calls, not by block index', () => {
    const decoder = createAnthropicStreamDecoder(options);
    const events: SseEvent[] = [
      { event: 'content_block_start', data: '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}' },
      {
        event: 'content_block_start',
        data: '{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"a","name":"f","input":{}}}',
      },
      {
        event: 'content_block_start',
        data: '{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"b","name":"g","input":{}}}',
      },
      {
        event: 'content_block_delta',
        data: '{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\\"x\\":1}"}}',
      },
    ];
    const chunks = events.flatMap((event) => decoder.decode(event));
    expect(chunks.filter((chunk) => chunk.type === 'tool-call-delta').map((chunk) => chunk.index)).toEqual([0, 1, 1]);
  });

  it("tells message_start's input count before any content, as the usage so far that message_delta's replaces", () => {
    const { chunks } = decodeAll(readFixtureSseEvents('messages-stream.sse'));
    const usages = chunks.flatMap((chunk, position) => (chunk.type === 'usage' ? [{ position, usage: chunk.usage }] : []));
    expect(usages).toEqual([
      { position: 0, usage: { inputTokens: 17, outputTokens: 1, totalTokens: 18 } },
      { position: expect.any(Number), usage: { inputTokens: 17, outputTokens: 10, totalTokens: 27 } },
    ]);
    expect(chunks.findIndex((chunk) => chunk.type === 'text-delta')).toBe(1);
  });

  it('counts the input tokens from message_start when message_delta does not repeat them', () => {
    const decoder = createAnthropicStreamDecoder(options);
    expect(
      decoder.decode({
        event: 'message_start',
        data: '{"type":"message_start","message":{"id":"msg_1","model":"claude-3-haiku-20240307","usage":{"input_tokens":25,"output_tokens":1}}}',
      }),
    ).toEqual([{ type: 'usage', usage: { inputTokens: 25, outputTokens: 1, totalTokens: 26 } }]);
    const chunks = decoder.decode({
      event: 'message_delta',
      data: '{"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":15}}',
    });
    expect(chunks).toEqual([
      { type: 'usage', usage: { inputTokens: 25, outputTokens: 15, totalTokens: 40 } },
      { type: 'finish', finishReason: 'length' },
    ]);
  });

  it("keeps message_start's hour of cache writes when message_delta repeats the input without their split", () => {
    // The recorded text stream, with 1,100 tokens written to the cache, 1,000 of them for an hour.
    const events = readFixtureSseEvents('messages-stream.sse').map((event) => ({
      ...event,
      data: event.data
        .replace('"cache_creation_input_tokens":0', '"cache_creation_input_tokens":1100')
        .replace('"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0', '"ephemeral_5m_input_tokens":100,"ephemeral_1h_input_tokens":1000'),
    }));
    expect(events.find((event) => event.event === 'message_delta')?.data).not.toContain('cache_creation"');
    const usage = decodeAll(events).chunks.flatMap((chunk) => (chunk.type === 'usage' ? [chunk.usage] : [])).at(-1);
    expect(usage).toMatchObject({ inputTokens: 1117, cacheWriteInputTokens: 1100, cacheWrite1hInputTokens: 1000 });
  });

  it('throws a typed error for an event that is not JSON', () => {
    const decode = () => createAnthropicStreamDecoder(options).decode({ event: 'content_block_delta', data: '{"type":' });
    expect(decode).toThrow(expect.objectContaining({ reason: 'server_error' }));
  });

  it('reads a rate limit error event as rate_limit', () => {
    const decode = () =>
      createAnthropicStreamDecoder(options).decode({
        event: 'error',
        data: '{"type":"error","error":{"type":"rate_limit_error","message":"Rate limited"}}',
      });
    expect(decode).toThrow(expect.objectContaining({ reason: 'rate_limit' }));
  });
});
