/**
 * The AI SDK provider end to end: the real `ai` package's generateText and streamText over a router whose
 * providers are the provider test server replaying recorded traffic.
 */
import { generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBackupModels } from '../src/ai-sdk/index.js';
import { defaultCatalog, Provider } from '../src/catalog.js';
import { InvalidArgumentError } from '../src/errors.js';
import { BackupModelRouter } from '../src/routing/backup-model-router.js';
import { type ProviderTestServer, startProviderTestServer } from '../src/testing/index.js';

const providerIds = Object.values(Provider);
let server: ProviderTestServer;
let router: BackupModelRouter;

// A server and router per test: the losers of one test's race must not reach the next test's server.
beforeEach(async () => {
  server = await startProviderTestServer();
  router = new BackupModelRouter({ env: server.environment(), cacheEnabled: false });
});

afterEach(async () => {
  await router.close();
  await server.close();
});

/** Every provider answers with the same text, so the answer is known whichever wins the race. */
function everyProviderSays(text: string): void {
  for (const id of providerIds) server.setBehavior(id, { kind: 'success', text });
}

describe('backupModels as an AI SDK model', () => {
  it('answers generateText through the router, with usage and who answered', async () => {
    everyProviderSays('Paris is the capital of France.');
    const backupModels = createBackupModels({ router });
    const result = await generateText({ model: backupModels('tier-2'), prompt: 'What is the capital of France?' });

    expect(result.text).toBe('Paris is the capital of France.');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    const metadata = result.providerMetadata?.['backupModels'];
    expect(providerIds).toContain(metadata?.['provider']);
    expect(metadata).toMatchObject({ cached: false });
    expect(Array.isArray(metadata?.['attempts'])).toBe(true);
    expect(result.response.modelId).toBe(metadata?.['model']);
    // Only providers with a tier-2 model were asked.
    const tierTwo = defaultCatalog.filter((definition) => definition.modelsByTier[2] !== undefined).map((definition) => definition.id);
    for (const request of server.requests) expect(tierTwo).toContain(request.provider);
    // The prompt reached a provider as a user message.
    const sent = server.requests.find((request) => request.route === 'chat');
    expect(JSON.stringify(sent?.body)).toContain('What is the capital of France?');
  });

  it("gives the AI SDK the answer's own id as response.id, not the HTTP request id", async () => {
    everyProviderSays('Paris.');
    const backupModels = createBackupModels({ router });
    const whole = await generateText({ model: backupModels('openai/gpt-4o-mini'), prompt: 'Capital of France?' });
    expect(whole.response.id).toMatch(/^chatcmpl-/);
    const streamed = streamText({ model: backupModels('anthropic/claude-haiku-4-5-20251001'), prompt: 'Capital of France?' });
    await streamed.consumeStream();
    expect((await streamed.response).id).toMatch(/^msg_/);
  });

  it('streams streamText text and ends with the usage and finish reason', async () => {
    everyProviderSays('One, two, three, four.');
    const backupModels = createBackupModels({ router });
    const result = streamText({ model: backupModels('tier-1'), prompt: 'Count to four.' });
    let text = '';
    for await (const delta of result.textStream) text += delta;

    expect(text).toBe('One, two, three, four.');
    expect(await result.finishReason).toBe('stop');
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
    expect((await result.providerMetadata)?.['backupModels']?.['timeToFirstTokenMs']).toEqual(expect.any(Number));
    expect(server.requests.filter((request) => request.route === 'chat').every((request) => request.stream)).toBe(true);
  });

  it('calls a tool with generateText, then sends its result back to the same provider', async () => {
    server.enqueue(Provider.OPENAI, { kind: 'success', fixture: 'chat-completion-tool-call' });
    server.setBehavior(Provider.OPENAI, { kind: 'success', text: 'The square of 5 is 25.' });
    const backupModels = createBackupModels({ router });
    const squared: number[] = [];
    const result = await generateText({
      model: backupModels('openai/gpt-4o-mini'),
      prompt: 'What is 5 squared?',
      tools: {
        square_number: tool({
          description: 'Square a number',
          inputSchema: jsonSchema<{ number: number }>({
            type: 'object',
            properties: { number: { type: 'number' } },
            required: ['number'],
          }),
          execute: async ({ number }) => {
            squared.push(number);
            return number * number;
          },
        }),
      },
      stopWhen: stepCountIs(2),
    });

    expect(squared).toEqual([5]);
    expect(result.steps[0]?.toolCalls).toMatchObject([
      { toolCallId: 'call_i6JVJ1KxX79A4WzFri98E03U', toolName: 'square_number', input: { number: 5 } },
    ]);
    expect(result.steps[0]?.finishReason).toBe('tool-calls');
    expect(result.text).toBe('The square of 5 is 25.');
    const [first, second] = server.requests.filter((request) => request.route === 'chat');
    expect(first?.provider).toBe(Provider.OPENAI);
    expect(first?.body).toMatchObject({ tools: [{ type: 'function', function: { name: 'square_number' } }] });
    expect(second?.body).toMatchObject({
      messages: expect.arrayContaining([
        expect.objectContaining({ role: 'tool', tool_call_id: 'call_i6JVJ1KxX79A4WzFri98E03U', content: '25' }),
      ]),
    });
  });

  it('streams a tool call: the recorded arguments arrive as tool input and a parsed call', async () => {
    server.setBehavior(Provider.OPENAI, { kind: 'success', fixture: 'chat-stream-tool-call' });
    const backupModels = createBackupModels({ router });
    const result = streamText({
      model: backupModels('openai/gpt-4o-mini'),
      prompt: 'What is the capital of France?',
      tools: {
        get_capital: tool({
          inputSchema: jsonSchema<{ country: string }>({
            type: 'object',
            properties: { country: { type: 'string' } },
            required: ['country'],
          }),
        }),
      },
    });
    const deltas: string[] = [];
    for await (const part of result.fullStream) if (part.type === 'tool-input-delta') deltas.push(part.delta);
    const toolCalls = await result.toolCalls;
    expect(toolCalls).toHaveLength(1);
    expect(toolCalls[0]).toMatchObject({ toolCallId: 'call_ZR5UUuTt3pf61kjwAJIYdVMj', toolName: 'get_capital' });
    expect(JSON.parse(deltas.join(''))).toEqual(toolCalls[0]?.input);
    expect(await result.finishReason).toBe('tool-calls');
  });

  it('ends a stream cut after its first token with an error part that keeps the partial text', async () => {
    server.setBehavior(Provider.OPENAI, { kind: 'reset-after-events', events: 4, text: 'Alpha beta gamma delta epsilon.', textPieces: 5 });
    const backupModels = createBackupModels({ router });
    const errors: unknown[] = [];
    const result = streamText({
      model: backupModels('openai/gpt-4o-mini'),
      prompt: 'Five words.',
      onError: ({ error }) => {
        errors.push(error);
      },
    });
    let text = '';
    for await (const part of result.fullStream) if (part.type === 'text-delta') text += part.text;
    expect(text.length).toBeGreaterThan(0);
    expect('Alpha beta gamma delta epsilon.'.startsWith(text)).toBe(true);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ name: 'StreamInterruptedError', provider: 'openai', partialText: text });
  });

  it('stops the upstream request when the caller aborts a streamText mid-stream', async () => {
    server.setBehavior(Provider.OPENAI, { kind: 'success', text: 'one two three four five six seven eight', textPieces: 8, chunkDelayMs: 40 });
    const backupModels = createBackupModels({ router });
    const controller = new AbortController();
    const result = streamText({
      model: backupModels('openai/gpt-4o-mini'),
      prompt: 'Count slowly.',
      abortSignal: controller.signal,
      onError: () => undefined,
    });
    let text = '';
    for await (const delta of result.textStream) {
      text += delta;
      controller.abort();
    }
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toBe('one two three four five six seven eight');
    const aborted = await server.waitForClientAbort({ provider: Provider.OPENAI });
    expect(aborted.stream).toBe(true);
  });

  it('rejects a call no provider could answer with the router error, and an unknown model id at once', async () => {
    server.setBehavior(Provider.OPENAI, { kind: 'error', fixture: 'error-401-invalid-api-key' });
    const backupModels = createBackupModels({ router });
    await expect(
      generateText({ model: backupModels('openai/gpt-4o-mini'), prompt: 'Hello', maxRetries: 0 }),
    ).rejects.toMatchObject({ name: 'AllProvidersFailedError', errors: [{ provider: 'openai', reason: 'authentication' }] });
    expect(() => backupModels('gpt-4o')).toThrow(InvalidArgumentError);
  });
});

