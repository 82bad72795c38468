/**
 * `router.embed`: vectors from the one model the call names, through the model's providers only. Real HTTP to the
 * provider test server replaying OpenAI's recorded embeddings answer (text-embedding-3-small at 128 dimensions,
 * base64) and its recorded error bodies; a second OpenAI account (`openai-backup`, its own key, the same endpoint)
 * is a second provider of the same model.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AllProvidersFailedError,
  BackupModelRouter,
  type BackupModelRouterOptions,
  defaultCatalog,
  InvalidArgumentError,
  mergeCatalog,
  NoProviderAvailableError,
  type ProviderDefinition,
  type RouterEvent,
} from '../src/index.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import type { RecordedRequest } from '../src/testing/index.js';
import { openAIEmbeddingsReplay, recordedOpenAIEmbedding } from '../src/testing/openai-embeddings-recordings.test-support.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness();
beforeEach(() => harness.server.setBehavior('openai', openAIEmbeddingsReplay()));

const openai = defaultCatalog.find((definition) => definition.id === 'openai') as ProviderDefinition;
/** The same model at a second OpenAI account: its own key variable, the same endpoint. */
const openaiBackup: ProviderDefinition = { ...openai, id: 'openai-backup', displayName: 'OpenAI (second account)', apiKeyEnv: 'OPENAI_BACKUP_API_KEY', baseUrlEnv: 'OPENAI_BACKUP_BASE_URL' };
const backupKey = 'test-key-openai-backup-account';

function makeRouter(options: BackupModelRouterOptions = {}): BackupModelRouter {
  return harness.makeRouter({
    env: { ...harness.server.environment(), OPENAI_BACKUP_API_KEY: backupKey, OPENAI_BACKUP_BASE_URL: harness.server.baseUrlFor('openai') },
    catalog: mergeCatalog(defaultCatalog, [openaiBackup]),
    timeoutMs: 10_000,
    ...options,
  });
}

const model = 'text-embedding-3-small';
const embeddingRequests = (): readonly RecordedRequest[] => harness.server.requests.filter((request) => request.route === 'embeddings');
const keyOf = (request: RecordedRequest): string | undefined => request.headers.authorization;

describe('embed: the recorded answer', () => {
  it('returns the recorded vector, its model, usage and price, asked as OpenAI asks it', async () => {
    const recorded = recordedOpenAIEmbedding();
    const result = await makeRouter().embed('Hello, world!', { model, dimensions: 128 });
    expect(result.embeddings).toEqual([recorded.vector]);
    expect(result.embeddings[0]).toHaveLength(128);
    expect(result).toMatchObject({ provider: 'openai', model: recorded.model, usage: { inputTokens: recorded.promptTokens }, cached: false });
    // The catalog's $0.02 a million tokens.
    expect(result.costUsd).toBeCloseTo((recorded.promptTokens * 0.02) / 1_000_000, 15);
    const [request] = embeddingRequests();
    expect(request).toMatchObject({ method: 'POST', path: '/openai/v1/embeddings', provider: 'openai' });
    expect(request!.body).toEqual({ model, input: ['Hello, world!'], encoding_format: 'base64', dimensions: 128 });
    expect(keyOf(request!)).toBe(`Bearer ${harness.server.apiKeyFor('openai')}`);
  });

  it('a second identical call is answered from the cache: no request reaches the provider', async () => {
    const router = makeRouter();
    const first = await router.embed(['Hello, world!'], { model, dimensions: 128 });
    const second = await router.embed(['Hello, world!'], { model, dimensions: 128 });
    expect(embeddingRequests()).toHaveLength(1);
    expect(second).toMatchObject({ cached: true, costUsd: 0, provider: 'openai', attempts: [] });
    expect(second.embeddings).toEqual(first.embeddings);
  });

  it("a caller that changes the vectors it was given does not change what the cache answers next", async () => {
    const router = makeRouter();
    const first = await router.embed(['Hello, world!'], { model, dimensions: 128 });
    const recorded = [...first.embeddings[0]!];
    (first.embeddings[0] as number[]).fill(0);
    const second = await router.embed(['Hello, world!'], { model, dimensions: 128 });
    expect(second.embeddings[0]).toEqual(recorded);
    (second.embeddings[0] as number[])[0] = 42;
    const third = await router.embed(['Hello, world!'], { model, dimensions: 128 });
    expect(third.embeddings[0]).toEqual(recorded);
    expect(embeddingRequests()).toHaveLength(1);
  });

  it('caches within the caller scope: another scope, other dimensions or cache: false ask the provider', async () => {
    const router = makeRouter();
    await router.embed('Hello, world!', { model, dimensions: 128, cacheScope: 'tenant-a' });
    await router.embed('Hello, world!', { model, dimensions: 128, cacheScope: 'tenant-b' });
    expect(embeddingRequests()).toHaveLength(2);
    await router.embed('Hello, world!', { model, dimensions: 128, cacheScope: 'tenant-a', cache: false });
    expect(embeddingRequests()).toHaveLength(3);
    // The recorded answer has 128 dimensions, not the 256 asked: each account is asked, and neither answer is kept.
    await router.embed('Hello, world!', { model, dimensions: 256, cacheScope: 'tenant-a' }).catch(() => undefined);
    expect(embeddingRequests()).toHaveLength(5);
    expect((await router.embed('Hello, world!', { model, dimensions: 128, cacheScope: 'tenant-a' })).cached).toBe(true);
  });

  it('sends no task type on the OpenAI wire (OpenAI has no such field), yet a call of another task type is not its cache hit', async () => {
    const router = makeRouter();
    const query = await router.embed('Hello, world!', { model, dimensions: 128, taskType: 'RETRIEVAL_QUERY' });
    expect(query.embeddings).toEqual([recordedOpenAIEmbedding().vector]);
    expect(embeddingRequests()[0]!.body).toEqual({ model, input: ['Hello, world!'], encoding_format: 'base64', dimensions: 128 });
    // The task type is part of the cache key: a document's vectors are never a query's cache hit.
    expect((await router.embed('Hello, world!', { model, dimensions: 128, taskType: 'RETRIEVAL_DOCUMENT' })).cached).toBe(false);
    expect((await router.embed('Hello, world!', { model, dimensions: 128 })).cached).toBe(false);
    expect(embeddingRequests()).toHaveLength(3);
    expect((await router.embed('Hello, world!', { model, dimensions: 128, taskType: 'RETRIEVAL_QUERY' })).cached).toBe(true);
  });
});

