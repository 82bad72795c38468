/**
 * `POST /v1/embeddings` answered on Gemini's wire, through the official OpenAI client (`client.embeddings.create`,
 * which asks base64 vectors and decodes them unless told a format), against the gateway, against the provider test
 * server replaying Google's recorded `batchEmbedContents` answer. A second Google account of the configuration's own
 * (`google-eu`, a gemini-protocol provider listing the model) serves the same model.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../src/testing/index.js';
import { geminiEmbeddingsBatchReplay, geminiReplay, recordedGeminiEmbedding } from '../src/testing/gemini-recordings.test-support.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

const gatewayKey = 'gemini-embeddings-key-0123456789';
const euKey = 'AIza-google-eu-account-secret-0123456789';
const budgetedKey = 'gemini-embeddings-budgeted-key-0123456789';

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness({
    env: { GOOGLE_EU_API_KEY: euKey },
    yamlText: (providers) => `
providers:
  google-eu:
    protocol: gemini
    baseUrl: ${providers.baseUrlFor('google')}
    apiKeyEnv: GOOGLE_EU_API_KEY
    models: [gemini-3.5-flash-lite]
    embeddingModels:
      - { id: gemini-embedding-001, dimensions: 3072, takesDimensions: true, price: { inputPerMillion: 0.15 } }
keys:
  - name: alpha
    key: ${gatewayKey}
  - name: budgeted
    key: ${budgetedKey}
    limits: { costUsdPerDay: 100 }
`,
  });
});
afterAll(async () => harness?.close());
beforeEach(() => {
  harness.providers.reset();
  harness.providers.setBehavior('google', geminiReplay('batchEmbedContents-dimensions-768.json'));
});

const embeddingRequests = (): readonly RecordedRequest[] => harness.providers.requests.filter((request) => request.route === 'embeddings');
const client = (): OpenAI => harness.clientWithKey(gatewayKey);
const lastLine = (): Record<string, unknown> => harness.logLines.filter((line) => line.msg === 'embeddings').at(-1)!;
/** A text of its own for each test: the cache is on, and keyed by the text. */
let textNumber = 0;
const freshText = (): string => `Hello, world! (${++textNumber})`;

describe('the OpenAI client, answered by Gemini', () => {
  it("gets Google's recorded vector through its default base64 request, as float32 (what base64 carries)", async () => {
    const { vector } = recordedGeminiEmbedding();
    const text = freshText();
    const answer = await client().embeddings.create({ model: 'google/gemini-embedding-001', input: text, dimensions: 768 }).withResponse();
    expect(answer.data.data).toHaveLength(1);
    // The SDK asked base64 and decoded float32: Google's numbers, each as its nearest float32.
    expect(answer.data.data[0]!.embedding).toEqual(vector.map((value) => Math.fround(value)));
    // Google counts no tokens: the answer says 0, as OpenAI's shape must hold usage.
    expect(answer.data).toMatchObject({ object: 'list', model: 'gemini-embedding-001', usage: { prompt_tokens: 0, total_tokens: 0 } });
    expect(answer.response.headers.get('x-backup-models-provider')).toBe('google');
    const [upstream] = embeddingRequests();
    expect(upstream!.path).toBe('/google/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(upstream!.body).toEqual({
      requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text }], role: 'user' }, outputDimensionality: 768 }],
    });
    // The key is charged an estimate: about four characters a token at the catalog's $0.15 a million.
    expect(lastLine()).toMatchObject({ provider: 'google', status: 200, outcome: 'success', costEstimated: true });
    expect(lastLine().costUsd).toBeCloseTo((Math.ceil(text.length / 4) * 0.15) / 1_000_000, 15);
  });

  it("answers Google's numbers exactly to a client that asks encoding_format: 'float'", async () => {
    const answer = await client().embeddings.create({ model: 'google/gemini-embedding-001', input: [freshText()], dimensions: 768, encoding_format: 'float' });
    expect(answer.data[0]).toMatchObject({ object: 'embedding', index: 0 });
    expect(answer.data[0]!.embedding).toEqual(recordedGeminiEmbedding().vector);
  });

  it('a bare model id goes to every Gemini account that lists it: a 503 at one fails over to the other', async () => {
    harness.providers.enqueue('google', { kind: 'error', fixture: 'error-503-unavailable-overloaded' });
    const answer = await client().embeddings.create({ model: 'gemini-embedding-001', input: freshText(), dimensions: 768 }).withResponse();
    expect(answer.response.headers.get('x-backup-models-attempts')).toBe('google:failure,google-eu:success');
    expect(answer.data.data[0]!.embedding).toHaveLength(768);
    expect(embeddingRequests().map((request) => request.headers['x-goog-api-key'])).toEqual([harness.env.GOOGLE_API_KEY, euKey]);
    expect(harness.logText()).not.toContain(euKey);
  });
});

