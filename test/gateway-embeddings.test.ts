/**
 * `POST /v1/embeddings` through the official OpenAI client (`client.embeddings.create`, which asks base64 vectors
 * and decodes them unless told a format), against the gateway, against the provider test server replaying OpenAI's
 * recorded embeddings answer. A second OpenAI account of the configuration's own (`openai-eu`) serves the same
 * model; a route names both.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../src/testing/index.js';
import { openAIEmbeddingsReplay, recordedOpenAIEmbedding } from '../src/testing/openai-embeddings-recordings.test-support.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

const alphaKey = 'alpha-key-0123456789';
const bravoKey = 'bravo-key-0123456789';
const onlyRouteKey = 'only-route-key-0123456789';
const limitedKey = 'limited-key-0123456789';
const opsKey = 'ops-key-0123456789';
const euKey = 'sk-openai-eu-account-secret-0123456789';

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness({
    env: { OPENAI_EU_API_KEY: euKey },
    yamlText: (providers) => `
providers:
  openai-eu:
    protocol: openai-compatible
    baseUrl: ${providers.baseUrlFor('openai')}
    apiKeyEnv: OPENAI_EU_API_KEY
    models: [gpt-4o-mini]
    embeddingModels:
      - { id: text-embedding-3-small, dimensions: 1536, takesDimensions: true, price: { inputPerMillion: 0.02 } }
routes:
  embed-small: [openai-eu/text-embedding-3-small, openai/text-embedding-3-small]
  two-models: [openai/text-embedding-3-small, openai/text-embedding-3-large]
keys:
  - name: alpha
    key: ${alphaKey}
  - name: bravo
    key: ${bravoKey}
  - name: only-route
    key: ${onlyRouteKey}
    models: [embed-small]
  - name: limited
    key: ${limitedKey}
    limits: { requestsPerMinute: 1 }
  - name: ops
    key: ${opsKey}
    admin: true
`,
  });
});
afterAll(async () => harness?.close());
beforeEach(() => {
  harness.providers.reset();
  harness.providers.setBehavior('openai', openAIEmbeddingsReplay());
});

const embeddingRequests = (): readonly RecordedRequest[] => harness.providers.requests.filter((request) => request.route === 'embeddings');
const client = (key: string): OpenAI => harness.clientWithKey(key);
const lastLine = (): Record<string, unknown> => harness.logLines.filter((line) => line.msg === 'embeddings').at(-1)!;
/** A text of its own for each test: the cache is on, and keyed by the text. */
let textNumber = 0;
const freshText = (): string => `Hello, world! (${++textNumber})`;