describe('embed: identical calls in flight share one upstream call', () => {
  it('two identical calls at the same moment make one request; the one that joined is answered as a cache hit, at no cost', async () => {
    const router = makeRouter();
    const [first, joiner] = await Promise.all([
      router.embed('Hello, world!', { model, dimensions: 128 }),
      router.embed('Hello, world!', { model, dimensions: 128 }),
    ]);
    expect(embeddingRequests()).toHaveLength(1);
    expect(first.embeddings).toEqual([recordedOpenAIEmbedding().vector]);
    expect(joiner.embeddings).toEqual(first.embeddings);
    expect(first).toMatchObject({ cached: false, provider: 'openai' });
    expect(first.costUsd).toBeGreaterThan(0);
    expect(joiner).toMatchObject({ cached: true, costUsd: 0, provider: 'openai' });
  });

  it('calls that ask other vectors (other dimensions, another cache scope) or ask another way (a race of two) do not join', async () => {
    const router = makeRouter();
    await Promise.all([
      router.embed('Hello, world!', { model, dimensions: 128 }),
      router.embed('Hello, world!', { model, dimensions: 128 }),
      router.embed('Hello, world!', { model, dimensions: 128, cacheScope: 'tenant-b' }),
      router.embed('Hello, world!', { model, dimensions: 128, parallelAttempts: 2 }),
      router.embed('Hello, world!', { model, dimensions: 64 }).catch(() => undefined),
    ]);
    // One for the two identical calls, one each for the others, two for the race of two (both accounts), and two for
    // the 64 dimensions the recorded answer's 128 are not (each account is asked).
    expect(embeddingRequests()).toHaveLength(6);
  });

  it("a joiner gets the answer of the same request when the first caller leaves, and then pays for it", async () => {
    harness.server.setBehavior('openai', { ...openAIEmbeddingsReplay(), latencyMs: 300 });
    const router = makeRouter();
    const controller = new AbortController();
    const first = router.embed('Hello, world!', { model, dimensions: 128, signal: controller.signal }).catch((error: unknown) => error);
    const joiner = router.embed('Hello, world!', { model, dimensions: 128 });
    await harness.server.waitForRequests(1);
    controller.abort(new Error('first caller left'));
    expect(await first).toMatchObject({ message: 'first caller left' });
    const answer = await joiner;
    expect(answer.embeddings).toEqual([recordedOpenAIEmbedding().vector]);
    expect(answer).toMatchObject({ cached: false, provider: 'openai' });
    expect(answer.costUsd).toBeGreaterThan(0);
    expect(embeddingRequests()).toHaveLength(1);
  });
});

