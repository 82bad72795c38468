/**
 * A reasoning effort asked of Gemini through the router, end to end over HTTP to the provider test server
 * (recorded Gemini traffic). Gemini 3 and later think by level (`thinkingConfig.thinkingLevel`), Gemini 2.5 by
 * a budget of tokens, and Google refuses both in one request: a model the catalog lists `thinkingLevels` for
 * (the built-in gemini-3.5-flash-lite and gemini-3.8-flash) is sent the level and never a budget; any other
 * Gemini reasoning model a budget, as before. Either is asked for its thought summaries (`includeThoughts`) too,
 * which come back as the reasoning (a stream's reasoning deltas).
 */
import { describe, expect, it } from 'vitest';
import { defaultCatalog, type ProviderDefinition } from '../src/catalog.js';
import type { StreamChunk } from '../src/index.js';
import { geminiReplay, recordedGeminiAnswer } from '../src/testing/gemini-recordings.test-support.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false });

const sentConfig = () => {
  const body = harness.server.requests.find((request) => request.provider === 'google')?.body as Record<string, unknown>;
  return body['generationConfig'] as Record<string, unknown>;
};

describe('Gemini 3, which thinks by level', () => {
  it('asks gemini-3.8-flash the level of the effort, with no budget, the bound grown as for a budget', async () => {
    const result = await harness.makeRouter().complete('Think, then answer.', {
      route: [{ provider: 'google', model: 'gemini-3.8-flash' }],
      reasoningEffort: 'high',
      maxTokens: 500,
    });
    expect(result.provider).toBe('google');
    expect(result.content).not.toBe('');
    expect(harness.server.requests[0]?.path).toContain('/models/gemini-3.8-flash:generateContent');
    expect(sentConfig()).toEqual({ maxOutputTokens: 25_076, thinkingConfig: { thinkingLevel: 'high', includeThoughts: true } });
  });

  it('streams from gemini-3.5-flash-lite asked a medium effort, at the medium level', async () => {
    const chunks: StreamChunk[] = [];
    const stream = harness.makeRouter().stream('Think, then answer.', {
      route: [{ provider: 'google', model: 'gemini-3.5-flash-lite' }],
      reasoningEffort: 'medium',
    });
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.some((chunk) => chunk.type === 'text-delta')).toBe(true);
    expect(harness.server.requests[0]?.path).toContain('/models/gemini-3.5-flash-lite:streamGenerateContent');
    expect(sentConfig()).toEqual({ thinkingConfig: { thinkingLevel: 'medium', includeThoughts: true } });
  });
});

describe('thinkingLevels on a Gemini provider of its own', () => {
  const ownGemini = (): ProviderDefinition => ({
    id: 'gemini-own',
    displayName: 'Gemini (own account)',
    protocol: 'gemini',
    apiKeyEnv: 'GEMINI_OWN_KEY',
    baseUrl: harness.server.baseUrlFor('google'),
    defaultModel: 'gemini-2.5-flash',
    modelsByTier: {},
    models: [
      // Gemini 2.5 Flash: a budget of up to 24,576 tokens (https://ai.google.dev/gemini-api/docs/thinking).
      { id: 'gemini-2.5-flash', reasoning: true, maxOutputTokens: 65_536 },
      // gemini-3-pro-preview takes low and high only (medium refused: https://discuss.ai.google.dev/t/gemini-3-preview-openai-compatible-rejects-reasoning-effort-medium-works-with-low-and-high/112648).
      { id: 'gemini-3-pro-preview', reasoning: true, thinkingLevels: ['low', 'high'], maxOutputTokens: 65_536 },
    ],
    speedRank: 9,
    quality: 3,
  });
  const router = () => harness.makeRouter({ catalog: [...defaultCatalog, ownGemini()], env: { ...harness.server.environment(), GEMINI_OWN_KEY: 'gemini-own-key' } });

  it('asks the model listed with levels its nearest level, and the Gemini 2.5 model without them a budget', async () => {
    const asked = router();
    await asked.complete('Think, then answer.', { route: [{ provider: 'gemini-own', model: 'gemini-3-pro-preview' }], reasoningEffort: 'medium', maxTokens: 500 });
    await asked.complete('Think, then answer.', { route: [{ provider: 'gemini-own', model: 'gemini-2.5-flash' }], reasoningEffort: 'medium', maxTokens: 500 });
    const configs = harness.server.requests.map((request) => [request.path.split('/models/')[1], (request.body as Record<string, unknown>)['generationConfig']]);
    expect(configs).toEqual([
      ['gemini-3-pro-preview:generateContent', { maxOutputTokens: 8692, thinkingConfig: { thinkingLevel: 'high', includeThoughts: true } }],
      ['gemini-2.5-flash:generateContent', { maxOutputTokens: 8692, thinkingConfig: { thinkingBudget: 8192, includeThoughts: true } }],
    ]);
  });
});

describe("Gemini's thought summaries", () => {
  it('are asked of a call given an effort, and come back as its reasoning, apart from the answer (recorded gemini-3-pro-preview)', async () => {
    harness.server.setBehavior('google', geminiReplay('generateContent-thought-parts.json'));
    const recorded = recordedGeminiAnswer('generateContent-thought-parts.json');
    const result = await harness.makeRouter().complete('How do I cross the street?', {
      route: [{ provider: 'google', model: 'gemini-3.8-flash' }],
      reasoningEffort: 'low',
    });
    expect(sentConfig()).toEqual({ thinkingConfig: { thinkingLevel: 'low', includeThoughts: true } });
    expect(result.reasoning).toBe(recorded.thoughts);
    expect(result.content).toBe(recorded.text);
    expect(result.content).not.toContain('My Thought Process');
    expect(result.usage).toMatchObject({ reasoningTokens: 1001 });
  });
});

describe("Gemini's thought summaries in a stream", () => {
  it('are asked of a stream given an effort, and stream as reasoning before the answer (recorded gemini-2.5-pro)', async () => {
    harness.server.setBehavior('google', geminiReplay('streamGenerateContent-sse-thought-parts.sse'));
    const recorded = recordedGeminiAnswer('streamGenerateContent-sse-thought-parts.sse');
    const stream = harness.makeRouter().stream('How do I cross the street?', {
      route: [{ provider: 'google', model: 'gemini-3.8-flash' }],
      reasoningEffort: 'medium',
    });
    const chunks: StreamChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const result = await stream.result;
    expect(harness.server.requests[0]?.path).toContain('/models/gemini-3.8-flash:streamGenerateContent');
    expect(sentConfig()).toEqual({ thinkingConfig: { thinkingLevel: 'medium', includeThoughts: true } });
    const types = chunks.map((chunk) => chunk.type);
    const firstText = types.indexOf('text-delta');
    expect(firstText).toBeGreaterThan(0);
    expect(types.slice(0, firstText).every((type) => type === 'reasoning-delta')).toBe(true);
    expect(chunks.map((chunk) => (chunk.type === 'reasoning-delta' ? chunk.text : '')).join('')).toBe(recorded.thoughts);
    expect(result.content).toBe(recorded.text);
    expect(result.usage).toMatchObject({ reasoningTokens: 759 });
  });
});
