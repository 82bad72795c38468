/**
 * `router.embed` on Gemini's wire (`batchEmbedContents`): real HTTP to the provider test server replaying Google's
 * recorded answer (gemini-embedding-001 at 768 dimensions) and its recorded error bodies. A second Google account
 * (`google-backup`, its own key, the same endpoint) is a second provider of the same model.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  AllProvidersFailedError,
  type AttemptLog,
  BackupModelRouter,
  type BackupModelRouterOptions,
  defaultCatalog,
  InvalidArgumentError,
  mergeCatalog,
  type ProviderDefinition,
} from '../src/index.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import type { RecordedRequest } from '../src/testing/index.js';
import { geminiEmbeddingsBatchReplay, geminiReplay, numberedVector, recordedGeminiEmbedding } from '../src/testing/gemini-recordings.test-support.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness();
beforeEach(() => harness.server.setBehavior('google', geminiReplay('batchEmbedContents-dimensions-768.json')));

const google = defaultCatalog.find((definition) => definition.id === 'google') as ProviderDefinition;
/** The same model at a second Google account: its own key variable, the same endpoint. */
const googleBackup: ProviderDefinition = { ...google, id: 'google-backup', displayName: 'Google (second account)', apiKeyEnv: 'GOOGLE_BACKUP_API_KEY', baseUrlEnv: 'GOOGLE_BACKUP_BASE_URL' };
const backupKey = 'AIza-test-key-google-backup-account';

function makeRouter(options: BackupModelRouterOptions = {}): BackupModelRouter {
  return harness.makeRouter({
    env: { ...harness.server.environment(), GOOGLE_BACKUP_API_KEY: backupKey, GOOGLE_BACKUP_BASE_URL: harness.server.baseUrlFor('google') },
    catalog: mergeCatalog(defaultCatalog, [googleBackup]),
    timeoutMs: 10_000,
    ...options,
  });
}

const model = 'gemini-embedding-001';
const embeddingRequests = (): readonly RecordedRequest[] => harness.server.requests.filter((request) => request.route === 'embeddings');
const keyOf = (request: RecordedRequest): string | undefined => request.headers['x-goog-api-key'];
interface SentBody {
  readonly requests: readonly {
    readonly model: string;
    readonly content: { readonly parts: readonly { readonly text: string }[] };
    readonly outputDimensionality?: number;
    readonly taskType?: string;
  }[];
}
/** A text of 40 characters: 10 tokens at four characters a token. */
const fortyCharacters = (index: number): string => `a text of forty characters, numbered ${String(index).padStart(3, '0')}`;
const textsOf = (request: RecordedRequest): string[] => (request.body as SentBody).requests.map((one) => one.content.parts[0]!.text);

