/**
 * OpenAI's built-in tiers (gpt-6-luna, gpt-6.1-terra, gpt-6.2-sol: src/catalog.ts) through the router, end to end
 * over HTTP to the provider test server replaying OpenAI's recorded answers. They are reasoning models, asked on
 * OpenAI's Responses API (`openAIWire: 'responses'`), which refuses them a temperature with a 400 (a round trip lost before the call fails
 * over): a caller's temperature, top_p and penalties are not sent, and its `maxTokens` goes as `max_output_tokens`.
 * There they take function tools at every effort, so a call with tools reasons as asked and reaches Sol too. On chat
 * completions (a model of one's own kept there) they refuse tools unless asked `reasoning_effort: "none"`:
 * `chatCompletionsTools` still says how such a model is asked.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AllProvidersFailedError, type ProviderDefinition, type StreamChunk, type Tier } from '../src/index.js';
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
const pathsAsked = () => harness.server.requests.map((request) => `${request.path} ${request.status}`);

describe("OpenAI's tiers (reasoning models, on the Responses API)", () => {
  it('answers a default-tier call with temperature 0.7, sending gpt-6-luna no sampling parameters and max_output_tokens', async () => {
    const result = await harness.makeRouter().complete('Say hello.', { preferredProvider: 'openai', ...sampling });
    expect(result.provider).toBe('openai');
    expect(result.content.length).toBeGreaterThan(0);
    expect(pathsAsked()).toEqual(['/openai/v1/responses 200']);
    const body = sentToOpenAI();
    expect(body['model']).toBe('gpt-6-luna');
    for (const field of ['temperature', 'top_p', 'presence_penalty', 'frequency_penalty', 'max_tokens', 'max_completion_tokens']) expect(body).not.toHaveProperty(field);
    expect(body['max_output_tokens']).toBe(256);
  });

  it.each([
    [2, 'gpt-6.1-terra'],
    [3, 'gpt-6.2-sol'],
  ] as const)('answers tier %i (%s) the same way', async (tier: Tier, model) => {
    await harness.makeRouter().complete('Say hello.', { tier, preferredProvider: 'openai', ...sampling });
    expect(pathsAsked()).toEqual(['/openai/v1/responses 200']);
    expect(sentToOpenAI()).toMatchObject({ model, max_output_tokens: 256 });
    expect(sentToOpenAI()).not.toHaveProperty('temperature');
  });

  it('streams a default-tier call with a temperature', async () => {
    const chunks: StreamChunk[] = [];
    for await (const chunk of harness.makeRouter().stream('Say hello.', { preferredProvider: 'openai', temperature: 0.2 })) chunks.push(chunk);
    expect(chunks.some((chunk) => chunk.type === 'text-delta')).toBe(true);
    expect(pathsAsked()).toEqual(['/openai/v1/responses 200']);
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

  it('asks gpt-6.2-sol (tier 3) a call with tools at the effort asked, and answers its tool call', async () => {
    harness.server.setBehavior('openai', { kind: 'success', fixture: 'responses-function-call' });
    const result = await harness.makeRouter().complete('Weather?', { tier: 3, preferredProvider: 'openai', tools: [lookup], reasoningEffort: 'high', temperature: 0.7 });
    expect(result.provider).toBe('openai');
    expect(result.toolCalls).toHaveLength(1);
    expect(pathsAsked()).toEqual(['/openai/v1/responses 200']);
    expect(sentToOpenAI()).toMatchObject({ model: 'gpt-6.2-sol', reasoning: { effort: 'high' }, tools: [{ type: 'function', name: 'get_weather' }] });
    expect(sentToOpenAI()).not.toHaveProperty('temperature');
  });

  it('streams a tier-2 call with tools to gpt-6.1-terra, reasoning at the effort asked', async () => {
    const chunks: StreamChunk[] = [];
    for await (const chunk of harness.makeRouter().stream('Weather?', { tier: 2, preferredProvider: 'openai', tools: [lookup], reasoningEffort: 'low' })) chunks.push(chunk);
    expect(pathsAsked()).toEqual(['/openai/v1/responses 200']);
    expect(sentToOpenAI()).toMatchObject({ model: 'gpt-6.1-terra', reasoning: { effort: 'low' }, stream: true });
  });
});

/** OpenAI's GPT-6 models kept on chat completions, as a catalog of one's own may keep them (no `openAIWire`). */
function chatCompletionsOpenAI(baseUrl: string): ProviderDefinition {
  return {
    id: 'openai-chat',
    displayName: 'OpenAI on chat completions',
    protocol: 'openai-compatible',
    apiKeyEnv: 'OPENAI_CHAT_KEY',
    baseUrl,
    defaultModel: 'gpt-6-luna',
    modelsByTier: { 1: 'gpt-6-luna', 3: 'gpt-6.2-sol' },
    models: [
      { id: 'gpt-6-luna', reasoning: true, chatCompletionsTools: 'without-reasoning' },
      { id: 'gpt-6.2-sol', reasoning: true, chatCompletionsTools: 'refused' },
    ],
    speedRank: 1,
    quality: 3,
  };
}

describe("OpenAI's GPT-6 models kept on chat completions (chatCompletionsTools)", () => {
  const makeRouter = () =>
    harness.makeRouter({
      catalog: [chatCompletionsOpenAI(harness.server.baseUrlFor('openai'))],
      env: { ...harness.server.environment(), OPENAI_CHAT_KEY: 'openai-chat-key' },
    });

  it('asks gpt-6-luna a call with tools with reasoning_effort "none", whatever effort the caller asked, and answers its tool call', async () => {
    harness.server.setBehavior('openai', { kind: 'success', fixture: 'chat-completion-tool-call' });
    const router = makeRouter();
    const result = await router.complete('What is the weather in Paris?', { preferredProvider: 'openai-chat', tools: [lookup], reasoningEffort: 'high', temperature: 0.7 });
    expect(result.provider).toBe('openai-chat');
    expect(result.toolCalls).toHaveLength(1);
    expect(pathsAsked()).toEqual(['/openai/v1/chat/completions 200']);
    expect(sentToOpenAI()).toMatchObject({ model: 'gpt-6-luna', reasoning_effort: 'none' });
    expect(sentToOpenAI()).not.toHaveProperty('temperature');
    // Without tools the caller's effort is sent as asked.
    harness.server.reset();
    await router.complete('Think hard.', { preferredProvider: 'openai-chat', reasoningEffort: 'high' });
    expect(sentToOpenAI()).toMatchObject({ model: 'gpt-6-luna', reasoning_effort: 'high' });
  });

  it('says why when gpt-6.2-sol, kept on chat completions, is the only model a call with tools may ask: nothing is sent', async () => {
    const error = await makeRouter()
      .complete('Weather?', { route: [{ provider: 'openai-chat', model: 'gpt-6.2-sol' }], tools: [lookup] })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(AllProvidersFailedError);
    const [refusal] = (error as AllProvidersFailedError).errors;
    expect(refusal).toMatchObject({ provider: 'openai-chat', reason: 'generation_failed' });
    expect(refusal?.message).toContain('gpt-6.2-sol takes no function tools on chat completions');
    expect(harness.server.requests).toHaveLength(0);
  });
});
