import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../errors.js';
import type { FinishReason } from '../../types.js';
import { readFixtureJson, readFixtureResponseHeaders } from './anthropic-fixtures.test-support.js';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';
import { parseAnthropicResponse } from './parse-anthropic-response.js';
import { noResponseHeaders } from '../../http/response-headers.js';

function parseFixture(name: string) {
  const { headers } = readFixtureResponseHeaders(`${name}.headers.txt`);
  return parseAnthropicResponse(readFixtureJson(`${name}.json`), { providerId: 'anthropic', headers });
}

describe('parseAnthropicResponse with the recorded responses', () => {
  it('reads a text answer (message.json)', () => {
    expect(parseFixture('message')).toEqual({
      content: 'Hello.',
      toolCalls: [],
      finishReason: 'stop',
      usage: { inputTokens: 12, outputTokens: 5, totalTokens: 17 },
      model: 'claude-3-5-haiku-20241022',
      requestId: 'REQUEST-ID-XXX',
      responseId: 'msg_0168T3wxGsbhK1QU7ukEG76F',
    });
  });

  it('says which stop sequence ended the answer (message.json, as Anthropic answers a stop_sequences hit)', () => {
    const body = { ...(readFixtureJson('message.json') as Record<string, unknown>), stop_reason: 'stop_sequence', stop_sequence: 'three' };
    expect(parseAnthropicResponse(body, { providerId: 'anthropic', headers: noResponseHeaders })).toMatchObject({ finishReason: 'stop', stopSequence: 'three' });
    expect(parseFixture('message')).not.toHaveProperty('stopSequence');
  });

  it('reads the answer to a system prompt (message-system-prompt.json)', () => {
    expect(parseFixture('message-system-prompt')).toMatchObject({
      content: '2 + 2 = 4',
      finishReason: 'stop',
      usage: { inputTokens: 20, outputTokens: 13, totalTokens: 33 },
      model: 'claude-sonnet-4-20250514',
    });
  });

  it('reads a tool call with its input as JSON text (message-tool-use.json)', () => {
    const response = parseFixture('message-tool-use');
    expect(response.content).toBe('');
    expect(response.toolCalls).toEqual([
      { id: 'toolu_01AoUFM2koNLsFscK6xjnLPo', name: 'get_weather', arguments: '{"location":"Tokyo, Japan"}' },
    ]);
    expect(response.finishReason).toBe('tool_calls');
    expect(response.usage).toEqual({ inputTokens: 620, outputTokens: 55, totalTokens: 675 });
  });

  it('takes the message id as request id when there is no request-id header', () => {
    const response = parseAnthropicResponse(readFixtureJson('message.json'), { providerId: 'anthropic', headers: noResponseHeaders });
    expect(response.requestId).toBe('msg_0168T3wxGsbhK1QU7ukEG76F');
  });
});

describe('parseAnthropicResponse', () => {
  it('joins text blocks, reads thinking blocks as the reasoning, and counts cached input tokens as input', () => {
    const response = parseAnthropicResponse(
      {
        id: 'msg_1',
        model: 'claude-sonnet-4-5',
        content: [
          { type: 'thinking', thinking: 'hmm', signature: 'x' },
          { type: 'redacted_thinking', data: 'EmwKAhgBEgy' },
          { type: 'text', text: 'Let me check. ' },
          { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: {} },
          { type: 'text', text: 'Done.' },
        ],
        stop_reason: 'tool_use',
        usage: { input_tokens: 10, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000, output_tokens: 7 },
      },
      { providerId: 'anthropic', headers: noResponseHeaders },
    );
    expect(response.content).toBe('Let me check. Done.');
    // The thinking's text, without its signature or the redacted block.
    expect(response.reasoning).toBe('hmm');
    expect(response.toolCalls).toEqual([{ id: 'toolu_1', name: 'lookup', arguments: '{}' }]);
    expect(response.usage).toEqual({ inputTokens: 1110, outputTokens: 7, totalTokens: 1117, cachedInputTokens: 1000, cacheWriteInputTokens: 100 });
  });

  it('throws a typed error for a body that is not a message', () => {
    const parse = () => parseAnthropicResponse('<html>', { providerId: 'anthropic', headers: noResponseHeaders });
    expect(parse).toThrow(ProviderError);
    expect(parse).toThrow(expect.objectContaining({ reason: 'server_error' }));
  });

  it('throws the error an error body inside a 200 describes', () => {
    const parse = () =>
      parseAnthropicResponse(readFixtureJson('error-529-overloaded.json'), { providerId: 'anthropic', headers: noResponseHeaders });
    expect(parse).toThrow(expect.objectContaining({ reason: 'overloaded', providerCode: 'overloaded_error' }));
  });
});

describe('mapAnthropicFinishReason', () => {
  const cases: [string | null, FinishReason][] = [
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'other'],
    [null, 'other'],
  ];
  it.each(cases)('maps %s to %s', (stopReason, finishReason) => {
    expect(mapAnthropicFinishReason(stopReason)).toBe(finishReason);
  });
});