describe('embed on the Gemini wire: the recorded answer', () => {
  it('returns the recorded vector of the dimensions asked, from the model asked, without usage (Gemini counts none)', async () => {
    const { vector } = recordedGeminiEmbedding();
    const result = await makeRouter().embed('Hello, world!', { model, dimensions: 768 });
    expect(result.embeddings).toEqual([vector]);
    expect(result.embeddings[0]).toHaveLength(768);
    expect(result).toMatchObject({ provider: 'google', model, cached: false });
    // No token count in Google's answer: no usage, and no price the router can state (the gateway estimates one).
    expect(result.usage).toBeUndefined();
    expect(result.costUsd).toBeUndefined();
    const [request] = embeddingRequests();
    expect(request).toMatchObject({ method: 'POST', path: '/google/v1beta/models/gemini-embedding-001:batchEmbedContents', provider: 'google' });
    expect(request!.body).toEqual({
      requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'Hello, world!' }], role: 'user' }, outputDimensionality: 768 }],
    });
    expect(keyOf(request!)).toBe(harness.server.apiKeyFor('google'));
  });

  it('asks no outputDimensionality when the call names no dimensions', async () => {
    await makeRouter().embed(['Hello, world!'], { model });
    expect((embeddingRequests()[0]!.body as SentBody).requests[0]).not.toHaveProperty('outputDimensionality');
  });

  it("sends the task type asked as Google's taskType: the recorded request, whose answer is the recorded vector", async () => {
    const result = await makeRouter().embed('Hello, world!', { model, dimensions: 768, taskType: 'RETRIEVAL_QUERY' });
    expect(result.embeddings).toEqual([recordedGeminiEmbedding().vector]);
    // pydantic-ai's recorded request (test/fixtures/SOURCES.md), field for field.
    expect(embeddingRequests()[0]!.body).toEqual({
      requests: [{ content: { parts: [{ text: 'Hello, world!' }], role: 'user' }, model: 'models/gemini-embedding-001', outputDimensionality: 768, taskType: 'RETRIEVAL_QUERY' }],
    });
  });

  it('sends the task type in every text\'s request of every batch', async () => {
    harness.server.enqueue('google', geminiEmbeddingsBatchReplay(100), geminiEmbeddingsBatchReplay(5));
    const texts = Array.from({ length: 105 }, (_, index) => `document ${index}`);
    await makeRouter().embed(texts, { model, taskType: 'RETRIEVAL_DOCUMENT' });
    const sent = embeddingRequests().flatMap((request) => (request.body as SentBody).requests.map((one) => one.taskType));
    expect(sent).toEqual(texts.map(() => 'RETRIEVAL_DOCUMENT'));
  });

  it("a query's vectors are not a document's cache hit: each task type is asked of Google, then each is a hit", async () => {
    const router = makeRouter();
    await router.embed('Hello, world!', { model, taskType: 'RETRIEVAL_QUERY' });
    await router.embed('Hello, world!', { model, taskType: 'RETRIEVAL_DOCUMENT' });
    await router.embed('Hello, world!', { model });
    expect(embeddingRequests().map((request) => (request.body as SentBody).requests[0]!.taskType)).toEqual(['RETRIEVAL_QUERY', 'RETRIEVAL_DOCUMENT', undefined]);
    expect((await router.embed('Hello, world!', { model, taskType: 'RETRIEVAL_DOCUMENT' })).cached).toBe(true);
    expect((await router.embed('Hello, world!', { model, taskType: 'RETRIEVAL_QUERY' })).cached).toBe(true);
    expect(embeddingRequests()).toHaveLength(3);
  });

  it("a task type that is not Google's is the caller's InvalidArgumentError, naming the ones there are; nothing is sent", async () => {
    const failure = await makeRouter()
      .embed('Hello, world!', { model, taskType: 'RETRIEVAL_QUERIES' as 'RETRIEVAL_QUERY' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InvalidArgumentError);
    expect(failure).toMatchObject({ argument: 'taskType' });
    expect((failure as InvalidArgumentError).message).toContain('RETRIEVAL_QUERY, CODE_RETRIEVAL_QUERY');
    expect(harness.server.requests).toHaveLength(0);
  });

  it('a second identical call is answered from the cache: no request reaches Google', async () => {
    const router = makeRouter();
    const first = await router.embed('Hello, world!', { model, dimensions: 768 });
    const second = await router.embed('Hello, world!', { model, dimensions: 768 });
    expect(embeddingRequests()).toHaveLength(1);
    expect(second).toMatchObject({ cached: true, costUsd: 0, provider: 'google', attempts: [] });
    expect(second.embeddings).toEqual(first.embeddings);
  });

  it('sends more than 100 texts as consecutive requests of at most 100 (Google refuses more), the vectors joined in order', async () => {
    harness.server.enqueue('google', geminiEmbeddingsBatchReplay(100), geminiEmbeddingsBatchReplay(50));
    const texts = Array.from({ length: 150 }, (_, index) => `text ${index}`);
    const result = await makeRouter().embed(texts, { model, dimensions: 768 });
    const requests = embeddingRequests();
    expect(requests.map((request) => textsOf(request).length)).toEqual([100, 50]);
    expect(requests.flatMap(textsOf)).toEqual(texts);
    expect(result.embeddings).toEqual([...Array.from({ length: 100 }, (_, index) => numberedVector(index)), ...Array.from({ length: 50 }, (_, index) => numberedVector(index))]);
    expect(result.attempts).toHaveLength(1);
  });
});