describe('cost', () => {
  it('carries the cost of a call, from the catalog price and the recorded usage', async () => {
    server.setBehavior(Provider.OPENAI, { kind: 'success', fixture: 'chat-completion' });
    const result = await router.complete('Say SUCCESS', { route: [{ provider: Provider.OPENAI, model: 'gpt-4o-mini' }] });
    // The recording: 14 input and 1 output tokens on gpt-4o-mini-2024-07-18, priced as gpt-4o-mini.
    expect(result.usage).toEqual({ inputTokens: 14, outputTokens: 1, totalTokens: 15 });
    expect(result.costUsd).toBeCloseTo((14 * 0.15 + 1 * 0.6) / 1_000_000, 12);

    const backupModels = createBackupModels({ router });
    const viaAiSdk = await generateText({ model: backupModels('openai/gpt-4o-mini'), prompt: 'Say SUCCESS' });
    expect(viaAiSdk.providerMetadata?.['backupModels']?.['costUsd']).toBeCloseTo((14 * 0.15 + 0.6) / 1_000_000, 12);
  });

  it("asks the effort of providerOptions.openai.reasoningEffort of a reasoning model, and reports its reasoning tokens", async () => {
    server.setBehavior(Provider.OPENAI, { kind: 'success', fixture: 'chat-completion-max_completion_tokens-o3-mini' });
    const backupModels = createBackupModels({ router });
    const result = await generateText({
      model: backupModels('openai/o3-mini'),
      prompt: 'Say hello.',
      providerOptions: { openai: { reasoningEffort: 'high' } },
    });
    expect((server.requests.at(-1)?.body as Record<string, unknown>)['reasoning_effort']).toBe('high');
    expect(result.text).toBe('Hello there! How can I help you today?');
    expect(result.usage.outputTokenDetails.reasoningTokens).toBe(64);
    expect(result.usage.outputTokens).toBe(87);
  });

  it("streams a model's shown reasoning as streamText reasoning, then its text, then the error that ended it", async () => {
    // Groq's recorded reasoning, then a text put after it (the recording's call failed before any text).
    server.setBehavior(Provider.GROQ, { kind: 'success', fixture: 'chat-stream-error-tool-use-failed', text: 'Calling the tool.' });
    const backupModels = createBackupModels({ router });
    const result = streamText({ model: backupModels('groq/llama-3.3-70b-versatile'), prompt: 'Call the tool.', onError: () => undefined });
    let reasoning = '';
    let text = '';
    let failure: unknown;
    for await (const part of result.fullStream) {
      if (part.type === 'reasoning-delta') reasoning += part.text;
      if (part.type === 'text-delta') text += part.text;
      if (part.type === 'error') failure = part.error;
    }
    expect(text).toBe('Calling the tool.');
    expect(reasoning).toMatch(/^We need to call the tool with invalid parameters first/);
    expect(reasoning).toHaveLength(412);
    expect(String(failure)).toMatch(/Tool call validation failed/);
  });
});
