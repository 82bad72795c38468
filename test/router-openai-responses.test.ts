/**
 * OpenAI's GPT-6 tiers on OpenAI's Responses API (`openAIWire: 'responses'` in the catalog), end to end over HTTP
 * through the router to the provider test server replaying recorded Responses traffic
 * (src/testing/recordings/openai-responses; test/fixtures/SOURCES.md). On chat completions these models refuse
 * function tools with reasoning; on Responses they reason with tools, so an agent's turns reach all three tiers.
 */
import { describe, expect, it } from 'vitest';
import type { Message, StreamChunk } from '../src/index.js';
import { recordedPayloads } from '../src/testing/openai-responses-recordings.test-support.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false });

const calculator = {
  name: 'calculator',
  description: 'A minimal calculator for basic arithmetic. Call it once per step.',
  parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' }, op: { type: 'string' } }, required: ['a', 'b', 'op'] },
};
const openAIRequests = () => harness.server.requests.filter((request) => request.provider === 'openai');
const sentToOpenAI = () => openAIRequests().at(-1)?.body as Record<string, unknown>;
const summaryOf = (name: 'responses-stream-reasoning-function-call.chunks.txt') =>
  recordedPayloads(name)
    .filter((payload) => payload.type === 'response.reasoning_summary_text.delta')
    .map((payload) => payload.delta)
    .join('');