describe('embed on the Gemini wire: failures of one provider of the model', () => {
  it("a 429 (Google's recorded RESOURCE_EXHAUSTED) fails over to the other account of the same model, with its own key", async () => {
    harness.server.enqueue('google', { kind: 'error', fixture: 'error-429-resource-exhausted' });
    const router = makeRouter();
    const result = await router.embed('Hello, world!', { model, dimensions: 768 });
    expect(result.provider).toBe('google-backup');
    expect(result.embeddings).toEqual([recordedGeminiEmbedding().vector]);
    expect(result.attempts.map((attempt) => [attempt.provider, attempt.outcome, attempt.reason])).toEqual([
      ['google', 'failure', 'rate_limit'],
      ['google-backup', 'success', undefined],
    ]);
    expect(embeddingRequests().map(keyOf)).toEqual([harness.server.apiKeyFor('google'), backupKey]);
    expect(embeddingRequests().map((request) => request.path)).toEqual([
      '/google/v1beta/models/gemini-embedding-001:batchEmbedContents',
      '/google/v1beta/models/gemini-embedding-001:batchEmbedContents',
    ]);
    // While the first account cools down, the next call skips it.
    const during = await router.embed('Another text', { model, dimensions: 768 });
    expect(during.attempts[0]).toMatchObject({ provider: 'google', outcome: 'skipped' });
  });

  it.each([
    ['503 UNAVAILABLE (overloaded)', 'error-503-unavailable-overloaded', 'overloaded'],
    ['500 INTERNAL', 'error-500-internal', 'server_error'],
  ])("a %s fails over to the other account of the same model", async (_name, fixture, reason) => {
    harness.server.enqueue('google', { kind: 'error', fixture });
    const result = await makeRouter().embed('Hello, world!', { model, dimensions: 768 });
    expect(result.provider).toBe('google-backup');
    expect(result.attempts.map((attempt) => [attempt.provider, attempt.reason])).toEqual([['google', reason], ['google-backup', undefined]]);
  });

  it("a 404 (Google's recorded answer to an embedding model it lacks) fails over, and that account is left out for the model", async () => {
    harness.server.enqueue('google', geminiReplay('error-404-batchEmbedContents-model-not-found.json'));
    const router = makeRouter();
    const result = await router.embed('Hello, world!', { model, dimensions: 768 });
    expect(result.provider).toBe('google-backup');
    expect(result.attempts[0]).toMatchObject({ provider: 'google', reason: 'model_not_found' });
    expect(router.getHealthStatus()['google']!.missingModels.map((missing) => missing.model)).toEqual([model]);
  });

  it('a batch that fails after another answered fails the attempt: the other account is asked every text again', async () => {
    harness.server.enqueue('google', geminiEmbeddingsBatchReplay(100), { kind: 'error', fixture: 'error-503-unavailable-overloaded' });
    harness.server.enqueue('google', geminiEmbeddingsBatchReplay(100), geminiEmbeddingsBatchReplay(20));
    const texts = Array.from({ length: 120 }, (_, index) => `text ${index}`);
    const result = await makeRouter().embed(texts, { model });
    expect(result.provider).toBe('google-backup');
    expect(result.embeddings).toHaveLength(120);
    expect(embeddingRequests().map((request) => [keyOf(request), textsOf(request).length])).toEqual([
      [harness.server.apiKeyFor('google'), 100],
      [harness.server.apiKeyFor('google'), 20],
      [backupKey, 100],
      [backupKey, 20],
    ]);
  });

  it("prices the texts a failed attempt's earlier batch had answered (Google bills them): on the attempt, and in its provider's health", async () => {
    // Google answers the first 100 texts, then fails the second batch with its recorded 500 INTERNAL.
    harness.server.enqueue('google', geminiEmbeddingsBatchReplay(100), { kind: 'error', fixture: 'error-500-internal' });
    harness.server.enqueue('google', geminiEmbeddingsBatchReplay(100), geminiEmbeddingsBatchReplay(20));
    // 40 characters each: 10 tokens at four characters a token.
    const texts = Array.from({ length: 120 }, (_, index) => `a text of forty characters, numbered ${String(index).padStart(3, '0')}`);
    const router = makeRouter();
    const result = await router.embed(texts, { model });
    expect(result.provider).toBe('google-backup');
    // The 100 texts Google answered: 1,000 tokens at gemini-embedding-001's $0.15 a million.
    const answeredUsd = (100 * 10 * 0.15) / 1_000_000;
    expect(result.attempts[0]).toMatchObject({ provider: 'google', outcome: 'failure', reason: 'server_error' });
    expect(result.attempts[0]!.estimatedCostUsd).toBeCloseTo(answeredUsd, 15);
    expect(result.attempts[1]).not.toHaveProperty('estimatedCostUsd');
    const health = router.getHealthStatus();
    expect(health['google']!.unansweredAttemptsCostUsd).toBeCloseTo(answeredUsd, 15);
    expect(health['google-backup']!.unansweredAttemptsCostUsd).toBe(0);
  });

  it('an attempt timed out amid its batches is priced the texts sent (the batch answered, the one in flight), not those never sent', async () => {
    // Google answers the first 100 texts and never answers the second batch; its third is never sent.
    harness.server.enqueue('google', geminiEmbeddingsBatchReplay(100), { kind: 'stall-before-headers' });
    harness.server.enqueue('google', geminiEmbeddingsBatchReplay(100), geminiEmbeddingsBatchReplay(100), geminiEmbeddingsBatchReplay(50));
    const texts = Array.from({ length: 250 }, (_, index) => fortyCharacters(index));
    // The router's time limits on a manual clock: the held batch is ended when the test says, not by the machine's load.
    const clock = new ManualClock(Date.parse('2026-11-27T12:00:00Z'));
    const router = makeRouter({ clock });
    const call = router.embed(texts, { model, responseTimeoutMs: 5_000 });
    await harness.server.waitFor((requests) => requests.filter((request) => request.route === 'embeddings').length === 2);
    await clock.advanceAsync(5_000);
    const result = await call;
    expect(result.provider).toBe('google-backup');
    expect(embeddingRequests().map((request) => [keyOf(request), textsOf(request).length])).toEqual([
      [harness.server.apiKeyFor('google'), 100],
      [harness.server.apiKeyFor('google'), 100],
      [backupKey, 100],
      [backupKey, 100],
      [backupKey, 50],
    ]);
    // 200 texts sent to the first account, 10 tokens each at gemini-embedding-001's $0.15 a million; not all 250.
    const sentUsd = (200 * 10 * 0.15) / 1_000_000;
    expect(result.attempts[0]).toMatchObject({ provider: 'google', outcome: 'failure', reason: 'timeout' });
    expect(result.attempts[0]!.estimatedCostUsd).toBeCloseTo(sentUsd, 15);
    expect(router.getHealthStatus()['google']!.unansweredAttemptsCostUsd).toBeCloseTo(sentUsd, 15);
  });

  it("a call its caller cancels amid the batches is priced the texts sent: the batch answered and the one in flight", async () => {
    harness.server.enqueue('google', geminiEmbeddingsBatchReplay(100), { kind: 'stall-before-headers' });
    const texts = Array.from({ length: 250 }, (_, index) => fortyCharacters(index));
    const router = makeRouter();
    const controller = new AbortController();
    const attemptLog: AttemptLog = { attempts: undefined };
    const call = router.embed(texts, { model, provider: 'google', signal: controller.signal, attemptLog }).catch((error: unknown) => error);
    // The second batch reached Google, which holds it.
    await harness.server.waitFor((requests) => requests.filter((request) => request.route === 'embeddings').length === 2);
    const reason = new Error('the caller gave up');
    controller.abort(reason);
    expect(await call).toBe(reason);
    await harness.server.waitForClientAbort({ provider: 'google' });
    expect(embeddingRequests().map((request) => textsOf(request).length)).toEqual([100, 100]);
    const sentUsd = (200 * 10 * 0.15) / 1_000_000;
    expect(attemptLog.attempts).toHaveLength(1);
    expect(attemptLog.attempts![0]).toMatchObject({ provider: 'google', outcome: 'aborted' });
    expect(attemptLog.attempts![0]!.estimatedCostUsd).toBeCloseTo(sentUsd, 15);
    expect(router.getHealthStatus()['google']!.unansweredAttemptsCostUsd).toBeCloseTo(sentUsd, 15);
  });

  it('an attempt whose first batch failed costs nothing: Google answered none of its texts', async () => {
    harness.server.enqueue('google', { kind: 'error', fixture: 'error-500-internal' });
    harness.server.enqueue('google', geminiEmbeddingsBatchReplay(100), geminiEmbeddingsBatchReplay(20));
    const texts = Array.from({ length: 120 }, (_, index) => `text ${index}`);
    const router = makeRouter();
    const result = await router.embed(texts, { model });
    expect(result.attempts[0]).toMatchObject({ provider: 'google', outcome: 'failure' });
    expect(result.attempts[0]).not.toHaveProperty('estimatedCostUsd');
    expect(router.getHealthStatus()['google']!.unansweredAttemptsCostUsd).toBe(0);
  });

  it('when every Google account fails, the call fails: no other embedding model is asked', async () => {
    harness.server.setBehavior('google', { kind: 'error', fixture: 'error-500-internal' });
    const failure = await makeRouter()
      .embed('Hello, world!', { model })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AllProvidersFailedError);
    expect((failure as AllProvidersFailedError).attempts.map((attempt) => [attempt.provider, attempt.model])).toEqual([
      ['google', model],
      ['google-backup', model],
    ]);
    expect(harness.server.requests.every((request) => request.provider === 'google')).toBe(true);
  });
});
