/**
 * A model that fixes its sampling (`fixedSampling` in the catalog: Moonshot's thinking models, its default
 * kimi-k3.1-pro among them) through the router, end to end over HTTP to the provider test server. Moonshot refuses
 * them any temperature but 1 with a 400 invalid_request_error (a round trip lost before the call fails over, or its
 * end should a second provider refuse too): a caller's temperature is therefore not sent to them, nor top_p or the
 * penalties.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultCatalog } from '../src/catalog.js';
import type { BackupModelRouter, BackupModelRouterOptions, StreamChunk } from '../src/index.js';
import { refuseMoonshotTemperaturesButOne } from '../src/testing/moonshot-fixed-temperature.test-support.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false });
let stopRefusing: () => void = () => {};
beforeEach(() => {
  stopRefusing = refuseMoonshotTemperaturesButOne(harness.server);
});
afterEach(() => stopRefusing());

const makeRouter = (options: BackupModelRouterOptions = {}): BackupModelRouter => harness.makeRouter(options);

/** Moonshot's documented answer, which the provider test server replays. */
const recordedAnswer = () =>
  (
    JSON.parse(readFileSync(join(harness.server.fixturesDirectory, 'moonshot', 'chat-completion.docs.json'), 'utf8')) as { choices: { message: { content: string } }[] }
  ).choices[0]!.message.content;
const sampling = { temperature: 0.7, topP: 0.9, presencePenalty: 0.5, frequencyPenalty: 0.3, maxTokens: 256 };
const sent = (provider: string) => harness.server.requests.find((request) => request.provider === provider)?.body as Record<string, unknown>;

describe('a model that fixes its sampling (Moonshot kimi-k3.1-pro)', () => {
  it('answers a call with a temperature (the seed example), which is not sent to it', async () => {
    const result = await makeRouter().complete('Say hello.', { preferredProvider: 'moonshot', ...sampling });
    expect(result.provider).toBe('moonshot');
    expect(result.content).toBe(recordedAnswer());
    expect(harness.server.requests.map((request) => request.status)).toEqual([200]);
    const body = sent('moonshot');
    expect(body['model']).toBe('kimi-k3.1-pro');
    for (const field of ['temperature', 'top_p', 'presence_penalty', 'frequency_penalty']) expect(body).not.toHaveProperty(field);
    // Everything else it is asked as always: max_tokens (it is not an OpenAI reasoning model), and no reasoning_effort.
    expect(body['max_tokens']).toBe(256);
    expect(body).not.toHaveProperty('max_completion_tokens');
  });

  it('streams a call with a temperature', async () => {
    const chunks: StreamChunk[] = [];
    for await (const chunk of makeRouter().stream('Say hello.', { route: [{ provider: 'moonshot', model: 'kimi-k3.1-pro' }], temperature: 0.2 })) chunks.push(chunk);
    expect(chunks.map((chunk) => (chunk.type === 'text-delta' ? chunk.text : '')).join('')).toBe('你好。');
    expect(sent('moonshot')).not.toHaveProperty('temperature');
    expect(sent('moonshot')['stream']).toBe(true);
  });

  it('still sends the temperature to a Moonshot model not marked (the retired kimi-k2-turbo-preview took one)', async () => {
    await makeRouter().complete('Say hello.', { route: [{ provider: 'moonshot', model: 'kimi-k2-turbo-preview' }], temperature: 0.6, topP: 0.9 });
    expect(sent('moonshot')).toMatchObject({ model: 'kimi-k2-turbo-preview', temperature: 0.6, top_p: 0.9 });
  });

  it('is settable for a model of a provider of its own, which then answers a call with a temperature', async () => {
    const router = makeRouter({
      catalog: [
        ...defaultCatalog,
        {
          id: 'kimi-own',
          displayName: 'Kimi (own account)',
          protocol: 'openai-compatible',
          apiKeyEnv: 'KIMI_OWN_KEY',
          baseUrl: harness.server.baseUrlFor('moonshot'),
          defaultModel: 'kimi-k2.6',
          modelsByTier: {},
          models: [{ id: 'kimi-k2.6', fixedSampling: true }],
          speedRank: 9,
          quality: 3,
        },
      ],
      env: { ...harness.server.environment(), KIMI_OWN_KEY: 'kimi-own-key' },
    });
    const result = await router.complete('Say hello.', { route: [{ provider: 'kimi-own', model: 'kimi-k2.6' }], temperature: 0.3 });
    expect(result.provider).toBe('kimi-own');
    expect(sent('moonshot')).not.toHaveProperty('temperature');
  });
});

describe("Google's default model, gemini-3.5-flash-lite (fixedSampling)", () => {
  // Google documents that gemini-3.5-flash-lite ignores custom temperature, top-k and top-p and refuses custom
  // frequency and presence penalties with an error: none of them is sent, and the call is answered.
  it('is sent none of the caller\'s sampling settings, and answers', async () => {
    const result = await makeRouter().complete('Say hello.', { preferredProvider: 'google', ...sampling });
    expect(result.provider).toBe('google');
    expect(harness.server.requests.find((request) => request.provider === 'google')?.path).toContain('/models/gemini-3.5-flash-lite:generateContent');
    expect(result.content).not.toBe('');
    const config = (sent('google')['generationConfig'] ?? {}) as Record<string, unknown>;
    for (const field of ['temperature', 'topP', 'presencePenalty', 'frequencyPenalty']) expect(config).not.toHaveProperty(field);
    expect(config['maxOutputTokens']).toBe(256);
  });

  it('while its tier-3 model, gemini-3.8-flash, is sent them', async () => {
    await makeRouter().complete('Say hello.', { route: [{ provider: 'google', model: 'gemini-3.8-flash' }], ...sampling });
    expect(sent('google')['generationConfig']).toMatchObject({ temperature: 0.7, topP: 0.9, presencePenalty: 0.5, frequencyPenalty: 0.3 });
  });
});