describe('the OpenAI client, as apps call it', () => {
  it('gets the recorded vector through its default base64 request, decoded by the SDK itself', async () => {
    const recorded = recordedOpenAIEmbedding();
    const answer = await client(alphaKey).embeddings.create({ model: 'openai/text-embedding-3-small', input: freshText(), dimensions: 128 }).withResponse();
    expect(answer.data.data).toHaveLength(1);
    // The SDK asked base64 and decoded it to float32: the recorded values exactly.
    expect(answer.data.data[0]!.embedding).toEqual(recorded.vector);
    expect(answer.data).toMatchObject({ object: 'list', model: 'text-embedding-3-small', usage: { prompt_tokens: 4, total_tokens: 4 } });
    expect(answer.response.headers.get('x-backup-models-provider')).toBe('openai');
    expect(answer.response.headers.get('x-backup-models-cache')).toBe('miss');
    expect(answer.response.headers.get('x-request-id')).toMatch(/^req_/);
    const [upstream] = embeddingRequests();
    expect(upstream!.body).toMatchObject({ model: 'text-embedding-3-small', dimensions: 128, encoding_format: 'base64' });
    expect(lastLine()).toMatchObject({ key: 'alpha', requestedModel: 'openai/text-embedding-3-small', provider: 'openai', inputTokens: 4, status: 200, outcome: 'success', cached: false });
    expect(lastLine().costUsd).toBeCloseTo(0.00000008, 15);
  });

  it("answers floats to a client that asks encoding_format: 'float', and a list of inputs in order", async () => {
    const recorded = recordedOpenAIEmbedding();
    const answer = await client(alphaKey).embeddings.create({ model: 'openai/text-embedding-3-small', input: [freshText()], dimensions: 128, encoding_format: 'float' });
    expect(answer.data[0]).toMatchObject({ object: 'embedding', index: 0 });
    expect(answer.data[0]!.embedding).toEqual(recorded.vector);
  });

  it('a bare model id goes to every provider that lists it; a 5xx at one fails over to the other account of the same model', async () => {
    harness.providers.enqueue('openai', { kind: 'error', fixture: 'error-503-model-overloaded' });
    const answer = await client(alphaKey).embeddings.create({ model: 'text-embedding-3-small', input: freshText(), dimensions: 128 }).withResponse();
    expect(answer.response.headers.get('x-backup-models-provider')).toBe('openai-eu');
    expect(answer.response.headers.get('x-backup-models-attempts')).toBe('openai:failure,openai-eu:success');
    expect(embeddingRequests().map((request) => request.headers.authorization)).toEqual([`Bearer ${harness.env.OPENAI_API_KEY}`, `Bearer ${euKey}`]);
  });

  it('a 429 at one account goes to the other at once, and its Retry-After keeps the first out meanwhile', async () => {
    // The route asks openai-eu first; both accounts are served at the test server's one OpenAI endpoint.
    harness.providers.enqueue('openai', { kind: 'error', fixture: 'error-429-rate-limit-rpm', headers: { 'retry-after': '30' } });
    const first = await client(alphaKey).embeddings.create({ model: 'embed-small', input: freshText() }).withResponse();
    expect(first.response.headers.get('x-backup-models-attempts')).toBe('openai-eu:failure,openai:success');
    const second = await client(alphaKey).embeddings.create({ model: 'embed-small', input: freshText() }).withResponse();
    expect(second.response.headers.get('x-backup-models-attempts')).toBe('openai-eu:skipped,openai:success');
    expect(embeddingRequests().map((request) => request.headers.authorization)).toEqual([
      `Bearer ${euKey}`,
      `Bearer ${harness.env.OPENAI_API_KEY}`,
      `Bearer ${harness.env.OPENAI_API_KEY}`,
    ]);
  });
});

describe('a task type asked of an OpenAI model', () => {
  it("is not sent upstream (OpenAI's API has no such field), and keys the cache apart from a call without one", async () => {
    const text = freshText();
    // NVIDIA NIM's field, as its clients send it beside OpenAI's (the OpenAI SDK passes unknown body fields on).
    const body = { model: 'openai/text-embedding-3-small', input: text, dimensions: 128, input_type: 'query' } as OpenAI.EmbeddingCreateParams;
    const answer = await client(alphaKey).embeddings.create(body).withResponse();
    expect(answer.data.data[0]!.embedding).toEqual(recordedOpenAIEmbedding().vector);
    expect(embeddingRequests()[0]!.body).toEqual({ model: 'text-embedding-3-small', input: [text], encoding_format: 'base64', dimensions: 128 });
    const withoutTaskType = await client(alphaKey).embeddings.create({ model: 'openai/text-embedding-3-small', input: text, dimensions: 128 }).withResponse();
    expect(withoutTaskType.response.headers.get('x-backup-models-cache')).toBe('miss');
    const again = await client(alphaKey).embeddings.create(body).withResponse();
    expect(again.response.headers.get('x-backup-models-cache')).toBe('hit');
    expect(embeddingRequests()).toHaveLength(2);
  });
});

describe('the cache, per gateway key', () => {
  it('a second identical request of the same key is a hit that reaches no provider; another key asks again', async () => {
    const body = { model: 'openai/text-embedding-3-small', input: freshText(), dimensions: 128 };
    await client(alphaKey).embeddings.create(body);
    const again = await client(alphaKey).embeddings.create(body).withResponse();
    expect(again.response.headers.get('x-backup-models-cache')).toBe('hit');
    expect(again.response.headers.get('x-backup-models-attempts')).toBe('cache:hit');
    expect(embeddingRequests()).toHaveLength(1);
    expect(lastLine()).toMatchObject({ key: 'alpha', cached: true, status: 200 });
    expect(lastLine().costUsd).toBeUndefined();
    // Another key's cache is its own: the same question reaches the provider.
    const other = await client(bravoKey).embeddings.create(body).withResponse();
    expect(other.response.headers.get('x-backup-models-cache')).toBe('miss');
    expect(embeddingRequests()).toHaveLength(2);
    // Cache-Control: no-cache asks again and stores the new answer.
    const refreshed = await client(alphaKey).embeddings.create(body, { headers: { 'cache-control': 'no-cache' } }).withResponse();
    expect(refreshed.response.headers.get('x-backup-models-cache')).toBe('refresh');
    expect(embeddingRequests()).toHaveLength(3);
  });
});

