import { describe, expect, it } from 'vitest';
import type { ProviderError } from '../../errors.js';
import type { StreamChunk } from '../../types.js';
import {
  readOpenAIResponsesEvents,
  recordedPayloads,
  type OpenAIResponsesRecording,
} from '../../testing/openai-responses-recordings.test-support.js';
import { createOpenAIResponsesStreamDecoder } from './openai-responses-stream-decoder.js';
import { noResponseHeaders } from '../../http/response-headers.js';

const decodeRecording = (name: OpenAIResponsesRecording) => {
  const decoder = createOpenAIResponsesStreamDecoder({ providerId: 'openai', headers: noResponseHeaders });
  const chunks: StreamChunk[] = [];
  for (const event of readOpenAIResponsesEvents(name)) chunks.push(...decoder.decode(event));
  return { chunks, decoder };
};

const textOf = (chunks: readonly StreamChunk[], type: 'text-delta' | 'reasoning-delta') =>
  chunks.map((chunk) => (chunk.type === type ? chunk.text : '')).join('');
const argumentsOf = (chunks: readonly StreamChunk[]) => chunks.map((chunk) => (chunk.type === 'tool-call-delta' ? chunk.argumentsDelta : '')).join('');

/** What a recording says, read off its payloads here rather than by the code under test. */
const recordedDeltas = (name: OpenAIResponsesRecording, type: string) =>
  recordedPayloads(name)
    .filter((payload) => payload.type === type)
    .map((payload) => payload.delta)
    .join('');

describe('createOpenAIResponsesStreamDecoder', () => {
  it('streams the recorded text, then its usage and finish, and ends at response.completed', () => {
    const { chunks, decoder } = decodeRecording('responses-stream.chunks.txt');
    expect(textOf(chunks, 'text-delta')).toBe('OK');
    expect(chunks.slice(-2)).toEqual([
      { type: 'usage', usage: { inputTokens: 12, outputTokens: 2, totalTokens: 14 } },
      { type: 'finish', finishReason: 'stop' },
    ]);
    expect(decoder.done).toBe(true);
    expect(decoder.responseId).toBe('resp_sanitized_streaming');
  });

  it('streams a function call: its call_id and name first, its arguments delta by delta, not again at .done', () => {
    const { chunks } = decodeRecording('responses-stream-function-call.chunks.txt');
    const calls = chunks.filter((chunk) => chunk.type === 'tool-call-delta');
    expect(calls[0]).toEqual({ type: 'tool-call-delta', index: 0, id: 'call_2FQdm3Br7Qb35YUBSkDR7kue', name: 'get_weather', argumentsDelta: '' });
    expect(calls.every((call) => call.type === 'tool-call-delta' && call.index === 0)).toBe(true);
    expect(argumentsOf(chunks)).toBe('{"city":"Beijing"}');
    expect(chunks.at(-1)).toEqual({ type: 'finish', finishReason: 'tool_calls' });
  });

  it('streams the reasoning summary before the function call the model made while reasoning', () => {
    const name = 'responses-stream-reasoning-function-call.chunks.txt';
    const { chunks } = decodeRecording(name);
    expect(textOf(chunks, 'reasoning-delta')).toBe(recordedDeltas(name, 'response.reasoning_summary_text.delta'));
    expect(textOf(chunks, 'reasoning-delta')).toMatch(/^\*\*Calculating step-by-step using calculator\*\*/);
    const firstCall = chunks.findIndex((chunk) => chunk.type === 'tool-call-delta');
    const lastReasoning = chunks.findLastIndex((chunk) => chunk.type === 'reasoning-delta');
    expect(lastReasoning).toBeLessThan(firstCall);
    expect(argumentsOf(chunks)).toBe('{"a":12,"b":7,"op":"add"}');
    expect(chunks.find((chunk) => chunk.type === 'tool-call-delta')).toMatchObject({ id: 'call_AB6AaRZ1FYZB2RwS6A5vbdqn', name: 'calculator' });
  });

  it('sets a later summary part apart by a blank line', () => {
    const decoder = createOpenAIResponsesStreamDecoder({ providerId: 'openai', headers: noResponseHeaders });
    const event = (payload: object) => ({ data: JSON.stringify(payload) });
    const chunks = [
      { type: 'response.reasoning_summary_part.added', summary_index: 0 },
      { type: 'response.reasoning_summary_text.delta', summary_index: 0, delta: '**One**' },
      { type: 'response.reasoning_summary_part.added', summary_index: 1 },
      { type: 'response.reasoning_summary_text.delta', summary_index: 1, delta: '**Two**' },
    ].flatMap((payload) => decoder.decode(event(payload)));
    expect(textOf(chunks, 'reasoning-delta')).toBe('**One**\n\n**Two**');
  });

  it("throws the recorded error event's error: the exhausted quota", () => {
    const { chunks, error } = decodeUntilError('responses-stream-error-event.chunks.txt');
    expect(chunks).toEqual([]);
    expect(error).toMatchObject({ provider: 'openai', reason: 'quota_exhausted' });
    expect(error?.message).toContain('You exceeded your current quota');
  });

  it('throws the error of a recorded response.failed: the rate limit', () => {
    const { error } = decodeUntilError('responses-stream-failed.chunks.txt');
    expect(error).toMatchObject({ reason: 'rate_limit' });
    expect(error?.message).toContain('tokens per min (TPM)');
  });
});

function decodeUntilError(name: OpenAIResponsesRecording): { chunks: StreamChunk[]; error: ProviderError | undefined } {
  const decoder = createOpenAIResponsesStreamDecoder({ providerId: 'openai', headers: noResponseHeaders });
  const chunks: StreamChunk[] = [];
  try {
    for (const event of readOpenAIResponsesEvents(name)) chunks.push(...decoder.decode(event));
  } catch (error) {
    return { chunks, error: error as ProviderError };
  }
  return { chunks, error: undefined };
}
