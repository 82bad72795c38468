/**
 * The router's `embed` as an AI SDK embedding model, end to end: the real `ai` package's `embed` and `embedMany`
 * over a router whose providers are the provider test server replaying OpenAI's and Google's recorded embeddings
 * answers. A second OpenAI account (`openai-backup`, its own key, the same endpoint) serves the same model.
 */
import { embed, embedMany } from 'ai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBackupModels } from '../src/ai-sdk/index.js';
import { BackupModelRouter, defaultCatalog, InvalidArgumentError, mergeCatalog, NoProviderAvailableError, type ProviderDefinition } from '../src/index.js';
import { startProviderTestServer, type ProviderTestServer, type RecordedRequest } from '../src/testing/index.js';
import { geminiEmbeddingsBatchReplay, numberedVector } from '../src/testing/gemini-recordings.test-support.js';
import { openAIEmbeddingsReplay, recordedOpenAIEmbedding } from '../src/testing/openai-embeddings-recordings.test-support.js';

let server: ProviderTestServer;
let router: BackupModelRouter;
beforeAll(async () => {
  server = await startProviderTestServer();
});
afterAll(async () => server.close());
beforeEach(() => {
  server.reset();
  server.setBehavior('openai', openAIEmbeddingsReplay());
  const openai = defaultCatalog.find((definition) => definition.id === 'openai') as ProviderDefinition;
  const openaiBackup: ProviderDefinition = { ...openai, id: 'openai-backup', apiKeyEnv: 'OPENAI_BACKUP_API_KEY', baseUrlEnv: 'OPENAI_BACKUP_BASE_URL' };
  router = new BackupModelRouter({
    env: { ...server.environment(), OPENAI_BACKUP_API_KEY: 'test-key-openai-backup', OPENAI_BACKUP_BASE_URL: server.baseUrlFor('openai') },
    catalog: mergeCatalog(defaultCatalog, [openaiBackup]),
    timeoutMs: 10_000,
  });
});
afterEach(async () => router.close());

const embeddingRequests = (): readonly RecordedRequest[] => server.requests.filter((request) => request.route === 'embeddings');

