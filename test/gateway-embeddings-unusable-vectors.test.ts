/**
 * An embeddings answer whose vectors no caller could use, through the gateway and the official OpenAI client, the
 * provider test server replaying OpenAI's recorded embeddings answer with its vectors changed: vectors of different
 * lengths in one answer, or of another length than the `dimensions` asked (a server that ignores them), are the
 * provider's failure, as a missing vector is, and fail over to another provider of the same model; from every
 * provider, a 503. Taken as an answer, they were given to the client and cached, and broke its index on insert.
 * A second OpenAI account of the configuration's own (`openai-eu`) serves the same model, asked after `openai`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openAIEmbeddingsBatchReplay, openAIEmbeddingsReplay, recordedOpenAIEmbedding } from '../src/testing/openai-embeddings-recordings.test-support.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness({
    env: { OPENAI_EU_API_KEY: 'sk-openai-eu-account-secret-0123456789' },
    yamlText: (providers) => `
providers:
  openai-eu:
    protocol: openai-compatible
    baseUrl: ${providers.baseUrlFor('openai')}
    apiKeyEnv: OPENAI_EU_API_KEY
    models: [gpt-4o-mini]
    embeddingModels:
      - { id: text-embedding-3-small, dimensions: 1536, takesDimensions: true, price: { inputPerMillion: 0.02 } }
`,
  });
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());

const lastLine = (): Record<string, unknown> => harness.logLines.filter((line) => line.msg === 'embeddings').at(-1)!;
/** The recorded answer's vector: 128 dimensions. */
const recorded = (): readonly number[] => recordedOpenAIEmbedding().vector;
/** A text of its own for each request: the cache is on, and keyed by the text. */
let textNumber = 0;
const freshText = (): string => `Hello, world! (${++textNumber})`;

describe('an embeddings answer whose vectors no caller could use', () => {
  it('vectors of different lengths in one answer fail over to the other account of the same model', async () => {
    harness.providers.enqueue('openai', openAIEmbeddingsBatchReplay([recorded(), recorded().slice(0, 3)]), openAIEmbeddingsBatchReplay([recorded(), recorded()]));
    const answer = await harness.client.embeddings
      .create({ model: 'text-embedding-3-small', input: [freshText(), freshText()], dimensions: 128, encoding_format: 'float' })
      .withResponse();
    expect(answer.response.headers.get('x-backup-models-attempts')).toBe('openai:failure,openai-eu:success');
    expect(answer.data.data.map((item) => item.embedding.length)).toEqual([128, 128]);
  });

  it('vectors of another length than the dimensions asked fail over too', async () => {
    harness.providers.enqueue('openai', openAIEmbeddingsReplay(), openAIEmbeddingsBatchReplay([recorded().slice(0, 64)]));
    const answer = await harness.client.embeddings.create({ model: 'text-embedding-3-small', input: freshText(), dimensions: 64, encoding_format: 'float' }).withResponse();
    expect(answer.response.headers.get('x-backup-models-attempts')).toBe('openai:failure,openai-eu:success');
    expect(answer.data.data[0]!.embedding).toHaveLength(64);
  });

  it("from every provider of the model, is a 503 (the upstream's fault) and nothing is cached", async () => {
    const text = freshText();
    harness.providers.enqueue('openai', openAIEmbeddingsReplay(), openAIEmbeddingsReplay());
    const refused = await harness.client.embeddings.create({ model: 'text-embedding-3-small', input: text, dimensions: 64 }).catch((caught: unknown) => caught);
    expect(refused).toMatchObject({ status: 503, code: 'all_providers_failed' });
    expect(lastLine()).toMatchObject({ status: 503, attempts: 'openai:failure,openai-eu:failure' });

    harness.providers.enqueue('openai', openAIEmbeddingsBatchReplay([recorded().slice(0, 64)]));
    const answer = await harness.client.embeddings.create({ model: 'text-embedding-3-small', input: text, dimensions: 64 }).withResponse();
    expect(answer.response.headers.get('x-backup-models-cache')).toBe('miss');
  });
});
