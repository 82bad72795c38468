/**
 * Any AI SDK language model as one more router candidate. The model here is a small real one over fetch to
 * the provider test server's OpenAI route, standing in for `@ai-sdk/mistral` and the like: it throws the AI
 * SDK's own APICallError, so its failures reach the router the way a third-party provider's would.
 */
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { generateText } from 'ai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aiSdkModelProvider, createBackupModels } from '../src/ai-sdk/index.js';
import { createOpenAiChatLanguageModel } from '../src/ai-sdk/openai-chat-language-model.test-support.js';
import { Provider } from '../src/catalog.js';
import { AllProvidersFailedError, NoProviderAvailableError } from '../src/errors.js';
import type { ModelProvider } from '../src/providers/model-provider.js';
import { BackupModelRouter } from '../src/routing/backup-model-router.js';
import type { BackupModelRouterOptions } from '../src/routing/router-options.js';
import type { RouterEvent } from '../src/routing/router-events.js';
import { type ProviderTestServer, startProviderTestServer } from '../src/testing/index.js';
import type { StreamChunk } from '../src/types.js';

let server: ProviderTestServer;
const routers: BackupModelRouter[] = [];

beforeEach(async () => {
  server = await startProviderTestServer();
});

afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close()));
  await server.close();
});

/** `mistral`: an AI SDK model whose HTTP goes to the test server's OpenAI route. */
function mistralCandidate(): ModelProvider {
  return aiSdkModelProvider({
    id: 'mistral',
    model: createOpenAiChatLanguageModel({
      baseUrl: server.baseUrlFor(Provider.OPENAI),
      apiKey: server.apiKeyFor(Provider.OPENAI),
      modelId: 'gpt-4o-mini',
    }),
    displayName: 'Mistral (AI SDK)',
    price: { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  });
}

/** A router whose built-in candidates are Groq and Anthropic (the others have no key), plus `mistral`. */
function routerWithMistral(options: BackupModelRouterOptions = {}): { router: BackupModelRouter; events: RouterEvent[] } {
  const router = new BackupModelRouter({
    env: server.environment([Provider.GROQ, Provider.ANTHROPIC]),
    cacheEnabled: false,
    extraProviders: [mistralCandidate()],
    ...options,
  });
  routers.push(router);
  const events: RouterEvent[] = [];
  router.onEvent((event) => events.push(event));
  return { router, events };
}

const onlyMistral = { route: [{ provider: 'mistral', model: 'gpt-4o-mini' }], parallelAttempts: 1 } as const;

describe('an AI SDK model as a router candidate', () => {
  it('is raced with the built-in providers and wins when it answers first', async () => {
    server.setBehavior(Provider.GROQ, { kind: 'success', latencyMs: 600 });
    server.setBehavior(Provider.ANTHROPIC, { kind: 'success', latencyMs: 600 });
    server.setBehavior(Provider.OPENAI, { kind: 'success', fixture: 'chat-completion' });
    const { router } = routerWithMistral();

    const result = await router.complete('Say SUCCESS', { tier: 2 });

    expect(result.provider).toBe('mistral');
    expect(result.content).toBe('SUCCESS');
    expect(result.model).toBe('gpt-4o-mini-2024-07-18');
    expect(result.responseId).toBe('chatcmpl-CYK4xLF7VAEVtvFmJ3ad8kFZdBfWl');
    expect(result.usage).toEqual({ inputTokens: 14, outputTokens: 1, totalTokens: 15 });
    expect(result.costUsd).toBeCloseTo((14 * 0.15 + 0.6) / 1_000_000, 12);
    const started = result.attempts.filter((attempt) => attempt.outcome !== 'skipped');
    const outcomes = Object.fromEntries(started.map((attempt) => [attempt.provider, attempt.outcome]));
    expect(outcomes).toEqual({ mistral: 'success', groq: 'aborted', anthropic: 'aborted' });
  });

  it('works through the AI SDK provider too: backupModels over a router that races an AI SDK model', async () => {
    server.setBehavior(Provider.GROQ, { kind: 'success', latencyMs: 600 });
    server.setBehavior(Provider.ANTHROPIC, { kind: 'success', latencyMs: 600 });
    server.setBehavior(Provider.OPENAI, { kind: 'success', text: 'Answered by the AI SDK model.' });
    const { router } = routerWithMistral();
    const backupModels = createBackupModels({ router });

    const result = await generateText({ model: backupModels('tier-2'), prompt: 'Who answers?' });

    expect(result.text).toBe('Answered by the AI SDK model.');
    expect(result.providerMetadata?.['backupModels']?.['provider']).toBe('mistral');
  });

  it('streams text and tool calls as our chunks', async () => {
    server.enqueue(Provider.OPENAI, { kind: 'success', text: 'Streamed through the AI SDK.', textPieces: 3 });
    server.enqueue(Provider.OPENAI, { kind: 'success', fixture: 'chat-stream-tool-call' });
    const { router } = routerWithMistral();

    const textStream = router.stream('Say something', onlyMistral);
    let text = '';
    for await (const chunk of textStream) if (chunk.type === 'text-delta') text += chunk.text;
    expect(text).toBe('Streamed through the AI SDK.');
    expect(await textStream.result).toMatchObject({ provider: 'mistral', responseId: 'chatcmpl-B87cPAYlQPYYJ6Ok4tP0dPmPyKu1u' });

    const toolStream = router.stream('Capital of France?', {
      ...onlyMistral,
      tools: [{ name: 'get_capital', parameters: { type: 'object', properties: { country: { type: 'string' } } } }],
    });
    const chunks: StreamChunk[] = [];
    for await (const chunk of toolStream) chunks.push(chunk);
    expect(chunks[0]).toEqual({ type: 'tool-call-delta', index: 0, id: 'call_ZR5UUuTt3pf61kjwAJIYdVMj', name: 'get_capital', argumentsDelta: '' });
    const result = await toolStream.result;
    expect(result.finishReason).toBe('tool_calls');
    expect(result.toolCalls).toHaveLength(1);
    expect(result.toolCalls[0]).toMatchObject({ id: 'call_ZR5UUuTt3pf61kjwAJIYdVMj', name: 'get_capital' });
    expect(JSON.parse(result.toolCalls[0]?.arguments ?? '')).toEqual(expect.objectContaining({ country: expect.any(String) }));
  });

  it('opens its circuit breaker after server errors, like a built-in provider', async () => {
    server.setBehavior(Provider.OPENAI, { kind: 'error', fixture: 'error-500-server-error' });
    const { router, events } = routerWithMistral({ breaker: { consecutiveFailures: 2 } });

    for (let call = 0; call < 2; call++) {
      const failure = await router.complete('Hello', onlyMistral).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AllProvidersFailedError);
      expect((failure as AllProvidersFailedError).errors[0]).toMatchObject({ provider: 'mistral', reason: 'server_error', statusCode: 500 });
    }
    expect(events).toContainEqual({ type: 'circuit-change', provider: 'mistral', from: 'closed', to: 'open' });
    expect(router.getHealthStatus()['mistral']).toMatchObject({ circuitState: 'open', lastFailureReason: 'server_error' });

    // Its circuit is open: of two calls at once, one takes the last resort (panic mode), one is refused at once.
    const outcomes = await Promise.all([
      router.complete('Hello', onlyMistral).catch((error: unknown) => error),
      router.complete('Hello', onlyMistral).catch((error: unknown) => error),
    ]);
    expect(outcomes.filter((outcome) => outcome instanceof NoProviderAvailableError)).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome instanceof AllProvidersFailedError)).toHaveLength(1);
    expect(server.requests.filter((request) => request.route === 'chat')).toHaveLength(3);
  });

  it('cools down on a rate limit for as long as Retry-After says', async () => {
    server.setBehavior(Provider.OPENAI, { kind: 'error', fixture: 'error-429-rate-limit-rpm', headers: { 'retry-after': '7' } });
    const { router, events } = routerWithMistral();
    const before = Date.now();

    const failure = (await router.complete('Hello', onlyMistral).catch((error: unknown) => error)) as AllProvidersFailedError;

    expect(failure.errors[0]).toMatchObject({ provider: 'mistral', reason: 'rate_limit', retryAfterMs: 7000 });
    const cooldown = events.find((event) => event.type === 'cooldown');
    expect(cooldown).toMatchObject({ provider: 'mistral', reason: 'rate_limit' });
    const untilMs = (cooldown as { untilMs: number }).untilMs;
    expect(untilMs).toBeGreaterThanOrEqual(before + 7000);
    expect(untilMs).toBeLessThanOrEqual(Date.now() + 7000);
  });

  it('reads a rejected key as authentication', async () => {
    server.setBehavior(Provider.OPENAI, { kind: 'error', fixture: 'error-401-invalid-api-key' });
    const { router } = routerWithMistral();
    const failure = (await router.complete('Hello', onlyMistral).catch((error: unknown) => error)) as AllProvidersFailedError;
    expect(failure.errors[0]).toMatchObject({ provider: 'mistral', reason: 'authentication', statusCode: 401 });
    expect(router.getHealthStatus()['mistral']).toMatchObject({ cooldownReason: 'authentication' });
  });

  it('rethrows a caller abort as is and ends the request', async () => {
    const { router } = routerWithMistral();
    server.setBehavior(Provider.OPENAI, { kind: 'stall-before-headers' });
    const controller = new AbortController();
    const reason = new Error('the user left');
    const pending = router.complete('Hello again', { ...onlyMistral, signal: controller.signal });
    await server.waitFor((requests) => requests.some((request) => request.body !== undefined && JSON.stringify(request.body).includes('Hello again')));
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await server.waitForClientAbort({ provider: Provider.OPENAI });
  });

  it('reports healthy without spending tokens, and refuses a model it does not serve', async () => {
    const { router } = routerWithMistral();
    expect((await router.healthCheck())['mistral']).toBe(true);
    expect(server.requests.filter((request) => request.route === 'chat')).toHaveLength(0);

    const failure = (await router
      .complete('Hello', { route: [{ provider: 'mistral', model: 'mistral-large-latest' }] })
      .catch((error: unknown) => error)) as AllProvidersFailedError;
    expect(failure.errors[0]).toMatchObject({ provider: 'mistral', reason: 'model_not_found' });
  });
});