describe('what the gateway refuses', () => {
  it('no key, or a wrong one: 401 before anything is read', async () => {
    const refused = await client('not-a-gateway-key').embeddings.create({ model: 'text-embedding-3-small', input: 'Hi' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(embeddingRequests()).toHaveLength(0);
  });

  it('a key limited to some models: 403 for any other, the route it may call answered', async () => {
    const refused = await client(onlyRouteKey).embeddings.create({ model: 'openai/text-embedding-3-small', input: 'Hi' }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 403, code: 'model_not_allowed' });
    await expect(client(onlyRouteKey).embeddings.create({ model: 'embed-small', input: freshText() })).resolves.toMatchObject({ object: 'list' });
  });

  it.each([
    ['an empty input', 400, 'input', { model: 'text-embedding-3-small', input: '' }],
    ['a text that is not a string', 400, 'input[1]', { model: 'text-embedding-3-small', input: ['Hi', null] }],
    ['token ids', 400, 'input', { model: 'text-embedding-3-small', input: [1, 2, 3] }],
    ['a tier alias', 400, 'model', { model: 'tier-1', input: 'Hi' }],
    ['a route of two models', 400, 'model', { model: 'two-models', input: 'Hi' }],
    ['an encoding format of none', 400, 'encoding_format', { model: 'text-embedding-3-small', input: 'Hi', encoding_format: 'binary' }],
    ['dimensions to a model that takes none', 400, 'dimensions', { model: 'together/intfloat/multilingual-e5-large-instruct', input: 'Hi', dimensions: 64 }],
    ['a model no provider lists', 404, 'model', { model: 'nomic-embed-text', input: 'Hi' }],
    ['a chat provider without embeddings', 400, 'model', { model: 'anthropic/claude-haiku-4-5-20251001', input: 'Hi' }],
    ['an input_type of no task', 400, 'input_type', { model: 'text-embedding-3-small', input: 'Hi', input_type: 'image' }],
    ['a task_type that is not a word', 400, 'task_type', { model: 'text-embedding-3-small', input: 'Hi', task_type: 7 }],
    ['a task_type and an input_type that differ', 400, 'input_type', { model: 'text-embedding-3-small', input: 'Hi', task_type: 'RETRIEVAL_QUERY', input_type: 'passage' }],
  ])('%s: %i naming %s, nothing sent upstream', async (_name, status, param, body) => {
    const refused = await client(alphaKey)
      .embeddings.create(body as unknown as OpenAI.EmbeddingCreateParams)
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ status, param });
    expect(embeddingRequests()).toHaveLength(0);
  });

  it("a request the gateway refuses costs the key's minute nothing; the next good one is counted", async () => {
    const limited = client(limitedKey);
    await expect(limited.embeddings.create({ model: 'text-embedding-3-small', input: '' })).rejects.toMatchObject({ status: 400 });
    await expect(limited.embeddings.create({ model: 'text-embedding-3-small', input: freshText(), dimensions: 128 })).resolves.toMatchObject({ object: 'list' });
    await expect(limited.embeddings.create({ model: 'text-embedding-3-small', input: freshText() })).rejects.toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
  });
});

describe('metrics and secrets', () => {
  it('counts the route and the spend per key, and no upstream key appears in an error, a log line or the metrics', async () => {
    harness.providers.setBehavior('openai', { kind: 'error', fixture: 'error-401-invalid-api-key' });
    const failed = await client(bravoKey).embeddings.create({ model: 'embed-small', input: freshText() }).catch((error: unknown) => error);
    expect(failed).toMatchObject({ status: 503 });
    harness.providers.setBehavior('openai', openAIEmbeddingsReplay());
    const metrics = await (await fetch(`${harness.url}/metrics`, { headers: { authorization: `Bearer ${opsKey}` } })).text();
    expect(metrics).toMatch(/backup_models_gateway_requests_total\{route="embeddings",status="200"\} \d/);
    expect(metrics).toMatch(/backup_models_gateway_key_spend_usd_total\{key="alpha"\} \d/);
    for (const text of [metrics, harness.logText(), JSON.stringify(failed), String((failed as Error).message)]) {
      expect(text).not.toContain(euKey);
      expect(text).not.toContain(harness.env.OPENAI_API_KEY);
      expect(text).not.toContain(alphaKey);
      expect(text).not.toContain(bravoKey);
    }
  });
});
