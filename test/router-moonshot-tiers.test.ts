/**
 * Moonshot's built-in tiers (kimi-k3.1-pro for tiers 2 and 3: src/catalog.ts) through the router, end to end over
 * HTTP to the provider test server replaying Moonshot's documented answer, with Moonshot as it is since 2026-08-31:
 * the retired kimi-k2-turbo-preview and kimi-k2.5 (the former tiers) answered 404 resource_not_found_error, and its
 * thinking models refusing any temperature but 1 with a 400 invalid_request_error (a round trip lost before the call
 * fails over, or its end should a second provider refuse too). The tier model is therefore sent none of a caller's temperature, top_p and
 * penalties, and everything else as before: `max_tokens`, which Moonshot takes, and no `reasoning_effort`.
 * Together's first tier, whose Llama 3.1 8B Turbo Together deprecated, is checked at the end.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StreamChunk, Tier } from '../src/index.js';
import { refuseMoonshotTemperaturesButOne } from '../src/testing/moonshot-fixed-temperature.test-support.js';
import { retireMoonshotModels } from '../src/testing/moonshot-retired-model.test-support.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false, parallelAttempts: 1 });
const stops: (() => void)[] = [];
beforeEach(() => {
  stops.push(refuseMoonshotTemperaturesButOne(harness.server), retireMoonshotModels(harness.server, ['kimi-k2-turbo-preview', 'kimi-k2.5']));
});
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

/** Moonshot's documented answer, which the provider test server replays. */
const recordedAnswer = () =>
  (
    JSON.parse(readFileSync(join(harness.server.fixturesDirectory, 'moonshot', 'chat-completion.docs.json'), 'utf8')) as { choices: { message: { content: string } }[] }
  ).choices[0]!.message.content;
const moonshotOnly = () => harness.makeRouter({ env: harness.server.environment(['moonshot']) });
const sampling = { temperature: 0.7, topP: 0.9, presencePenalty: 0.5, frequencyPenalty: 0.3, maxTokens: 256 };
const sentToMoonshot = () => harness.server.requests.filter((request) => request.provider === 'moonshot').map((request) => request.body as Record<string, unknown>);

describe("Moonshot's tiers, after kimi-k2-turbo-preview and kimi-k2.5 were retired", () => {
  it('answers a call with a temperature and an effort, asking kimi-k3.1-pro with max_tokens and none of them', async () => {
    const result = await moonshotOnly().complete('Say hello.', { preferredProvider: 'moonshot', reasoningEffort: 'medium', ...sampling });
    expect(result.provider).toBe('moonshot');
    expect(result.content).toBe(recordedAnswer());
    expect(harness.server.requests.map((request) => request.status)).toEqual([200]);
    const [body] = sentToMoonshot();
    expect(body?.['model']).toBe('kimi-k3.1-pro');
    for (const field of ['temperature', 'top_p', 'presence_penalty', 'frequency_penalty', 'reasoning_effort', 'max_completion_tokens']) {
      expect(body).not.toHaveProperty(field);
    }
    expect(body?.['max_tokens']).toBe(256);
  });

  it.each([2, 3] as const)('answers tier %i with kimi-k3.1-pro', async (tier: Tier) => {
    const result = await moonshotOnly().complete('Say hello.', { tier, ...sampling });
    expect(result.provider).toBe('moonshot');
    expect(harness.server.requests.map((request) => request.status)).toEqual([200]);
    expect(sentToMoonshot()[0]).toMatchObject({ model: 'kimi-k3.1-pro', max_tokens: 256 });
    expect(sentToMoonshot()[0]).not.toHaveProperty('temperature');
  });

  it('streams a call with a temperature', async () => {
    const chunks: StreamChunk[] = [];
    for await (const chunk of moonshotOnly().stream('Say hello.', { preferredProvider: 'moonshot', temperature: 0.2 })) chunks.push(chunk);
    expect(chunks.map((chunk) => (chunk.type === 'text-delta' ? chunk.text : '')).join('')).toBe('你好。');
    expect(sentToMoonshot()[0]).toMatchObject({ model: 'kimi-k3.1-pro', stream: true });
    expect(sentToMoonshot()[0]).not.toHaveProperty('temperature');
  });

  it("reads the 404 for a retired model a route still names as the model missing, and answers with the route's next", async () => {
    const result = await moonshotOnly().complete('Say hello.', {
      route: [
        { provider: 'moonshot', model: 'kimi-k2.5' },
        { provider: 'moonshot', model: 'kimi-k3.1-pro' },
      ],
      temperature: 0.7,
    });
    expect(result.attempts.map((attempt) => [attempt.model, attempt.outcome, attempt.reason])).toEqual([
      ['kimi-k2.5', 'failure', 'model_not_found'],
      ['kimi-k3.1-pro', 'success', undefined],
    ]);
    expect(harness.server.requests.map((request) => request.status)).toEqual([404, 200]);
    expect(sentToMoonshot()[1]).not.toHaveProperty('temperature');
  });
});

describe("Together's first tier, after Together deprecated Llama 3.1 8B Turbo", () => {
  it("answers a default-tier call with meta-llama/Llama-3.3-70B-Instruct-Turbo, sent the caller's temperature", async () => {
    const result = await harness.makeRouter({ env: harness.server.environment(['together']) }).complete('Say hello.', { temperature: 0.7 });
    expect(result.provider).toBe('together');
    const body = harness.server.requests.find((request) => request.provider === 'together')?.body as Record<string, unknown>;
    expect(body).toMatchObject({ model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo', temperature: 0.7 });
  });
});
