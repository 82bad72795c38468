import { describe, expect, it } from 'vitest';
import type { CompletionResult } from '../routing/router-options.js';
import { ChatCompletionChunkEncoder, sseDone, toChatCompletion, toOpenAIUsage } from './openai-response.js';

const base: CompletionResult = {
  content: 'Hello!',
  toolCalls: [],
  finishReason: 'stop',
  provider: 'groq',
  model: 'llama-3.1-8b-instant',
  latencyMs: 12,
  usage: { inputTokens: 5, outputTokens: 2, totalTokens: 7 },
  costUsd: undefined,
  cached: false,
  attempts: [],
  requestId: 'req_1',
};

function parseEvent(event: string): Record<string, unknown> {
  expect(event.startsWith('data: ')).toBe(true);
  expect(event.endsWith('\n\n')).toBe(true);
  return JSON.parse(event.slice(6)) as Record<string, unknown>;
}

describe('toChatCompletion', () => {
  it('says which provider and model served, in the model field', () => {
    expect(toChatCompletion(base, { id: 'chatcmpl-1', createdSeconds: 100 })).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 100,
      model: 'groq/llama-3.1-8b-instant',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!', refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
    });
  });

  it('gives tool calls with null content, and maps our other finish reasons to stop', () => {
    const completion = toChatCompletion(
      { ...base, content: '', finishReason: 'tool_calls', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }], usage: undefined },
      { id: 'x', createdSeconds: 1 },
    );
    expect(completion.choices).toEqual([
      {
        index: 0,
        message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }], refusal: null },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ]);
    expect(completion).not.toHaveProperty('usage');
    const signedCall = { id: 'call_0', name: 'calculator', arguments: '{}', thoughtSignature: 'Cp8DAb4+sig==' };
    const signed = toChatCompletion({ ...base, finishReason: 'tool_calls', toolCalls: [signedCall] }, { id: 'x', createdSeconds: 1 });
    expect((signed.choices as { message: { tool_calls: unknown[] } }[])[0]!.message.tool_calls).toEqual([
      { id: 'call_0', type: 'function', function: { name: 'calculator', arguments: '{}' }, extra_content: { google: { thought_signature: 'Cp8DAb4+sig==' } } },
    ]);
    const other = toChatCompletion({ ...base, finishReason: 'other' }, { id: 'x', createdSeconds: 1 });
    expect((other.choices as { finish_reason: string }[])[0]!.finish_reason).toBe('stop');
  });
});

describe('reasoning in chat completions', () => {
  it("puts a model's shown reasoning in message.reasoning_content, and its reasoning tokens in completion_tokens_details", () => {
    const completion = toChatCompletion(
      { ...base, reasoning: 'Greet back.', usage: { inputTokens: 5, outputTokens: 70, totalTokens: 75, reasoningTokens: 68 } },
      { id: 'chatcmpl-1', createdSeconds: 1 },
    ) as { choices: { message: Record<string, unknown> }[]; usage: Record<string, unknown> };
    expect(completion.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'Hello!', reasoning_content: 'Greet back.' });
    expect(completion.usage).toEqual({ prompt_tokens: 5, completion_tokens: 70, total_tokens: 75, completion_tokens_details: { reasoning_tokens: 68 } });
    const plain = toChatCompletion(base, { id: 'chatcmpl-2', createdSeconds: 1 }) as { choices: { message: Record<string, unknown> }[] };
    expect(plain.choices[0]?.message).not.toHaveProperty('reasoning_content');
  });

  it('streams reasoning deltas as delta.reasoning_content, and sends no event for an empty one', () => {
    const encoder = new ChatCompletionChunkEncoder({ id: 'chatcmpl-9', createdSeconds: 5, model: 'openai/o3-mini' });
    expect(parseEvent(encoder.delta({ type: 'reasoning-delta', text: 'Think "twice"' })!)).toMatchObject({
      choices: [{ index: 0, delta: { reasoning_content: 'Think "twice"' }, finish_reason: null }],
    });
    expect(encoder.delta({ type: 'reasoning-delta', text: '' })).toBeUndefined();
  });
});

describe('toOpenAIUsage', () => {
  it('says how many prompt tokens came from the cache, when the provider said so', () => {
    expect(toOpenAIUsage({ inputTokens: 10, outputTokens: 2, totalTokens: 12 })).toEqual({ prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 });
    expect(toOpenAIUsage({ inputTokens: 2048, outputTokens: 2, totalTokens: 2050, cachedInputTokens: 1920 })).toEqual({
      prompt_tokens: 2048,
      completion_tokens: 2,
      total_tokens: 2050,
      prompt_tokens_details: { cached_tokens: 1920 },
    });
  });
});

describe('ChatCompletionChunkEncoder', () => {
  it('encodes role, deltas, finish and usage with one stable id', () => {
    const encoder = new ChatCompletionChunkEncoder({ id: 'chatcmpl-9', createdSeconds: 5, model: 'tier-1' });
    const role = parseEvent(encoder.role());
    encoder.setModel('openai/gpt-4o-mini');
    const text = parseEvent(encoder.delta({ type: 'text-delta', text: 'Hé "quoted"\n' })!);
    const tool = parseEvent(encoder.delta({ type: 'tool-call-delta', index: 0, id: 'call_1', name: 'get_weather', argumentsDelta: '' })!);
    const toolMore = parseEvent(encoder.delta({ type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":' })!);
    const finish = parseEvent(encoder.finish('tool_calls'));
    const usage = parseEvent(encoder.usage({ inputTokens: 3, outputTokens: 4, totalTokens: 7 }));
    expect(role).toEqual({ id: 'chatcmpl-9', object: 'chat.completion.chunk', created: 5, model: 'tier-1', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] });
    expect(text).toMatchObject({ id: 'chatcmpl-9', model: 'openai/gpt-4o-mini', choices: [{ delta: { content: 'Hé "quoted"\n' }, finish_reason: null }] });
    expect(tool).toMatchObject({ choices: [{ delta: { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] } }] });
    expect(toolMore).toMatchObject({ choices: [{ delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] } }] });
    expect(finish).toMatchObject({ choices: [{ delta: {}, finish_reason: 'tool_calls' }] });
    expect(usage).toMatchObject({ id: 'chatcmpl-9', choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } });
    expect(encoder.delta({ type: 'usage', usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } })).toBeUndefined();
    const signed = parseEvent(encoder.delta({ type: 'tool-call-delta', index: 1, id: 'call_2', name: 'f', argumentsDelta: '{}', thoughtSignature: 'Cp8=' })!);
    expect(signed).toMatchObject({ choices: [{ delta: { tool_calls: [{ index: 1, extra_content: { google: { thought_signature: 'Cp8=' } } }] } }] });
    expect(JSON.stringify(tool)).not.toContain('extra_content');
    expect(sseDone).toBe('data: [DONE]\n\n');
  });
});
