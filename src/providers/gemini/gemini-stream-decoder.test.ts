import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../errors.js';
import type { SseEvent } from '../../http/types.js';
import type { StreamChunk } from '../../types.js';
import { readGeminiRecordingEvents, recordedGeminiAnswer } from '../../testing/gemini-recordings.test-support.js';
import { readFixtureJsonlEvents, readFixtureSseEvents, readFixtureText } from './gemini-fixtures.test-support.js';
import { createGeminiStreamDecoder } from './gemini-stream-decoder.js';
import { noResponseHeaders } from '../../http/response-headers.js';

const options = { providerId: 'google', headers: noResponseHeaders };

function decodeAll(events: readonly SseEvent[]) {
  const decoder = createGeminiStreamDecoder(options);
  const chunks = events.flatMap((event) => decoder.decode(event));
  return { decoder, chunks };
}

/** What a consumer builds from the chunks. */
function assemble(chunks: readonly StreamChunk[]) {
  let text = '';
  const toolCalls: { id?: string; name?: string; arguments: string }[] = [];
  const usages: unknown[] = [];
  const finishReasons: string[] = [];
  for (const chunk of chunks) {
    if (chunk.type === 'text-delta') text += chunk.text;
    if (chunk.type === 'usage') usages.push(chunk.usage);
    if (chunk.type === 'finish') finishReasons.push(chunk.finishReason);
    if (chunk.type === 'tool-call-delta') {
      const call = (toolCalls[chunk.index] ??= { arguments: '' });
      if (chunk.id !== undefined) call.id = chunk.id;
      if (chunk.name !== undefined) call.name = chunk.name;
      call.arguments += chunk.argumentsDelta;
    }
  }
  return { text, toolCalls, usages, finishReasons };
}

/** The ids made up for calls Gemini gave none: OpenAI's shape, `call_` and 24 characters. */
const generatedId = /^call_[0-9a-f]{24}$/;

describe('Gemini stream decoder with the recorded streams', () => {
  it('decodes thought summaries (`thought: true`) as reasoning deltas, before the text (test/fixtures/gemini/streamGenerateContent-sse-thought-parts.sse)', () => {
    const recorded = recordedGeminiAnswer('streamGenerateContent-sse-thought-parts.sse');
    const { chunks, decoder } = decodeAll(readGeminiRecordingEvents('streamGenerateContent-sse-thought-parts.sse'));
    const types = chunks.map((chunk) => chunk.type);
    // gemini-2.5-pro's four thought events, then the answer's sixteen text events, its usage and finish.
    expect(types).toEqual([...Array<string>(4).fill('reasoning-delta'), ...Array<string>(16).fill('text-delta'), 'usage', 'finish']);
    const reasoning = chunks.map((chunk) => (chunk.type === 'reasoning-delta' ? chunk.text : '')).join('');
    expect(reasoning).toBe(recorded.thoughts);
    expect(reasoning).toMatch(/^\*\*Defining the Goal\*\*/);
    expect(assemble(chunks)).toMatchObject({ text: recorded.text, finishReasons: ['stop'] });
    expect(assemble(chunks).usages).toEqual([{ inputTokens: 34, outputTokens: 1146, totalTokens: 1180, reasoningTokens: 759 }]);
    expect(decoder.done).toBe(true);
  });

  it('decodes streamGenerateContent-sse.sse (CRLF framed, no [DONE])', () => {
    const { decoder, chunks } = decodeAll(readFixtureSseEvents('streamGenerateContent-sse.sse'));
    expect(assemble(chunks)).toEqual({
      text: 'The capital of Canada is Ottawa.\nFinal Answer: Ottawa\n',
      toolCalls: [],
      usages: [{ inputTokens: 163, outputTokens: 13, totalTokens: 176 }],
      finishReasons: ['stop'],
    });
    expect(decoder.done).toBe(true);
    expect(decoder.model).toBe('gemini-2.0-flash-exp');
    expect(decoder.responseId).toBe('s-s5aZrOHoOvgLUPpteaqAQ');
  });

  it('decodes streamGenerateContent-sse-3chunks.sse, with usage once, from the last event', () => {
    const events = readFixtureSseEvents('streamGenerateContent-sse-3chunks.sse');
    expect(events).toHaveLength(3);
    const { decoder, chunks } = decodeAll(events);
    expect(assemble(chunks)).toEqual({
      text: 'The capital of France is Paris.\n',
      toolCalls: [],
      usages: [{ inputTokens: 13, outputTokens: 8, totalTokens: 21 }],
      finishReasons: ['stop'],
    });
    expect(decoder.done).toBe(true);
  });

  it('is not done before the event with a finishReason', () => {
    const events = readFixtureSseEvents('streamGenerateContent-sse-3chunks.sse');
    const { decoder, chunks } = decodeAll(events.slice(0, 2));
    expect(decoder.done).toBe(false);
    expect(chunks).toEqual([
      { type: 'text-delta', text: 'The' },
      { type: 'text-delta', text: ' capital of France' },
    ]);
  });

  it('decodes a whole function call in one event as a tool call (streamGenerateContent-sse-function-call.sse)', () => {
    const { decoder, chunks } = decodeAll(readFixtureSseEvents('streamGenerateContent-sse-function-call.sse'));
    expect(chunks).toEqual([
      {
        type: 'tool-call-delta',
        index: 0,
        id: expect.stringMatching(generatedId),
        name: 'get_current_temperature',
        argumentsDelta: '{"city":"San Francisco"}',
      },
      { type: 'usage', usage: { inputTokens: 36, outputTokens: 8, totalTokens: 44 } },
      { type: 'finish', finishReason: 'tool_calls' },
    ]);
    expect(decoder.done).toBe(true);
  });

  it('keeps the thought signature of a function call (the generateContent-function-call.json body as one event)', () => {
    // A stream event is a whole GenerateContentResponse: the recorded body is one as it stands.
    const data = readFixtureText('generateContent-function-call.json');
    const { chunks } = decodeAll([{ data }]);
    const signature = (JSON.parse(data) as { candidates: [{ content: { parts: [{ thoughtSignature: string }] } }] }).candidates[0]
      .content.parts[0].thoughtSignature;
    const call = chunks.find((chunk) => chunk.type === 'tool-call-delta');
    expect(call).toMatchObject({ index: 0, name: 'calculator', thoughtSignature: signature });
  });

  it('decodes the vercel recording, framed as data events (streamGenerateContent.vercel.chunks.jsonl)', () => {
    const { decoder, chunks } = decodeAll(readFixtureJsonlEvents('streamGenerateContent.vercel.chunks.jsonl'));
    expect(assemble(chunks)).toEqual({
      text: 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y',
      toolCalls: [],
      usages: [{ inputTokens: 9, outputTokens: 208, totalTokens: 217, reasoningTokens: 185 }],
      finishReasons: ['stop'],
    });
    expect(decoder.model).toBe('gemini-3-pro-preview');
    expect(decoder.done).toBe(true);
  });
});

