/**
 * A reasoning effort through the router, end to end over HTTP to the provider test server (recorded
 * traffic): sent to the models that reason, in each wire's own way; their reasoning and reasoning tokens
 * come back; it shapes the cache key; a stream commits on the first reasoning it shows.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AllProvidersFailedError, BackupModelRouter, type BackupModelRouterOptions, InvalidArgumentError, type StreamChunk, StreamInterruptedError } from '../src/index.js';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/provider-test-server.js';

let server: ProviderTestServer;
let routers: BackupModelRouter[] = [];

beforeAll(async () => {
  server = await startProviderTestServer();
});
afterAll(async () => server.close());
beforeEach(() => server.reset());
afterEach(async () => {
  await Promise.all(routers.map((router) => router.close()));
  routers = [];
});

function makeRouter(options: BackupModelRouterOptions = {}): BackupModelRouter {
  const router = new BackupModelRouter({ env: server.environment(), cacheEnabled: false, ...options });
  routers.push(router);
  return router;
}

const o3Mini = [{ provider: 'openai', model: 'o3-mini' }];

describe('reasoningEffort', () => {
  it('reaches a reasoning model, whose reasoning tokens the result reports within the output it is charged for', async () => {
    server.setBehavior('openai', { kind: 'success', fixture: 'chat-completion-max_completion_tokens-o3-mini' });
    const result = await makeRouter().complete('Say hello.', { route: o3Mini, reasoningEffort: 'high', temperature: 0.5 });
    const sent = server.requests.at(-1)?.body as Record<string, unknown>;
    expect(sent['reasoning_effort']).toBe('high');
    expect(sent).not.toHaveProperty('temperature');
    expect(result.usage).toEqual({ inputTokens: 7, outputTokens: 87, totalTokens: 94, reasoningTokens: 64 });
    // o3-mini at $1.10 in and $4.40 out per million: the reasoning is billed as output.
    expect(result.costUsd).toBeCloseTo((7 * 1.1 + 87 * 4.4) / 1e6, 12);
    expect(result).not.toHaveProperty('reasoning');
  });

  it('asks every candidate of a race its own way, and the ones that do not reason as always', async () => {
    for (const provider of ['openai', 'anthropic', 'google']) server.setBehavior(provider, { kind: 'success', latencyMs: 100 });
    const route = [
      { provider: 'openai', model: 'gpt-4o-mini' },
      { provider: 'anthropic', model: 'claude-sonnet-4-6' },
      { provider: 'google', model: 'gemini-3.5-flash-lite' },
    ];
    await makeRouter({ parallelAttempts: 3 }).complete('Think, then answer.', { route, reasoningEffort: 'low', maxTokens: 200 });
    await server.waitForRequests(3);
    const sent = (provider: string) => server.requests.find((request) => request.provider === provider)?.body as Record<string, unknown>;
    expect(sent('openai')).not.toHaveProperty('reasoning_effort');
    expect(sent('openai')['max_tokens']).toBe(200);
    expect(sent('anthropic')).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 1024 }, max_tokens: 1224 });
    // gemini-3.5-flash-lite thinks by level: it is asked the effort's level, with the same room for it.
    expect(sent('google')['generationConfig']).toEqual({ maxOutputTokens: 1224, thinkingConfig: { thinkingLevel: 'low', includeThoughts: true } });
  });

  it('is part of the cache key: another effort is another answer', async () => {
    const router = makeRouter({ cacheEnabled: true });
    const options = { route: [{ provider: 'openai', model: 'gpt-4o-mini' }] };
    await router.complete('Same question', { ...options, reasoningEffort: 'low' });
    expect((await router.complete('Same question', { ...options, reasoningEffort: 'low' })).cached).toBe(true);
    expect((await router.complete('Same question', { ...options, reasoningEffort: 'high' })).cached).toBe(false);
    expect(server.requests).toHaveLength(2);
  });

  it('must be none, low, medium or high: anything else is a typed error before any call', async () => {
    const error = await makeRouter().complete('x', { reasoningEffort: 'max' as 'high' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/reasoningEffort must be 'none', 'low', 'medium' or 'high'/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('a stream that shows its reasoning', () => {
  it.each([undefined, 'none'] as const)('fails over while the provider is only reasoning, asked effort %s: reasoning is held, not committed on, until the answer begins', async (reasoningEffort) => {
    // Groq's recorded reasoning, then the connection drops before any answer text. Asked no reasoning (`none`), the
    // reasoning a model shows anyway is no more the caller's first token than when no effort is asked.
    server.setBehavior('groq', { kind: 'reset-after-events', fixture: 'chat-stream-error-tool-use-failed', events: 20 });
    const route = [
      { provider: 'groq', model: 'llama-3.3-70b-versatile' },
      { provider: 'openai', model: 'gpt-4o-mini' },
    ];
    const stream = makeRouter({ parallelAttempts: 1 }).stream('Call the tool.', { route, ...(reasoningEffort !== undefined ? { reasoningEffort } : {}) });
    const chunks: StreamChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const result = await stream.result;
    expect(result.provider).toBe('openai');
    expect(result.content.length).toBeGreaterThan(0);
    // None of the reasoning of the provider that failed reached the caller.
    expect(chunks.some((chunk) => chunk.type === 'reasoning-delta')).toBe(false);
    expect(result.attempts.map((attempt) => [attempt.provider, attempt.outcome])).toEqual([
      ['groq', 'failure'],
      ['openai', 'success'],
    ]);
  });

  it('yields the held reasoning first once the answer begins, then the answer', async () => {
    // Groq's recorded reasoning, a text put after it, then the recording's own error event.
    server.setBehavior('groq', { kind: 'success', fixture: 'chat-stream-error-tool-use-failed', text: 'Calling it.', textPieces: 2 });
    const stream = makeRouter().stream('Call the tool.', { route: [{ provider: 'groq', model: 'llama-3.3-70b-versatile' }] });
    const chunks: StreamChunk[] = [];
    const error = await (async () => {
      for await (const chunk of stream) chunks.push(chunk);
    })().catch((caught: unknown) => caught);
    const types = chunks.map((chunk) => chunk.type);
    const firstText = types.indexOf('text-delta');
    expect(firstText).toBeGreaterThan(10);
    expect(types.slice(0, firstText).every((type) => type === 'reasoning-delta')).toBe(true);
    expect(types.slice(firstText)).toEqual(['text-delta', 'text-delta']);
    // Past the answer's first token, a failure ends the stream instead of failing over, keeping what came.
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect(error).toMatchObject({ provider: 'groq', reason: 'generation_failed', partialText: 'Calling it.' });
  });

  it('fails over a provider that falls silent while reasoning, when its first-token limit passes', async () => {
    server.setBehavior('groq', { kind: 'stall-after-events', fixture: 'chat-stream-error-tool-use-failed', events: 20 });
    const route = [
      { provider: 'groq', model: 'llama-3.3-70b-versatile' },
      { provider: 'openai', model: 'gpt-4o-mini' },
    ];
    const stream = makeRouter({ parallelAttempts: 1 }).stream('Call the tool.', { route, firstTokenTimeoutMs: 400, idleTimeoutMs: 20_000 });
    for await (const _chunk of stream) {
      // drained
    }
    const result = await stream.result;
    expect(result.provider).toBe('openai');
    expect(result.attempts[0]).toMatchObject({ provider: 'groq', outcome: 'failure', reason: 'timeout' });
  });

  it('streams reasoning as it comes when the caller asked for it: the first reasoning is the first token', async () => {
    server.setBehavior('groq', { kind: 'success', fixture: 'chat-stream-error-tool-use-failed' });
    const stream = makeRouter().stream('Call the tool.', { route: [{ provider: 'groq', model: 'llama-3.3-70b-versatile' }], reasoningEffort: 'low' });
    const chunks: StreamChunk[] = [];
    const error = await (async () => {
      for await (const chunk of stream) chunks.push(chunk);
    })().catch((caught: unknown) => caught);
    expect(chunks.length).toBeGreaterThan(10);
    expect(chunks.every((chunk) => chunk.type === 'reasoning-delta')).toBe(true);
    // Committed on the reasoning: the error that came after it ends the stream instead of failing over,
    // keeping the reasoning that came.
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect(error).toMatchObject({ provider: 'groq', reason: 'generation_failed', partialText: '' });
    expect((error as StreamInterruptedError).partialReasoning).toMatch(/^We need to call the tool with invalid parameters first/);
  });

  it("fails the call with the provider's error when it ends during its reasoning, as before any answer", async () => {
    server.setBehavior('groq', { kind: 'success', fixture: 'chat-stream-error-tool-use-failed' });
    const stream = makeRouter().stream('Call the tool.', { route: [{ provider: 'groq', model: 'llama-3.3-70b-versatile' }] });
    const chunks: StreamChunk[] = [];
    const error = await (async () => {
      for await (const chunk of stream) chunks.push(chunk);
    })().catch((caught: unknown) => caught);
    expect(chunks).toEqual([]);
    // Before any answer it fails over, as any failed attempt does; with no one else to ask, the call fails
    // with Groq's error among the attempts' errors.
    expect(error).toBeInstanceOf(AllProvidersFailedError);
    expect((error as AllProvidersFailedError).errors).toEqual([
      expect.objectContaining({ provider: 'groq', reason: 'generation_failed', providerCode: 'tool_use_failed' }),
    ]);
  });
});