describe('embed: failures of one provider of the model', () => {
  it('a 429 puts the provider in its cooldown (Retry-After) and the call goes to the other account of the same model', async () => {
    harness.server.enqueue('openai', { kind: 'error', fixture: 'error-429-rate-limit-rpm', headers: { 'retry-after': '20' } });
    const clock = new ManualClock(Date.parse('2026-11-27T12:00:00Z'));
    const router = makeRouter({ clock });
    const result = await router.embed('Hello, world!', { model, dimensions: 128 });
    expect(result.provider).toBe('openai-backup');
    expect(result.attempts.map((attempt) => [attempt.provider, attempt.outcome, attempt.reason])).toEqual([
      ['openai', 'failure', 'rate_limit'],
      ['openai-backup', 'success', undefined],
    ]);
    // Each account's own key, one model.
    expect(embeddingRequests().map(keyOf)).toEqual([`Bearer ${harness.server.apiKeyFor('openai')}`, `Bearer ${backupKey}`]);
    expect(embeddingRequests().map((request) => (request.body as { model: string }).model)).toEqual([model, model]);
    // While it cools down, the next call skips it; once its Retry-After has passed, it is asked again.
    const during = await router.embed('Another text', { model, dimensions: 128 });
    expect(during.attempts[0]).toMatchObject({ provider: 'openai', outcome: 'skipped' });
    expect(during.provider).toBe('openai-backup');
    clock.advance(20_000);
    expect((await router.embed('A third text', { model, dimensions: 128 })).provider).toBe('openai');
  });

  it('with one provider of the model, a 429 is retried after its Retry-After when the call allows a retry round', async () => {
    harness.server.enqueue('openai', { kind: 'error', fixture: 'error-429-rate-limit-rpm', headers: { 'retry-after': '2' } });
    const clock = new ManualClock(Date.parse('2026-11-27T12:00:00Z'));
    const router = makeRouter({ clock, maxRetries: 1 });
    const call = router.embed('Hello, world!', { model, dimensions: 128, provider: 'openai' });
    await harness.server.waitForRequests(1);
    await vi.waitFor(() => expect(clock.pendingTimerCount).toBe(2));
    await clock.advanceAsync(1_999);
    expect(embeddingRequests()).toHaveLength(1);
    await clock.advanceAsync(1);
    const result = await call;
    expect(result.provider).toBe('openai');
    expect(result.attempts.map((attempt) => attempt.outcome)).toEqual(['failure', 'success']);
    expect(embeddingRequests()).toHaveLength(2);
  });

  it('a 5xx fails over to the second provider of the same model, and counts against the first one only', async () => {
    harness.server.enqueue('openai', { kind: 'error', fixture: 'error-503-model-overloaded' });
    const router = makeRouter();
    const result = await router.embed('Hello, world!', { model, dimensions: 128 });
    expect(result.provider).toBe('openai-backup');
    expect(result.attempts.map((attempt) => [attempt.provider, attempt.reason])).toEqual([['openai', 'overloaded'], ['openai-backup', undefined]]);
    const health = router.getHealthStatus();
    expect(health['openai']!.successRate).toBeLessThan(health['openai-backup']!.successRate);
  });

  it("a 404 model_not_found at one account (OpenAI's recorded answer) fails over, and that account is left out for the model", async () => {
    harness.server.enqueue('openai', openAIEmbeddingsReplay('error-404-embeddings-model-not-found.json'));
    const router = makeRouter();
    const result = await router.embed('Hello, world!', { model, dimensions: 128 });
    expect(result.provider).toBe('openai-backup');
    expect(result.attempts[0]).toMatchObject({ provider: 'openai', reason: 'model_not_found' });
    expect(router.getHealthStatus()['openai']!.missingModels.map((missing) => missing.model)).toEqual([model]);
    const next = await router.embed('Another text', { model, dimensions: 128 });
    expect(next.attempts[0]).toMatchObject({ provider: 'openai', outcome: 'skipped' });
    expect(embeddingRequests()).toHaveLength(3);
  });

  it('a stalled provider is left at responseTimeoutMs and the other account answers', async () => {
    harness.server.enqueue('openai', { kind: 'stall-before-headers' });
    const result = await makeRouter().embed('Hello, world!', { model, dimensions: 128, responseTimeoutMs: 200 });
    expect(result.provider).toBe('openai-backup');
    expect(result.attempts[0]).toMatchObject({ provider: 'openai', reason: 'timeout' });
  });
});