describe('an AI SDK model that takes images', () => {
  const image = { url: `data:image/png;base64,${Buffer.from('a tiny png, as far as routing cares').toString('base64')}` };
  const withImage = [{ role: 'user' as const, content: 'What is in this picture?', images: [image] }];

  it('is asked with an image as data when given vision: true, and skipped without it', async () => {
    const upstream = createOpenAiChatLanguageModel({ baseUrl: server.baseUrlFor(Provider.OPENAI), apiKey: server.apiKeyFor(Provider.OPENAI), modelId: 'gpt-4o-mini' });
    // What the model is handed: the image must be among its prompt's parts.
    const prompts: unknown[] = [];
    const model: LanguageModelV3 = {
      specificationVersion: 'v3',
      provider: upstream.provider,
      modelId: upstream.modelId,
      supportedUrls: upstream.supportedUrls,
      doGenerate: (callOptions) => {
        prompts.push(callOptions.prompt);
        return upstream.doGenerate(callOptions);
      },
      doStream: (callOptions) => upstream.doStream(callOptions),
    };
    const seeing = new BackupModelRouter({ env: {}, cacheEnabled: false, extraProviders: [aiSdkModelProvider({ id: 'sdk', model, vision: true })] });
    const blind = new BackupModelRouter({ env: {}, cacheEnabled: false, extraProviders: [aiSdkModelProvider({ id: 'sdk', model })] });
    routers.push(seeing, blind);
    await expect(seeing.complete(withImage)).resolves.toMatchObject({ provider: 'sdk' });
    expect(JSON.stringify(prompts)).toMatch(/"type":"file","mediaType":"image\/png"/);
    await expect(blind.complete(withImage)).rejects.toBeInstanceOf(NoProviderAvailableError);
  });
});