describe("OpenAI's tiers on the Responses API", () => {
  it("answers a default-tier call from POST /responses, with its usage and its cost at gpt-6-luna's prices", async () => {
    const result = await harness.makeRouter().complete('Say ok.', { preferredProvider: 'openai', temperature: 0.7, maxTokens: 32 });
    expect(result).toMatchObject({ provider: 'openai', model: 'gpt-6-luna', content: 'ok', finishReason: 'stop' });
    expect(result.usage).toEqual({ inputTokens: 13, outputTokens: 5, totalTokens: 18 });
    expect(result.costUsd).toBeCloseTo((13 * 0.1 + 5 * 0.5) / 1e6, 12);
    expect(openAIRequests().map((request) => `${request.path} ${request.status}`)).toEqual(['/openai/v1/responses 200']);
    expect(sentToOpenAI()).toEqual({
      model: 'gpt-6-luna',
      input: [{ role: 'user', content: 'Say ok.' }],
      store: false,
      include: ['reasoning.encrypted_content'],
      max_output_tokens: 32,
    });
  });

  it('streams a default-tier answer with its usage', async () => {
    const chunks: StreamChunk[] = [];
    for await (const chunk of harness.makeRouter().stream('Say OK.', { preferredProvider: 'openai' })) chunks.push(chunk);
    expect(chunks.map((chunk) => (chunk.type === 'text-delta' ? chunk.text : '')).join('')).toBe('OK');
    expect(chunks.find((chunk) => chunk.type === 'usage')).toEqual({ type: 'usage', usage: { inputTokens: 12, outputTokens: 2, totalTokens: 14 } });
    expect(sentToOpenAI()).toMatchObject({ model: 'gpt-6-luna', stream: true, store: false });
  });

  it('asks gpt-6.2-sol (tier 3) a tool call with reasoning, then the follow-up with the function_call_output', async () => {
    harness.server.enqueue('openai', { kind: 'success', fixture: 'responses-function-call' });
    const router = harness.makeRouter();
    const question: Message = { role: 'user', content: 'Find papers on machine learning.' };
    const first = await router.complete([question], { tier: 3, preferredProvider: 'openai', tools: [calculator], reasoningEffort: 'high', parallelAttempts: 1 });
    expect(first).toMatchObject({ provider: 'openai', model: 'o3-2025-04-16', finishReason: 'tool_calls' });
    expect(first.toolCalls).toEqual([
      { id: 'call_2mhz5FtwkZnzXQkTOMtYZpZH', name: 'semantic_scholar_search', arguments: '{"query":"machine learning","limit":10,"offset":0,"year":0}' },
    ]);
    expect(sentToOpenAI()).toMatchObject({
      model: 'gpt-6.2-sol',
      reasoning: { effort: 'high' },
      tools: [{ type: 'function', name: 'calculator', description: calculator.description, parameters: calculator.parameters }],
    });

    const call = first.toolCalls[0]!;
    const history: Message[] = [question, { role: 'assistant', content: '', toolCalls: first.toolCalls }, { role: 'tool', toolCallId: call.id, content: '3 papers' }];
    const second = await router.complete(history, { tier: 3, preferredProvider: 'openai', tools: [calculator], reasoningEffort: 'high', parallelAttempts: 1 });
    expect(second).toMatchObject({ provider: 'openai', content: 'ok' });
    expect(sentToOpenAI()['input']).toEqual([
      { role: 'user', content: 'Find papers on machine learning.' },
      { type: 'function_call', call_id: 'call_2mhz5FtwkZnzXQkTOMtYZpZH', name: 'semantic_scholar_search', arguments: call.arguments },
      { type: 'function_call_output', call_id: 'call_2mhz5FtwkZnzXQkTOMtYZpZH', output: '3 papers' },
    ]);
  });

  it('shows the reasoning summary and counts its tokens', async () => {
    harness.server.enqueue('openai', { kind: 'success', fixture: 'responses-reasoning-summary' });
    const result = await harness.makeRouter().complete('What is (12 + 7) × 3 × 10?', { tier: 2, preferredProvider: 'openai', reasoningEffort: 'medium' });
    expect(result.reasoning).toMatch(/^\*\*Reporting final result\*\*/);
    expect(result.content).toContain('Final result: 570');
    expect(result.usage).toMatchObject({ outputTokens: 163, reasoningTokens: 128 });
    expect(sentToOpenAI()).toMatchObject({ model: 'gpt-6.1-terra', reasoning: { effort: 'medium' } });
  });

  it('streams the reasoning summary, then the tool call made while reasoning', async () => {
    harness.server.enqueue('openai', { kind: 'success', fixture: 'responses-stream-reasoning-function-call' });
    const chunks: StreamChunk[] = [];
    const stream = harness.makeRouter().stream('Compute it with the calculator.', { preferredProvider: 'openai', tools: [calculator], reasoningEffort: 'high' });
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => (chunk.type === 'reasoning-delta' ? chunk.text : '')).join('')).toBe(summaryOf('responses-stream-reasoning-function-call.chunks.txt'));
    const calls = chunks.filter((chunk) => chunk.type === 'tool-call-delta');
    expect(calls.map((chunk) => (chunk.type === 'tool-call-delta' ? chunk.argumentsDelta : '')).join('')).toBe('{"a":12,"b":7,"op":"add"}');
    expect(chunks.findLastIndex((chunk) => chunk.type === 'reasoning-delta')).toBeLessThan(chunks.indexOf(calls[0]!));
    expect(sentToOpenAI()).toMatchObject({ stream: true, reasoning: { effort: 'high' } });
  });

  it.each([
    ['a 429 (the recorded rate limit)', { kind: 'error', fixture: 'error-429-rate-limit-rpm' }, 'rate_limit'],
    ['a 503 (the recorded overload)', { kind: 'error', fixture: 'error-503-model-overloaded' }, 'overloaded'],
    ['a 500 (the recorded server error)', { kind: 'error', fixture: 'error-500-server-error' }, 'server_error'],
  ] as const)('fails over from %s of the Responses endpoint', async (_name, behavior, reason) => {
    harness.server.setBehavior('openai', behavior);
    const result = await harness.makeRouter().complete('Say ok.', { preferredProvider: 'openai', parallelAttempts: 1, maxRetries: 0 });
    expect(result.provider).not.toBe('openai');
    expect(result.attempts[0]).toMatchObject({ provider: 'openai', model: 'gpt-6-luna', outcome: 'failure', reason });
    expect(openAIRequests().every((request) => request.path === '/openai/v1/responses')).toBe(true);
  });

  it("fails over from the Responses stream's recorded error event before its first token", async () => {
    harness.server.setBehavior('openai', { kind: 'error-event-after-events', events: 2 });
    const chunks: StreamChunk[] = [];
    const stream = harness.makeRouter().stream('Say ok.', { preferredProvider: 'openai', parallelAttempts: 1, maxRetries: 0 });
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.some((chunk) => chunk.type === 'text-delta')).toBe(true);
    expect(stream.attempts[0]).toMatchObject({ provider: 'openai', outcome: 'failure', reason: 'quota_exhausted' });
  });

  it('does not send a call with stop sequences to the Responses API, which has none: it fails over, nothing sent to OpenAI', async () => {
    const result = await harness.makeRouter().complete('List three.', { preferredProvider: 'openai', stop: ['\n\n'], parallelAttempts: 1 });
    expect(result.provider).not.toBe('openai');
    expect(result.attempts[0]).toMatchObject({ provider: 'openai', outcome: 'failure', reason: 'generation_failed' });
    expect(openAIRequests()).toHaveLength(0);
  });
});