describe('backupModels.embeddingModel with the AI SDK', () => {
  it("embed: the recorded vector, its token count, and who answered under providerMetadata.backupModels", async () => {
    const backupModels = createBackupModels({ router });
    const result = await embed({ model: backupModels.embeddingModel('text-embedding-3-small', { dimensions: 128 }), value: 'Hello, world!', maxRetries: 0 });
    const recorded = recordedOpenAIEmbedding();
    expect(result.embedding).toEqual(recorded.vector);
    expect(result.usage.tokens).toBe(recorded.promptTokens);
    expect(result.providerMetadata?.['backupModels']).toMatchObject({ provider: 'openai', model: 'text-embedding-3-small', cached: false });
    expect(embeddingRequests().map((request) => request.body)).toEqual([
      { model: 'text-embedding-3-small', input: ['Hello, world!'], encoding_format: 'base64', dimensions: 128 },
    ]);
  });

  it('embed fails over among the providers of the one model named: a 503 at one account, the other answers', async () => {
    server.enqueue('openai', { kind: 'error', fixture: 'error-503-model-overloaded' });
    const backupModels = createBackupModels({ router });
    const result = await embed({ model: backupModels.embeddingModel('text-embedding-3-small', { dimensions: 128 }), value: 'Hello, world!', maxRetries: 0 });
    expect(result.embedding).toEqual(recordedOpenAIEmbedding().vector);
    const metadata = result.providerMetadata?.['backupModels'] as { provider: string; attempts: { provider: string; outcome: string }[] };
    expect(metadata.provider).toBe('openai-backup');
    expect(metadata.attempts.map((attempt) => [attempt.provider, attempt.outcome])).toEqual([['openai', 'failure'], ['openai-backup', 'success']]);
  });

  it('a provider/model id asks that provider only; a second identical embed is a cache hit that asks nobody', async () => {
    server.enqueue('openai', { kind: 'error', fixture: 'error-503-model-overloaded' });
    const model = createBackupModels({ router }).embeddingModel('openai/text-embedding-3-small', { dimensions: 128 });
    await expect(embed({ model, value: 'Hello, world!', maxRetries: 0 })).rejects.toMatchObject({ name: 'AllProvidersFailedError' });
    expect(embeddingRequests()).toHaveLength(1);
    await embed({ model, value: 'Hello, world!', maxRetries: 0 });
    const again = await embed({ model, value: 'Hello, world!', maxRetries: 0 });
    expect(again.providerMetadata?.['backupModels']).toMatchObject({ provider: 'openai', cached: true });
    expect(embeddingRequests()).toHaveLength(2);
  });

  it("embedMany on Gemini's wire: one router call for the list, the vectors in order, no token count (NaN, as the AI SDK reports it)", async () => {
    server.setBehavior('google', geminiEmbeddingsBatchReplay(3));
    const backupModels = createBackupModels({ router });
    const values = ['first text', 'second text', 'third text'];
    const result = await embedMany({ model: backupModels.embeddingModel('google/gemini-embedding-001', { dimensions: 768 }), values, maxRetries: 0 });
    expect(result.values).toEqual(values);
    expect(result.embeddings).toEqual([numberedVector(0), numberedVector(1), numberedVector(2)]);
    expect(result.usage.tokens).toBeNaN();
    const requests = embeddingRequests();
    expect(requests).toHaveLength(1);
    expect(requests[0]!.path).toBe('/google/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect((requests[0]!.body as { requests: { content: { parts: { text: string }[] } }[] }).requests.map((one) => one.content.parts[0]!.text)).toEqual(values);
  });

  it("takes the task type as @ai-sdk/google does (providerOptions.google.taskType), over the model's own taskType setting", async () => {
    server.setBehavior('google', geminiEmbeddingsBatchReplay(2));
    const model = createBackupModels({ router }).embeddingModel('google/gemini-embedding-001', { taskType: 'RETRIEVAL_QUERY' });
    const values = ['a document', 'another document'];
    await embedMany({ model, values, maxRetries: 0, providerOptions: { google: { taskType: 'RETRIEVAL_DOCUMENT' } } });
    await embedMany({ model, values, maxRetries: 0 });
    const taskTypes = embeddingRequests().map((request) => (request.body as { requests: { taskType?: string }[] }).requests.map((one) => one.taskType));
    expect(taskTypes).toEqual([
      ['RETRIEVAL_DOCUMENT', 'RETRIEVAL_DOCUMENT'],
      ['RETRIEVAL_QUERY', 'RETRIEVAL_QUERY'],
    ]);
  });

  it("a providerOptions.google.taskType that is not Google's is the router's InvalidArgumentError, and nothing is sent", async () => {
    const model = createBackupModels({ router }).embeddingModel('google/gemini-embedding-001');
    const failure = await embed({ model, value: 'Hello', maxRetries: 0, providerOptions: { google: { taskType: 'query' } } }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InvalidArgumentError);
    expect(failure).toMatchObject({ argument: 'taskType' });
    expect(server.requests).toHaveLength(0);
  });

  it('the vectors it gets are its own to change: the cached ones the next call gets are untouched', async () => {
    const model = createBackupModels({ router }).embeddingModel('text-embedding-3-small', { dimensions: 128 });
    const first = await embed({ model, value: 'Hello, world!', maxRetries: 0 });
    first.embedding.fill(0);
    const cached = await embed({ model, value: 'Hello, world!', maxRetries: 0 });
    expect(cached.providerMetadata?.['backupModels']).toMatchObject({ cached: true });
    expect(cached.embedding).toEqual(recordedOpenAIEmbedding().vector);
  });

  it("the caller's abortSignal ends the call", async () => {
    server.setBehavior('openai', { kind: 'stall-before-headers' });
    const model = createBackupModels({ router }).embeddingModel('openai/text-embedding-3-small');
    const controller = new AbortController();
    const call = embed({ model, value: 'Hello, world!', maxRetries: 0, abortSignal: controller.signal }).catch((error: unknown) => error);
    await server.waitForRequests(1);
    controller.abort(new Error('caller gave up'));
    expect(await call).toMatchObject({ message: 'caller gave up' });
  });

  it('a model no provider lists is the router\'s NoProviderAvailableError, and nothing is sent', async () => {
    const backupModels = createBackupModels({ router });
    const failure = await embed({ model: backupModels.embeddingModel('nomic-embed-text'), value: 'Hello', maxRetries: 0 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NoProviderAvailableError);
    expect(server.requests).toHaveLength(0);
  });

  it('says what it is to the AI SDK: specification v3, the router\'s limit of texts a call, parallel calls', () => {
    const model = createBackupModels({ router }).embeddingModel('text-embedding-3-small');
    expect(model).toMatchObject({ specificationVersion: 'v3', provider: 'backup-models', modelId: 'text-embedding-3-small', maxEmbeddingsPerCall: 2048, supportsParallelCalls: true });
  });
});
