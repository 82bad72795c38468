import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../errors.js';
import type { FinishReason } from '../../types.js';
import { readGeminiRecording, recordedGeminiAnswer } from '../../testing/gemini-recordings.test-support.js';
import { readFixtureJson, readFixtureResponseHeaders } from './gemini-fixtures.test-support.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
import { parseGeminiResponse } from './parse-gemini-response.js';
import { noResponseHeaders } from '../../http/response-headers.js';

const options = { providerId: 'google', headers: noResponseHeaders };

/** The one field of the recorded function call these tests read. */
interface RecordedFunctionCallBody {
  readonly candidates: readonly [{ readonly content: { readonly parts: readonly [{ readonly thoughtSignature: string }] } }];
}

/** The ids made up for calls Gemini gave none: OpenAI's shape, `call_` and 24 characters. */
const generatedId = /^call_[0-9a-f]{24}$/;

describe('parseGeminiResponse with the recorded responses', () => {
  it('reads a text answer, counting thinking tokens as output (generateContent.json)', () => {
    const { headers } = readFixtureResponseHeaders('generateContent.headers.txt');
    expect(parseGeminiResponse(readFixtureJson('generateContent.json'), { providerId: 'google', headers })).toEqual({
      content: '2 + 2 is 4.',
      toolCalls: [],
      finishReason: 'stop',
      usage: { inputTokens: 15, outputTokens: 114, totalTokens: 129, reasoningTokens: 106 },
      model: 'gemini-3-pro-preview',
      requestId: 'fDgtaaDNHvze_uMP_svB8QM',
      responseId: 'fDgtaaDNHvze_uMP_svB8QM',
    });
  });

  it("reads a thought summary (`thought: true`) as the reasoning, apart from the answer (test/fixtures/gemini/generateContent-thought-parts.json)", () => {
    const recorded = recordedGeminiAnswer('generateContent-thought-parts.json');
    expect(recorded.thoughts).toMatch(/^\*\*A Safe Street-Crossing Guide: My Thought Process\*\*/);
    expect(parseGeminiResponse(JSON.parse(readGeminiRecording('generateContent-thought-parts.json')), options)).toEqual({
      content: recorded.text,
      reasoning: recorded.thoughts,
      toolCalls: [],
      finishReason: 'stop',
      usage: { inputTokens: 29, outputTokens: 1737, totalTokens: 1766, reasoningTokens: 1001 },
      model: 'gemini-3-pro-preview',
      requestId: 'ON4gaYT4Gc20qtsP2bSiiQ0',
      responseId: 'ON4gaYT4Gc20qtsP2bSiiQ0',
    });
  });

  it('reads a function call as a tool call with a made-up id and its thought signature (generateContent-function-call.json)', () => {
    const body = readFixtureJson('generateContent-function-call.json') as RecordedFunctionCallBody;
    const response = parseGeminiResponse(body, options);
    expect(response.content).toBe('');
    const thoughtSignature = body.candidates[0].content.parts[0].thoughtSignature;
    expect(thoughtSignature.length).toBeGreaterThan(100);
    expect(response.toolCalls).toEqual([{ id: expect.stringMatching(generatedId), name: 'calculator', arguments: '{"expression":"15 * 8"}', thoughtSignature }]);
    // Made up afresh for each answer: a conversation's second turn does not reuse the first's id.
    expect(parseGeminiResponse(body, options).toolCalls[0]?.id).not.toBe(response.toolCalls[0]?.id);
    expect(response.finishReason).toBe('tool_calls');
    expect(response.usage).toEqual({ inputTokens: 115, outputTokens: 112, totalTokens: 227, reasoningTokens: 95 });
    expect(response.model).toBe('gemini-2.5-flash');
    expect(response.requestId).toBe('Y1KWadvNMKz1jMcPiJeJmAI');
  });

  it('reads the vercel recording (generateContent.vercel.json)', () => {
    expect(parseGeminiResponse(readFixtureJson('generateContent.vercel.json'), options)).toMatchObject({
      content: "There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.",
      finishReason: 'stop',
      usage: { inputTokens: 9, outputTokens: 272, totalTokens: 281 },
    });
  });
});

describe('parseGeminiResponse', () => {
  it('skips thought parts and keeps a call id Gemini gave', () => {
    const response = parseGeminiResponse(
      {
        candidates: [
          {
            content: {
              role: 'model',
              parts: [
                { text: 'Thinking about it', thought: true },
                { text: 'Answer: ' },
                { functionCall: { id: 'fc-7', name: 'lookup', args: { q: 'x' } } },
                { functionCall: { name: 'now' } },
                { text: 'done' },
              ],
            },
            finishReason: 'STOP',
          },
        ],
      },
      options,
    );
    expect(response.content).toBe('Answer: done');
    expect(response.toolCalls).toEqual([
      { id: 'fc-7', name: 'lookup', arguments: '{"q":"x"}' },
      { id: expect.stringMatching(generatedId), name: 'now', arguments: '{}' },
    ]);
    expect(response.usage).toBeUndefined();
  });

  it('throws generation_failed for a malformed function call, a 200 with no usable answer (the recorded call, so ended)', () => {
    const body = readFixtureJson('generateContent-function-call.json') as { candidates: { content: unknown; finishReason: string }[] };
    body.candidates[0]!.content = {};
    body.candidates[0]!.finishReason = 'MALFORMED_FUNCTION_CALL';
    expect(() => parseGeminiResponse(body, options)).toThrow(
      expect.objectContaining({ provider: 'google', reason: 'generation_failed', providerCode: 'MALFORMED_FUNCTION_CALL' }),
    );
  });

  it('throws content_filter for a prompt blocked by the safety filter', () => {
    const parse = () =>
      parseGeminiResponse(
        { promptFeedback: { blockReason: 'SAFETY', safetyRatings: [] }, usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 } },
        options,
      );
    expect(parse).toThrow(ProviderError);
    expect(parse).toThrow(expect.objectContaining({ reason: 'content_filter', providerCode: 'SAFETY' }));
  });

  it('reads a candidate stopped by safety as content_filter without throwing', () => {
    const response = parseGeminiResponse({ candidates: [{ finishReason: 'SAFETY', index: 0 }] }, options);
    expect(response).toMatchObject({ content: '', finishReason: 'content_filter' });
  });

  it('throws for a body without candidates or an error body inside a 200', () => {
    expect(() => parseGeminiResponse({}, options)).toThrow(expect.objectContaining({ reason: 'server_error' }));
    expect(() => parseGeminiResponse('oops', options)).toThrow(ProviderError);
    expect(() => parseGeminiResponse(readFixtureJson('error-503-unavailable-overloaded.json'), options)).toThrow(
      expect.objectContaining({ reason: 'overloaded' }),
    );
  });
});

describe('mapGeminiFinishReason', () => {
  const cases: [string | undefined, boolean, FinishReason][] = [
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool_calls'],
    ['MAX_TOKENS', false, 'length'],
    ['SAFETY', false, 'content_filter'],
    ['RECITATION', false, 'content_filter'],
    ['BLOCKLIST', false, 'content_filter'],
    ['PROHIBITED_CONTENT', false, 'content_filter'],
    ['SPII', false, 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', true, 'error'],
    ['OTHER', false, 'other'],
    [undefined, false, 'other'],
  ];
  it.each(cases)('maps %s (tool calls: %s) to %s', (finishReason, hasToolCalls, expected) => {
    expect(mapGeminiFinishReason(finishReason, { hasToolCalls })).toBe(expected);
  });
});
