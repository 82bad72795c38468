/**
 * OpenAI's built-in tiers (gpt-6-luna, gpt-6.1-terra, gpt-6.2-sol: src/catalog.ts) through the router, end to end
 * over HTTP to the provider test server replaying OpenAI's recorded answer. They are reasoning models: OpenAI refuses
 * them `max_tokens` and any temperature but 1 with a 400 invalid_request_error (a round trip lost before the call
 * fails over, or its end should a second provider refuse too). A caller's temperature, top_p and penalties are therefore
 * not sent to them, and its `maxTokens` goes as `max_completion_tokens`. They refuse function tools there too unless
 * asked `reasoning_effort: "none"` (also when no effort is given): Luna and Terra are asked that with tools, and
 * gpt-6.2-sol, which has no such effort, is not asked a call with tools at all (it fails over).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AllProvidersFailedError, type StreamChunk, type Tier } from '../src/index.js';
import { refuseAsOpenAIReasoningModels } from '../src/testing/openai-reasoning-refusals.test-support.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false });
let stopRefusing: () => void = () => {};
beforeEach(() => {
  stopRefusing = refuseAsOpenAIReasoningModels(harness.server);
});
afterEach(() => stopRefusing());

const lookup = { name: 'get_weather', description: 'The weather in a city.', parameters: { type: 'object', properties: { city: { type: 'string' } } } };
const sampling = { temperature: 0.7, topP: 0.9, presencePenalty: 0.5, frequencyPenalty: 0.3, maxTokens: 256 };
const sentToOpenAI = () => harness.server.requests.find((request) => request.provider === 'openai')?.body as Record<string, unknown>;

describe("OpenAI's tiers (reasoning models)", () => {
  it('answers a default-tier call with temperature 0.7, sending gpt-6-luna no temperature and max_completion_tokens', async () => {
    const result = await harness.makeRouter().complete('Say hello.', { preferredProvider: 'openai', ...sampling });
    expect(result.provider).toBe('openai');
    expect(result.content.length).toBeGreaterThan(0);
    expect(harness.server.requests.map((request) => `${request.provider} ${request.status}`)).toEqual(['openai 200']);
    const body = sentToOpenAI();
    expect(body['model']).toBe('gpt-6-luna');
    for (const field of ['temperature', 'top_p', 'presence_penalty', 'frequency_penalty', 'max_tokens']) expect(body).not.toHaveProperty(field);
    expect(body['max_completion_tokens']).toBe(256);
  });

  it.each([
    [2, 'gpt-6.1-terra'],
    [3, 'gpt-6.2-sol'],
  ] as const)('answers tier %i (%s) the same way', async (tier: Tier, model) => {
    await harness.makeRouter().complete('Say hello.', { tier, preferredProvider: 'openai', ...sampling });
    expect(harness.server.requests.map((request) => request.status)).toEqual([200]);
    expect(sentToOpenAI()).toMatchObject({ model, max_completion_tokens: 256 });
    expect(sentToOpenAI()).not.toHaveProperty('temperature');
  });

  it('streams a default-tier call with a temperature', async () => {
    const chunks: StreamChunk[] = [];
    for await (const chunk of harness.makeRouter().stream('Say hello.', { preferredProvider: 'openai', temperature: 0.2 })) chunks.push(chunk);
    expect(chunks.some((chunk) => chunk.type === 'text-delta')).toBe(true);
    expect(sentToOpenAI()).toMatchObject({ model: 'gpt-6-luna', stream: true });
    expect(sentToOpenAI()).not.toHaveProperty('temperature');
  });

  it('is refused by OpenAI when the model is not marked a reasoning model: the refusal ends the call', async () => {
    const router = harness.makeRouter({
      catalog: [
        {
          id: 'openai-unmarked',
          displayName: 'OpenAI, its models unmarked',
          protocol: 'openai-compatible',
          apiKeyEnv: 'OPENAI_UNMARKED_KEY',
          baseUrl: harness.server.baseUrlFor('openai'),
          defaultModel: 'gpt-6-luna',
          modelsByTier: { 1: 'gpt-6-luna' },
          models: [{ id: 'gpt-6-luna' }],
          speedRank: 1,
          quality: 3,
        },
      ],
      env: { ...harness.server.environment(), OPENAI_UNMARKED_KEY: 'openai-unmarked-key' },
    });
    const error = await router.complete('Say hello.', { temperature: 0.7 }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(String(error)).toContain("'temperature' does not support 0.7 with this model");
    expect(harness.server.requests.map((request) => request.status)).toEqual([400]);
  });

  it("asks gpt-6-luna a call with tools with reasoning_effort \"none\", whatever effort the caller asked, and answers its tool call", async () => {
    harness.server.setBehavior('openai', { kind: 'success', fixture: 'chat-completion-tool-call' });
    const router = harness.makeRouter();
    const result = await router.complete('What is the weather in Paris?', { preferredProvider: 'openai', tools: [lookup], reasoningEffort: 'high', temperature: 0.7 });
    expect(result.provider).toBe('openai');
    expect(result.toolCalls).toHaveLength(1);
    expect(harness.server.requests.map((request) => request.status)).toEqual([200]);
    expect(sentToOpenAI()).toMatchObject({ model: 'gpt-6-luna', reasoning_effort: 'none' });
    expect(sentToOpenAI()).not.toHaveProperty('temperature');
    // Without tools the caller's effort is sent as asked.
    harness.server.reset();
    await router.complete('Think hard.', { preferredProvider: 'openai', reasoningEffort: 'high' });
    expect(sentToOpenAI()).toMatchObject({ model: 'gpt-6-luna', reasoning_effort: 'high' });
  });

  it('streams a tier-2 call with tools to gpt-6.1-terra with reasoning_effort "none"', async () => {
    const chunks: StreamChunk[] = [];
    for await (const chunk of harness.makeRouter().stream('Weather?', { tier: 2, preferredProvider: 'openai', tools: [lookup] })) chunks.push(chunk);
    expect(harness.server.requests.map((request) => request.status)).toEqual([200]);
    expect(sentToOpenAI()).toMatchObject({ model: 'gpt-6.1-terra', reasoning_effort: 'none', stream: true });
  });

  it('does not send gpt-6.2-sol (tier 3) a call with tools: it fails over, nothing sent to OpenAI', async () => {
    const result = await harness.makeRouter().complete('Weather?', { tier: 3, preferredProvider: 'openai', tools: [lookup], parallelAttempts: 1 });
    expect(result.provider).not.toBe('openai');
    const openai = result.attempts.find((attempt) => attempt.provider === 'openai');
    expect(openai).toMatchObject({ model: 'gpt-6.2-sol', outcome: 'failure', reason: 'generation_failed' });
    expect(harness.server.requests.some((request) => request.provider === 'openai')).toBe(false);
    // Without tools it is asked as always.
    harness.server.reset();
    await harness.makeRouter().complete('Deep question', { tier: 3, preferredProvider: 'openai' });
    expect(sentToOpenAI()).toMatchObject({ model: 'gpt-6.2-sol' });
  });

  it('says why when gpt-6.2-sol is the only model a call with tools may ask', async () => {
    const error = await harness
      .makeRouter()
      .complete('Weather?', { route: [{ provider: 'openai', model: 'gpt-6.2-sol' }], tools: [lookup] })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(AllProvidersFailedError);
    const [refusal] = (error as AllProvidersFailedError).errors;
    expect(refusal).toMatchObject({ provider: 'openai', reason: 'generation_failed' });
    expect(refusal?.message).toContain('gpt-6.2-sol takes no function tools on chat completions');
    expect(harness.server.requests).toHaveLength(0);
  });
});
