import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import type { StreamResult } from '../routing/router-options.js';
import type { StreamChunk } from '../types.js';
import { AiSdkStreamChunks } from './ai-sdk-stream-chunks.js';
import { AiSdkStreamParts } from './ai-sdk-stream-parts.js';

const result: StreamResult = {
  content: 'Checking.',
  toolCalls: [{ id: 'toolu_1', name: 'getWeather', arguments: '{"city":"Paris"}' }],
  finishReason: 'tool_calls',
  provider: 'anthropic',
  model: 'claude-haiku-4-5-20251001',
  latencyMs: 420,
  timeToFirstTokenMs: 180,
  usage: { inputTokens: 12, outputTokens: 30, totalTokens: 42 },
  costUsd: 0.0001296,
  cached: false,
  attempts: [{ provider: 'anthropic', model: 'claude-haiku-4-5-20251001', outcome: 'success', startedAtMs: 1000, durationMs: 180 }],
  requestId: 'req_1',
  responseId: 'msg_1',
};

/** Chunks as our decoders emit them: the first tool-call delta has id and name, then argument pieces. */
const chunks: StreamChunk[] = [
  { type: 'text-delta', text: 'Check' },
  { type: 'text-delta', text: 'ing.' },
  { type: 'tool-call-delta', index: 0, id: 'toolu_1', name: 'getWeather', argumentsDelta: '' },
  { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":' },
  { type: 'tool-call-delta', index: 0, argumentsDelta: '"Paris"}' },
  { type: 'usage', usage: { inputTokens: 12, outputTokens: 30, totalTokens: 42 } },
  { type: 'finish', finishReason: 'tool_calls' },
];

function toParts(input: readonly StreamChunk[], final: StreamResult): LanguageModelV3StreamPart[] {
  const mapper = new AiSdkStreamParts();
  return [...input.flatMap((chunk) => mapper.map(chunk)), ...mapper.finish(final)];
}

describe('AiSdkStreamParts', () => {
  it('opens one text block, streams tool input by the call id, and closes both before finish', () => {
    const parts = toParts(chunks, result);
    expect(parts.map((part) => part.type)).toEqual([
      'text-start',
      'text-delta',
      'text-delta',
      'tool-input-start',
      'tool-input-delta',
      'tool-input-delta',
      'text-end',
      'tool-input-end',
      'tool-call',
      'response-metadata',
      'finish',
    ]);
    expect(parts).toContainEqual({ type: 'tool-input-start', id: 'toolu_1', toolName: 'getWeather' });
    expect(parts).toContainEqual({ type: 'tool-call', toolCallId: 'toolu_1', toolName: 'getWeather', input: '{"city":"Paris"}' });
    // The answer's own id, not the HTTP request's.
    expect(parts).toContainEqual({ type: 'response-metadata', id: 'msg_1', modelId: 'claude-haiku-4-5-20251001' });
    const finish = parts.at(-1);
    expect(finish).toMatchObject({
      type: 'finish',
      finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
      usage: { inputTokens: { total: 12 }, outputTokens: { total: 30 } },
      providerMetadata: {
        backupModels: { provider: 'anthropic', model: 'claude-haiku-4-5-20251001', cached: false, latencyMs: 420, timeToFirstTokenMs: 180 },
      },
    });
  });

  it('streams reasoning as one reasoning block, closed when the answer begins, and back as reasoning chunks', () => {
    const reasoned: StreamChunk[] = [
      { type: 'reasoning-delta', text: 'Paris is ' },
      { type: 'reasoning-delta', text: 'the capital.' },
      { type: 'text-delta', text: 'Paris.' },
      { type: 'finish', finishReason: 'stop' },
    ];
    const parts = toParts(reasoned, { ...result, content: 'Paris.', reasoning: 'Paris is the capital.', toolCalls: [], finishReason: 'stop' });
    expect(parts.slice(0, 6)).toEqual([
      { type: 'reasoning-start', id: 'reasoning-0' },
      { type: 'reasoning-delta', id: 'reasoning-0', delta: 'Paris is ' },
      { type: 'reasoning-delta', id: 'reasoning-0', delta: 'the capital.' },
      { type: 'reasoning-end', id: 'reasoning-0' },
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', delta: 'Paris.' },
    ]);
    const back = new AiSdkStreamChunks();
    expect(parts.flatMap((part) => { const mapped = back.map(part); return Array.isArray(mapped) ? mapped : []; }).filter((chunk) => chunk.type === 'reasoning-delta')).toEqual(reasoned.slice(0, 2));
    // Reasoning again after the text is a block of its own: the first one is closed.
    const interleaved = toParts(
      [{ type: 'reasoning-delta', text: 'a' }, { type: 'text-delta', text: 'b' }, { type: 'reasoning-delta', text: 'c' }, { type: 'text-delta', text: 'd' }],
      { ...result, toolCalls: [] },
    );
    expect(interleaved.filter((part) => part.type.startsWith('reasoning')).map((part) => `${part.type}:${(part as { id: string }).id}`)).toEqual([
      'reasoning-start:reasoning-0',
      'reasoning-delta:reasoning-0',
      'reasoning-end:reasoning-0',
      'reasoning-start:reasoning-1',
      'reasoning-delta:reasoning-1',
      'reasoning-end:reasoning-1',
    ]);
    // Reasoning that ends the stream is closed before the finish.
    const onlyReasoning = toParts([{ type: 'reasoning-delta', text: 'hmm' }], { ...result, toolCalls: [] });
    expect(onlyReasoning.map((part) => part.type)).toEqual(['reasoning-start', 'reasoning-delta', 'reasoning-end', 'response-metadata', 'finish']);
  });

  it('holds arguments that arrive before the tool name, and sends an empty input as {}', () => {
    const mapper = new AiSdkStreamParts();
    expect(mapper.map({ type: 'tool-call-delta', index: 0, id: 'c0', argumentsDelta: '{"a"' })).toEqual([]);
    expect(mapper.map({ type: 'tool-call-delta', index: 0, name: 'f', argumentsDelta: ':1}' })).toEqual([
      { type: 'tool-input-start', id: 'c0', toolName: 'f' },
      { type: 'tool-input-delta', id: 'c0', delta: '{"a":1}' },
    ]);
    mapper.map({ type: 'tool-call-delta', index: 1, id: 'c1', name: 'g', argumentsDelta: '' });
    const closing = mapper.finish({ ...result, toolCalls: [] });
    expect(closing).toContainEqual({ type: 'tool-call', toolCallId: 'c1', toolName: 'g', input: '{}' });
  });
});

describe('AiSdkStreamChunks', () => {
  it('gives back our chunks from the parts we produce (round trip)', () => {
    const mapper = new AiSdkStreamChunks();
    const back = toParts(chunks, result).flatMap((part) => {
      const mapped = mapper.map(part);
      return Array.isArray(mapped) ? mapped : [];
    });
    expect(back).toEqual([
      { type: 'text-delta', text: 'Check' },
      { type: 'text-delta', text: 'ing.' },
      { type: 'tool-call-delta', index: 0, id: 'toolu_1', name: 'getWeather', argumentsDelta: '' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '"Paris"}' },
      { type: 'usage', usage: { inputTokens: 12, outputTokens: 30, totalTokens: 42 } },
      { type: 'finish', finishReason: 'tool_calls' },
    ]);
    expect(mapper.finished).toBe(true);
  });

  it('turns a tool call sent whole into one delta, numbering calls in order', () => {
    const mapper = new AiSdkStreamChunks();
    expect(mapper.map({ type: 'tool-call', toolCallId: 'a', toolName: 'f', input: '{"x":1}' })).toEqual([
      { type: 'tool-call-delta', index: 0, id: 'a', name: 'f', argumentsDelta: '{"x":1}' },
    ]);
    expect(mapper.map({ type: 'tool-input-start', id: 'b', toolName: 'g' })).toEqual([
      { type: 'tool-call-delta', index: 1, id: 'b', name: 'g', argumentsDelta: '' },
    ]);
    // Started but no delta carried the input: the final call's input is sent.
    expect(mapper.map({ type: 'tool-call', toolCallId: 'b', toolName: 'g', input: '{}' })).toEqual([
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{}' },
    ]);
  });

  it("carries Gemini's thought signature both ways: our delta to the tool-call part's providerMetadata, and back", () => {
    const parts = toParts(
      [{ type: 'tool-call-delta', index: 0, id: 'call_0', name: 'calculator', argumentsDelta: '{}', thoughtSignature: 'Cp8=' }],
      { ...result, toolCalls: [{ id: 'call_0', name: 'calculator', arguments: '{}', thoughtSignature: 'Cp8=' }] },
    );
    const toolCall = parts.find((part) => part.type === 'tool-call');
    expect(toolCall).toEqual({
      type: 'tool-call',
      toolCallId: 'call_0',
      toolName: 'calculator',
      input: '{}',
      providerMetadata: { google: { thoughtSignature: 'Cp8=' } },
    });
    const mapper = new AiSdkStreamChunks();
    // Whole, as a model without tool-input parts sends it (Vertex files it under its own name).
    expect(mapper.map({ ...toolCall!, providerMetadata: { vertex: { thoughtSignature: 'Cp9=' } } } as LanguageModelV3StreamPart)).toEqual([
      { type: 'tool-call-delta', index: 0, id: 'call_0', name: 'calculator', argumentsDelta: '{}', thoughtSignature: 'Cp9=' },
    ]);
    // After its input streamed: only the signature is left to send.
    const streamed = new AiSdkStreamChunks();
    streamed.map({ type: 'tool-input-start', id: 'call_0', toolName: 'calculator' });
    streamed.map({ type: 'tool-input-delta', id: 'call_0', delta: '{}' });
    expect(streamed.map(toolCall!)).toEqual([{ type: 'tool-call-delta', index: 0, argumentsDelta: '', thoughtSignature: 'Cp8=' }]);
  });

  it('returns an error part for the caller to throw, carries reasoning, and has no usage chunk without totals', () => {
    const mapper = new AiSdkStreamChunks();
    const failure = new Error('upstream broke');
    expect(mapper.map({ type: 'error', error: failure })).toEqual({ error: failure });
    expect(mapper.map({ type: 'reasoning-delta', id: 'r', delta: 'hmm' })).toEqual([{ type: 'reasoning-delta', text: 'hmm' }]);
    expect(mapper.map({ type: 'reasoning-delta', id: 'r', delta: '' })).toEqual([]);
    expect(
      mapper.map({
        type: 'finish',
        finishReason: { unified: 'stop', raw: 'end_turn' },
        usage: {
          inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: undefined, text: undefined, reasoning: undefined },
        },
      }),
    ).toEqual([{ type: 'finish', finishReason: 'stop' }]);
  });
});