describe('Gemini stream decoder', () => {
  it('throws the error a data payload carries', () => {
    const decoder = createGeminiStreamDecoder(options);
    const decode = () => decoder.decode({ data: readFixtureText('error-503-unavailable-overloaded.json') });
    expect(decode).toThrow(ProviderError);
    expect(decode).toThrow(expect.objectContaining({ reason: 'overloaded', statusCode: 503 }));
  });

  it('throws content_filter when the prompt is blocked', () => {
    const decode = () => createGeminiStreamDecoder(options).decode({ data: '{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"}}' });
    expect(decode).toThrow(expect.objectContaining({ reason: 'content_filter' }));
  });

  it('throws generation_failed when a candidate ends in a malformed function call', () => {
    const decoder = createGeminiStreamDecoder(options);
    expect(() => decoder.decode({ data: '{"candidates":[{"content":{},"finishReason":"MALFORMED_FUNCTION_CALL","index":0}]}' })).toThrow(
      expect.objectContaining({ reason: 'generation_failed', providerCode: 'MALFORMED_FUNCTION_CALL' }),
    );
  });

  it('ends with content_filter when a candidate stops for safety mid-answer', () => {
    const decoder = createGeminiStreamDecoder(options);
    decoder.decode({ data: '{"candidates":[{"content":{"parts":[{"text":"Once"}],"role":"model"}}]}' });
    expect(decoder.decode({ data: '{"candidates":[{"finishReason":"SAFETY","index":0}]}' })).toEqual([
      { type: 'finish', finishReason: 'content_filter' },
    ]);
    expect(decoder.done).toBe(true);
  });

  it('numbers function calls across events, a thought part before them being reasoning', () => {
    const decoder = createGeminiStreamDecoder(options);
    const first = decoder.decode({
      data: '{"candidates":[{"content":{"parts":[{"text":"plan","thought":true},{"functionCall":{"name":"a","args":{}}}],"role":"model"}}]}',
    });
    const second = decoder.decode({
      data: '{"candidates":[{"content":{"parts":[{"functionCall":{"name":"b","args":{"x":1}}}],"role":"model"},"finishReason":"STOP"}]}',
    });
    expect([...first, ...second]).toEqual([
      { type: 'reasoning-delta', text: 'plan' },
      { type: 'tool-call-delta', index: 0, id: expect.stringMatching(generatedId), name: 'a', argumentsDelta: '{}' },
      { type: 'tool-call-delta', index: 1, id: expect.stringMatching(generatedId), name: 'b', argumentsDelta: '{"x":1}' },
      { type: 'finish', finishReason: 'tool_calls' },
    ]);
    const ids = [...first, ...second].flatMap((chunk) => (chunk.type === 'tool-call-delta' ? [chunk.id] : []));
    expect(new Set(ids).size).toBe(2);
  });

  it('throws a typed error for data that is not JSON', () => {
    expect(() => createGeminiStreamDecoder(options).decode({ data: '{"candidates": [' })).toThrow(
      expect.objectContaining({ reason: 'server_error' }),
    );
  });
});