describe('the task type, in the fields OpenAI-compatible clients send it', () => {
  const sentTaskTypes = (): (string | undefined)[] =>
    embeddingRequests().flatMap((request) => (request.body as { requests: { taskType?: string }[] }).requests.map((one) => one.taskType));

  it.each([
    ["LiteLLM's task_type, in Google's words", { task_type: 'RETRIEVAL_DOCUMENT' }, 'RETRIEVAL_DOCUMENT'],
    ["task_type in lower case, as LangChain's Python clients write Google's words", { task_type: 'retrieval_query' }, 'RETRIEVAL_QUERY'],
    ["NVIDIA NIM's input_type: query", { input_type: 'query' }, 'RETRIEVAL_QUERY'],
    ["NVIDIA NIM's input_type: passage", { input_type: 'passage' }, 'RETRIEVAL_DOCUMENT'],
    ["Voyage's input_type: document", { input_type: 'document' }, 'RETRIEVAL_DOCUMENT'],
    ["Cohere's input_type: search_query", { input_type: 'search_query' }, 'RETRIEVAL_QUERY'],
    ["Cohere's input_type: clustering", { input_type: 'clustering' }, 'CLUSTERING'],
    ['an input_type in Google\'s words, as LiteLLM passes it to Vertex', { input_type: 'CODE_RETRIEVAL_QUERY' }, 'CODE_RETRIEVAL_QUERY'],
    ['both fields, agreeing', { task_type: 'RETRIEVAL_QUERY', input_type: 'query' }, 'RETRIEVAL_QUERY'],
  ])('%s: sent to Google as its taskType', async (_name, fields, taskType) => {
    const body = { model: 'gemini-embedding-001', input: [freshText()], dimensions: 768, encoding_format: 'float', ...fields } as OpenAI.EmbeddingCreateParams;
    const answer = await client().embeddings.create(body);
    expect(answer.data[0]!.embedding).toEqual(recordedGeminiEmbedding().vector);
    expect(sentTaskTypes()).toEqual([taskType]);
  });

  it("a word that is no task type is OpenAI's 400, naming the field and the words it takes; nothing is sent", async () => {
    const body = { model: 'gemini-embedding-001', input: freshText(), input_type: 'image' } as OpenAI.EmbeddingCreateParams;
    const refused = await client()
      .embeddings.create(body)
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect(refused).toMatchObject({ status: 400, param: 'input_type', type: 'invalid_request_error' });
    expect((refused as InstanceType<typeof OpenAI.BadRequestError>).message).toContain('RETRIEVAL_QUERY');
    expect((refused as InstanceType<typeof OpenAI.BadRequestError>).message).toContain('passage');
    expect(embeddingRequests()).toHaveLength(0);
  });
});

describe("a key's spend on a call of more than 100 texts", () => {
  async function spentToday(): Promise<number> {
    const response = await fetch(`${harness.url}/v1/key`, { headers: { authorization: `Bearer ${budgetedKey}` } });
    return ((await response.json()) as { usage: { costUsdToday: number } }).usage.costUsdToday;
  }

  it("counts the texts Google answered before its second batch failed, beside the other account's answer", async () => {
    // google answers the first 100 texts, then fails the second batch with its recorded 500; google-eu (the same
    // test server) then answers all 120.
    harness.providers.enqueue('google', geminiEmbeddingsBatchReplay(100), { kind: 'error', fixture: 'error-500-internal' });
    harness.providers.enqueue('google', geminiEmbeddingsBatchReplay(100), geminiEmbeddingsBatchReplay(20));
    // 40 characters each: 10 tokens at four characters a token, at the catalog's $0.15 a million.
    const texts = Array.from({ length: 120 }, () => freshText().padEnd(40, '.'));
    const dayBefore = await spentToday();
    const googleBefore = harness.router.getHealthStatus()['google']!.unansweredAttemptsCostUsd;
    const answer = await harness
      .clientWithKey(budgetedKey)
      .embeddings.create({ model: 'gemini-embedding-001', input: texts, dimensions: 768, encoding_format: 'float' })
      .withResponse();
    expect(answer.response.headers.get('x-backup-models-attempts')).toBe('google:failure,google-eu:success');
    expect(answer.data.data).toHaveLength(120);

    const answeredByGoogleUsd = (100 * 10 * 0.15) / 1_000_000;
    const answerUsd = (120 * 10 * 0.15) / 1_000_000;
    const line = harness.logLines.findLast((entry) => entry.key === 'budgeted');
    expect(line).toMatchObject({ provider: 'google-eu', outcome: 'success', costEstimated: true });
    expect(line?.costUsd).toBeCloseTo(answerUsd + answeredByGoogleUsd, 15);
    expect((await spentToday()) - dayBefore).toBeCloseTo(answerUsd + answeredByGoogleUsd, 15);
    expect(harness.router.getHealthStatus()['google']!.unansweredAttemptsCostUsd - googleBefore).toBeCloseTo(answeredByGoogleUsd, 15);
  });

  it('charges a client that left amid the batches the texts sent to Google (answered and in flight), not those never sent', async () => {
    // google answers the first 100 texts and holds the second batch; the client leaves then; the third is never sent.
    harness.providers.enqueue('google', geminiEmbeddingsBatchReplay(100), { kind: 'stall-before-headers' });
    const texts = Array.from({ length: 250 }, () => freshText().padEnd(40, '.'));
    const dayBefore = await spentToday();
    const linesBefore = harness.logLines.length;
    const leaving = new AbortController();
    const answering = fetch(`${harness.url}/v1/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${budgetedKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'google/gemini-embedding-001', input: texts, encoding_format: 'float' }),
      signal: leaving.signal,
    });
    await harness.providers.waitFor((requests) => requests.filter((request) => request.route === 'embeddings').length === 2);
    leaving.abort();
    await expect(answering).rejects.toThrow();
    await expect.poll(() => harness.logLines.slice(linesBefore).find((entry) => entry.key === 'budgeted')).toBeDefined();
    await harness.providers.waitForClientAbort({ provider: 'google' });

    expect(embeddingRequests().map((request) => (request.body as { requests: unknown[] }).requests.length)).toEqual([100, 100]);
    // 200 texts of 10 tokens at the catalog's $0.15 a million.
    const sentUsd = (200 * 10 * 0.15) / 1_000_000;
    const line = harness.logLines.slice(linesBefore).find((entry) => entry.key === 'budgeted');
    expect(line).toMatchObject({ outcome: 'client_aborted', costEstimated: true });
    expect(line?.costUsd).toBeCloseTo(sentUsd, 15);
    expect((await spentToday()) - dayBefore).toBeCloseTo(sentUsd, 15);
  });
});