describe('embed: never another model', () => {
  it('when every provider of the model fails, the call fails: no other embedding model is asked', async () => {
    harness.server.setBehavior('openai', { kind: 'error', fixture: 'error-500-server-error' });
    const router = makeRouter();
    const failure = await router.embed('Hello, world!', { model, dimensions: 128 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AllProvidersFailedError);
    expect((failure as AllProvidersFailedError).attempts.map((attempt) => [attempt.provider, attempt.model])).toEqual([
      ['openai', model],
      ['openai-backup', model],
    ]);
    // text-embedding-3-large is served by the same, configured providers: never asked in its place.
    expect(embeddingRequests().map((request) => (request.body as { model: string }).model)).toEqual([model, model]);
  });

  it('a model no provider lists, with none named, asks nobody and says how to name its provider', async () => {
    const failure = await makeRouter().embed('Hello', { model: 'nomic-embed-text' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NoProviderAvailableError);
    expect((failure as Error).message).toContain("provider: 'openai'");
    expect(harness.server.requests).toHaveLength(0);
  });

  it('a named provider is asked for the model as named, listed or not (a server of your own)', async () => {
    const result = await makeRouter().embed('Hello, world!', { model: 'my-own-embedder', provider: 'openai' });
    expect(result.provider).toBe('openai');
    expect(embeddingRequests().map((request) => (request.body as { model: string }).model)).toEqual(['my-own-embedder']);
  });

  it('names the providers in the order given, and asks no other', async () => {
    harness.server.enqueue('openai', { kind: 'error', fixture: 'error-500-server-error' });
    const failure = await makeRouter()
      .embed('Hello, world!', { model, provider: ['openai'] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AllProvidersFailedError);
    expect(embeddingRequests()).toHaveLength(1);
  });
});

describe('embed: bad input is a typed error, before anything is sent', () => {
  it.each([
    ['an empty string', '', {}, 'input'],
    ['an empty list', [], {}, 'input'],
    ['a text that is not a string', ['Hello', 42], {}, 'input[1]'],
    ['an empty text in a list', ['Hello', ''], {}, 'input[1]'],
    ['too many texts', Array.from({ length: 2049 }, () => 'x'), {}, 'input'],
    ['no model', 'Hello', { model: undefined }, 'model'],
    ['an unknown provider', 'Hello', { provider: 'nobody' }, 'provider'],
    ['a provider without embeddings', 'Hello', { provider: 'anthropic' }, 'provider'],
    ['dimensions that are not a positive integer', 'Hello', { dimensions: 0 }, 'dimensions'],
    ['more dimensions than the model makes', 'Hello', { dimensions: 4096 }, 'dimensions'],
    ['dimensions to a model that takes none', 'Hello', { model: 'intfloat/multilingual-e5-large-instruct', dimensions: 256 }, 'dimensions'],
    ['a timeout that is no time', 'Hello', { timeoutMs: -1 }, 'timeoutMs'],
    ['a task type that is not one of Google\'s', 'Hello', { taskType: 'query' }, 'taskType'],
    ['a task type that is not a string', 'Hello', { taskType: 1 }, 'taskType'],
  ])('%s', async (_name, input, overrides, argument) => {
    const options = { model, ...overrides } as Parameters<BackupModelRouter['embed']>[1];
    const failure = await makeRouter()
      .embed(input as Parameters<BackupModelRouter['embed']>[0], options)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InvalidArgumentError);
    expect((failure as InvalidArgumentError).argument).toBe(argument);
    expect(harness.server.requests).toHaveLength(0);
  });
});

describe('embed: no options at all (a JavaScript caller)', () => {
  it('is an InvalidArgumentError asking for the model, and nothing is sent', async () => {
    const failure = await makeRouter()
      .embed('Hello', undefined as unknown as Parameters<BackupModelRouter['embed']>[1])
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'InvalidArgumentError', argument: 'options' });
    expect(harness.server.requests).toHaveLength(0);
  });
});

describe('embed: events and close', () => {
  it('emits its attempts and one call-end marked as embeddings, with the price', async () => {
    const router = makeRouter();
    const events: RouterEvent[] = [];
    router.onEvent((event) => events.push(event));
    await router.embed('Hello, world!', { model, dimensions: 128 });
    const end = events.find((event) => event.type === 'call-end');
    expect(end).toMatchObject({ operation: 'embeddings', outcome: 'success', provider: 'openai', requestModel: model, inputTokens: 4, streaming: false });
    expect(events.filter((event) => event.type === 'attempt-end')).toHaveLength(1);
  });

  it('a call after close() is refused, and close() ends a call in flight', async () => {
    harness.server.setBehavior('openai', { kind: 'stall-before-headers' });
    const router = makeRouter();
    const call = router.embed('Hello, world!', { model, dimensions: 128 }).catch((error: unknown) => error);
    await harness.server.waitForRequests(1);
    await router.close();
    expect((await call as Error).name).toBe('RouterClosedError');
    await expect(router.embed('Hello', { model })).rejects.toMatchObject({ name: 'RouterClosedError' });
  });
});
