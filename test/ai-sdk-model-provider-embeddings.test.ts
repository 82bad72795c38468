/**
 * An AI SDK embedding model served by a provider made with `aiSdkModelProvider`, asked by `router.embed`. The
 * model here is a small real one over fetch to the provider test server's OpenAI embeddings route (replaying
 * OpenAI's recorded answer), standing in for `@ai-sdk/mistral`'s and the like: it throws the AI SDK's own
 * APICallError, so its failures reach the router the way a third-party provider's would.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { aiSdkModelProvider } from '../src/ai-sdk/index.js';
import { createOpenAiChatLanguageModel } from '../src/ai-sdk/openai-chat-language-model.test-support.js';
import { createOpenAiEmbeddingModel } from '../src/ai-sdk/openai-embedding-model.test-support.js';
import { BackupModelRouter, InvalidArgumentError } from '../src/index.js';
import type { RecordedRequest } from '../src/testing/index.js';
import { openAIEmbeddingsBatchReplay, openAIEmbeddingsReplay, recordedOpenAIEmbedding } from '../src/testing/openai-embeddings-recordings.test-support.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness();
beforeEach(() => harness.server.setBehavior('openai', openAIEmbeddingsReplay()));

const model = 'text-embedding-3-small';

/** A router whose OpenAI provider is joined by `mistral`, an AI SDK provider serving the same embedding model. */
function makeRouter(options: { readonly maxEmbeddingsPerCall?: number } = {}): BackupModelRouter {
  const endpoint = { baseUrl: harness.server.baseUrlFor('openai'), apiKey: harness.server.apiKeyFor('openai') };
  const mistral = aiSdkModelProvider({
    id: 'mistral',
    model: createOpenAiChatLanguageModel({ ...endpoint, modelId: 'gpt-4o-mini' }),
    embedding: { model: createOpenAiEmbeddingModel({ ...endpoint, modelId: model, ...options }), dimensions: 1536, price: { inputPerMillion: 0.02 } },
  });
  return harness.makeRouter({ env: harness.server.environment(['openai']), extraProviders: [mistral], timeoutMs: 10_000 });
}

const embeddingRequests = (): readonly RecordedRequest[] => harness.server.requests.filter((request) => request.route === 'embeddings');

describe('aiSdkModelProvider with an embedding model', () => {
  it("answers router.embed with the model's vectors, usage and the price given", async () => {
    const recorded = recordedOpenAIEmbedding();
    const result = await makeRouter().embed('Hello, world!', { model, provider: 'mistral' });
    expect(result.embeddings).toEqual([recorded.vector]);
    expect(result).toMatchObject({ provider: 'mistral', model, usage: { inputTokens: recorded.promptTokens } });
    expect(result.costUsd).toBeCloseTo((recorded.promptTokens * 0.02) / 1_000_000, 15);
    expect(embeddingRequests().map((request) => request.body)).toEqual([{ model, input: ['Hello, world!'], encoding_format: 'base64' }]);
  });

  it('is one more provider of its model: a 429 from it (an APICallError) fails over to OpenAI', async () => {
    harness.server.enqueue('openai', { kind: 'error', fixture: 'error-429-rate-limit-rpm', headers: { 'retry-after': '20' } });
    const result = await makeRouter().embed('Hello, world!', { model, provider: ['mistral', 'openai'] });
    expect(result.provider).toBe('openai');
    expect(result.attempts.map((attempt) => [attempt.provider, attempt.reason])).toEqual([['mistral', 'rate_limit'], ['openai', undefined]]);
  });

  it("sends no more texts a call than the model's maxEmbeddingsPerCall, one call after another, and joins them in order", async () => {
    const vectors = [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]];
    harness.server.enqueue('openai', openAIEmbeddingsBatchReplay(vectors.slice(0, 2)), openAIEmbeddingsBatchReplay(vectors.slice(2)));
    const result = await makeRouter({ maxEmbeddingsPerCall: 2 }).embed(['a', 'b', 'c'], { model, provider: 'mistral' });
    expect(embeddingRequests().map((request) => (request.body as { input: string[] }).input)).toEqual([['a', 'b'], ['c']]);
    expect(result.embeddings).toEqual(vectors);
    // Each batch's count, summed.
    expect(result.usage).toEqual({ inputTokens: 3 * recordedOpenAIEmbedding().promptTokens });
  });

  it('prices the texts of the calls it answered before a later one failed, on its failed attempt and in its health', async () => {
    // mistral answers 'abcd' and 'efgh', then OpenAI's recorded 500 fails its second call; openai answers all three.
    const vectors = [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]];
    harness.server.enqueue('openai', openAIEmbeddingsBatchReplay(vectors.slice(0, 2)), { kind: 'error', fixture: 'error-500-server-error' });
    harness.server.enqueue('openai', openAIEmbeddingsBatchReplay(vectors));
    const router = makeRouter({ maxEmbeddingsPerCall: 2 });
    const result = await router.embed(['abcd', 'efgh', 'ijkl'], { model, provider: ['mistral', 'openai'] });
    expect(result.provider).toBe('openai');
    expect(result.attempts[0]).toMatchObject({ provider: 'mistral', outcome: 'failure', reason: 'server_error' });
    // Two texts of four characters: two tokens, at the $0.02 a million given.
    expect(result.attempts[0]!.estimatedCostUsd).toBeCloseTo((2 * 0.02) / 1_000_000, 15);
    expect(router.getHealthStatus()['mistral']!.unansweredAttemptsCostUsd).toBeCloseTo((2 * 0.02) / 1_000_000, 15);
  });

  it('takes no dimensions (each AI SDK provider names that option its own way): refused before anything is sent', async () => {
    const failure = await makeRouter()
      .embed('Hello', { model, provider: 'mistral', dimensions: 128 })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InvalidArgumentError);
    expect((failure as InvalidArgumentError).argument).toBe('dimensions');
    expect(harness.server.requests).toHaveLength(0);
  });

  it('serves its one model: another is model_not_found there, and the next provider is asked', async () => {
    const result = await makeRouter().embed('Hello, world!', { model: 'text-embedding-3-large', provider: ['mistral', 'openai'] });
    expect(result.attempts[0]).toMatchObject({ provider: 'mistral', reason: 'model_not_found' });
    expect(result.provider).toBe('openai');
    expect(embeddingRequests()).toHaveLength(1);
  });
});
