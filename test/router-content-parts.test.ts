/**
 * Mistral added by base URL, as the README tells a user to add it, answering from a reasoning model
 * (magistral-medium-latest) with `content` as a list of chunks: its thinking chunk reaches the result's and the
 * stream's reasoning, its text chunks (and the text it streams as strings after thinking) the answer, in order.
 * Mistral's recorded answers (test/fixtures/mistral) are replayed over real HTTP by the provider test server.
 */
import { describe, expect, it } from 'vitest';
import { defaultCatalog, mergeCatalog, openAICompatibleProvider, type StreamChunk } from '../src/index.js';
import { mistralReplay, recordedMistralAnswer } from '../src/testing/mistral-recordings.test-support.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false, parallelAttempts: 1 });

const model = 'magistral-medium-latest';
const route = [{ provider: 'mistral', model }];

/** The defaults and Mistral, by its base URL (here the test server's OpenAI-compatible endpoint) and key variable. */
function routerWithMistral() {
  const mistral = openAICompatibleProvider({ id: 'mistral', baseUrl: harness.server.baseUrlFor('openai'), apiKeyEnv: 'MISTRAL_API_KEY', defaultModel: model });
  return harness.makeRouter({
    catalog: mergeCatalog(defaultCatalog, [mistral]),
    env: { ...harness.server.environment(), MISTRAL_API_KEY: 'mistral-test-key' },
  });
}

describe("a Mistral reasoning model's content given as chunks", () => {
  it('answers complete() with the text chunks as the content and the thinking chunk as the reasoning', async () => {
    harness.server.setBehavior('openai', mistralReplay('chat-completion-thinking.json'));
    const result = await routerWithMistral().complete('Considering the way to cross the street, analogously, how do I cross the river?', { route });
    const recorded = recordedMistralAnswer('chat-completion-thinking.json');
    expect(result.content).toBe(recorded.text);
    expect(result.content).toMatch(/^Crossing a river is quite different from crossing a street/);
    expect(result.reasoning).toBe(recorded.reasoning);
    expect(result.reasoning).toMatch(/^\*\*Analogizing crossing a river\*\*\n\nThe user is asking about crossing a river/);
    expect(result).toMatchObject({ provider: 'mistral', model, finishReason: 'stop', responseId: '9abe8b736bff46af8e979b52334a57cd' });
    expect(result.usage).toEqual({ inputTokens: 664, outputTokens: 747, totalTokens: 1411 });
    const [request] = harness.server.requests;
    expect(request?.headers.authorization).toBe('Bearer mistral-test-key');
    expect((request?.body as { model: string }).model).toBe(model);
  });

  it('streams the thinking chunks as reasoning, all before the answer, then the text Mistral streams as strings', async () => {
    harness.server.setBehavior('openai', mistralReplay('chat-stream-thinking.sse'));
    const stream = routerWithMistral().stream('How do I cross the street?', { route });
    const chunks: StreamChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const result = await stream.result;
    const recorded = recordedMistralAnswer('chat-stream-thinking.sse');

    const joined = (type: 'reasoning-delta' | 'text-delta') => chunks.map((chunk) => (chunk.type === type ? chunk.text : '')).join('');
    expect(joined('reasoning-delta')).toBe(recorded.reasoning);
    expect(joined('reasoning-delta')).toMatch(/^Okay, the user is asking how to cross the street\. .* cross the street carefully and quickly\.$/);
    expect(joined('text-delta')).toBe(recorded.text);
    expect(joined('text-delta')).toMatch(/^To cross the street safely, follow these steps:\n\n1\. Stop at the edge of the street/);
    const types = chunks.map((chunk) => chunk.type);
    const firstText = types.indexOf('text-delta');
    expect(types.lastIndexOf('reasoning-delta')).toBeLessThan(firstText);
    expect(result).toMatchObject({ provider: 'mistral', content: recorded.text, reasoning: recorded.reasoning, finishReason: 'stop' });
    expect(result.usage).toEqual({ inputTokens: 10, outputTokens: 275, totalTokens: 285 });
  });
});