describe('an AI SDK model that ignores its abortSignal', () => {
  /** A model whose calls never settle, abort or not: its limits must be kept from outside. */
  const deafModel: LanguageModelV3 = {
    specificationVersion: 'v3',
    provider: 'deaf.chat',
    modelId: 'deaf-1',
    supportedUrls: {},
    doGenerate: () => new Promise(() => undefined),
    doStream: () => new Promise(() => undefined),
  };
  const route = [
    { provider: 'deaf', model: 'deaf-1' },
    { provider: 'groq', model: 'llama-3.1-8b-instant' },
  ];

  it('holds a complete() attempt no longer than its response limit, then the call fails over', async () => {
    const router = new BackupModelRouter({ env: server.environment([Provider.GROQ]), cacheEnabled: false, parallelAttempts: 1, extraProviders: [aiSdkModelProvider({ id: 'deaf', model: deafModel })] });
    routers.push(router);
    const result = await router.complete('Anyone there?', { route, responseTimeoutMs: 300, timeoutMs: 20_000 });
    expect(result.provider).toBe('groq');
    expect(result.attempts[0]).toMatchObject({ provider: 'deaf', outcome: 'failure', reason: 'timeout' });
  });

  it("holds a stream's attempt no longer than its first-token limit, then the call fails over", async () => {
    const router = new BackupModelRouter({ env: server.environment([Provider.GROQ]), cacheEnabled: false, parallelAttempts: 1, extraProviders: [aiSdkModelProvider({ id: 'deaf', model: deafModel })] });
    routers.push(router);
    const stream = router.stream('Anyone streaming?', { route, firstTokenTimeoutMs: 300, timeoutMs: 20_000 });
    for await (const chunk of stream) void chunk;
    const result = await stream.result;
    expect(result.provider).toBe('groq');
    expect(result.attempts[0]).toMatchObject({ provider: 'deaf', outcome: 'failure', reason: 'timeout' });
  });
});
