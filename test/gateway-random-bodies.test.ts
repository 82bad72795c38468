/**
 * Property tests through the real gateway, in front of the provider test server: random bodies POSTed to
 * /v1/chat/completions, /v1/messages, /v1/responses and /v1/embeddings (any JSON, or a valid body with one field
 * mutated) are answered, or refused with a 4xx in that API's own error shape, never a 5xx, and the gateway serves a
 * normal call afterwards. A gateway key or a provider key put anywhere in a bad body is not echoed back in the error,
 * nor written to the log. fast-check prints the seed of a failure; each one found is kept as a plain test.
 */
import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nearValidBody, pathsOf, withValueAt } from '../src/gateway/near-valid-bodies.test-support.js';
import { chatBodies, messagesBodies, responsesBodies } from '../src/gateway/valid-request-bodies.test-support.js';
import { geminiEmbeddingsBatchReplay } from '../src/testing/gemini-recordings.test-support.js';
import { openAIEmbeddingsBatchReplay, recordedOpenAIEmbedding } from '../src/testing/openai-embeddings-recordings.test-support.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

/** Longer than the 40 characters an unknown `type` is quoted to: a cut key must not escape redaction either. */
const gatewayKey = 'gk-live-7f3a9c2e4b6d8f1a3c5e7b9d2f4a6c8e0b1d3f5a7c9e';
/** A key of a provider this gateway has (its own environment's is the test server's), and one of another's. */
const providerKeys = ['sk-proj-Q2h7Lw9Xk3Vb8Nd4Rt6Yp1Zs5Mf0Gc2Hj7Kq9Wx3Ev', 'sk-ant-api03-Zr8Tq2Wm6Yk4Xp0Vn3Bs7Ld9Hf1Jc5Gt8Rw2Kq'];
const secrets = [gatewayKey, ...providerKeys];

let harness: GatewayHarness;

beforeAll(async () => {
  harness = await startGatewayHarness({ keys: [gatewayKey] });
});
afterAll(async () => {
  await harness?.close();
});

interface RawResponse {
  readonly status: number;
  readonly body: string;
}

function post(path: string, body: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      new URL(path, harness.url),
      { method: 'POST', headers: { authorization: `Bearer ${gatewayKey}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * The valid bodies of a dialect, for the gateway's configuration (no named routes here), each sent to a model
 * of each wire protocol (their converters differ in what they refuse) that takes its images: Google fetches no
 * image URL, so its bodies carry their images as data.
 */
const servedModels = ['openai/gpt-4o-mini', 'anthropic/claude-sonnet-4-6', 'google/gemini-3.5-flash-lite'];
const imageData = 'data:image/png;base64,iVBORw0KGgo=';
const servedHere = (bodies: readonly Record<string, unknown>[]): Record<string, unknown>[] =>
  servedModels.flatMap((model) =>
    bodies.map((body) => {
      const text = JSON.stringify({ ...body, model });
      return JSON.parse(model.startsWith('google/') ? text.replace(/https:\/\/example\.com\/[a-z]+\.(png|jpg)/g, imageData) : text) as Record<string, unknown>;
    }),
  );

const endpoints = [
  { path: '/v1/chat/completions', bodies: servedHere(chatBodies), errorShape: 'openai' },
  { path: '/v1/messages', bodies: servedHere(messagesBodies), errorShape: 'anthropic' },
  { path: '/v1/responses', bodies: servedHere(responsesBodies), errorShape: 'openai' },
] as const;

function expectErrorShape(shape: 'openai' | 'anthropic', text: string): void {
  const body = JSON.parse(text) as Record<string, unknown>;
  if (shape === 'anthropic') {
    expect(body).toMatchObject({ type: 'error', error: { type: expect.any(String), message: expect.any(String) } });
  } else {
    expect(body).toMatchObject({ error: { message: expect.any(String), type: expect.any(String) } });
    expect(body.error).toHaveProperty('code');
  }
}

/** Every 16-character stretch of a secret: a key cut short is still a key. */
function secretPieces(secret: string): string[] {
  const pieces: string[] = [];
  for (let start = 0; start + 16 <= secret.length; start += 1) pieces.push(secret.slice(start, start + 16));
  return pieces;
}

for (const { path, bodies, errorShape } of endpoints) {
  describe(`POST ${path} with random bodies`, () => {
    it("answers, or refuses with a 4xx in the API's own error shape, never a 5xx; and serves a normal call afterwards", async () => {
      const body = fc.oneof(
        fc.jsonValue({ maxDepth: 5 }),
        nearValidBody(bodies).map((request) => request.body),
      );
      await fc.assert(
        fc.asyncProperty(body, async (value) => {
          const response = await post(path, JSON.stringify(value));
          expect(response.status, response.body).toBeLessThan(500);
          if (response.status >= 400) expectErrorShape(errorShape, response.body);
        }),
        { numRuns: 120 },
      );
      const normal = await post(path, JSON.stringify(bodies[0]));
      expect(normal.status, normal.body).toBe(200);
    });

    it('never echoes a key put anywhere in a body it refuses, nor logs it', async () => {
      const placed = fc
        .record({ base: fc.constantFrom(...bodies), pick: fc.nat(), secret: fc.constantFrom(...secrets), asKey: fc.boolean() })
        .map(({ base, pick, secret, asKey }) => {
          const paths = pathsOf(base);
          const at = paths[pick % paths.length]!;
          // The key as a field's value, or as the name of a field (an upstream selector's path is quoted).
          return { secret, body: withValueAt(base, at, asKey ? { [secret]: { base_url: 'x' } } : secret) };
        });
      await fc.assert(
        fc.asyncProperty(placed, async ({ secret, body }) => {
          const logBefore = harness.logText().length;
          const response = await post(path, JSON.stringify(body));
          expect(response.status).toBeLessThan(500);
          if (response.status < 400) return;
          for (const piece of secretPieces(secret)) {
            expect(response.body).not.toContain(piece);
            expect(harness.logText().slice(logBefore)).not.toContain(piece);
          }
        }),
        { numRuns: 120 },
      );
    });
  });
}

/**
 * `POST /v1/embeddings`, on both embedding wires (OpenAI's, Gemini's batches of 100). The replay server answers
 * each call with its provider's recorded vector once per text the body holds (its recordings are of one text), so
 * any body the gateway takes is answered: a 5xx could only be the gateway's own.
 */
describe('POST /v1/embeddings with random bodies', () => {
  const embeddingBodies: readonly Record<string, unknown>[] = [
    { model: 'openai/text-embedding-3-small', input: 'Hello, world!' },
    { model: 'text-embedding-3-small', input: ['first text', 'second text'], encoding_format: 'float' },
    { model: 'openai/text-embedding-3-small', input: ['one text'], dimensions: 128, encoding_format: 'base64' },
    { model: 'google/gemini-embedding-001', input: ['first text', 'second text'], dimensions: 768 },
  ];
  const models = ['openai/text-embedding-3-small', 'text-embedding-3-small', 'google/gemini-embedding-001', 'openai/gpt-4o-mini', 'default', 'nobody/none', ''];
  /** Bodies of the request's shape with odd fields: wrong types, non-string texts, arrays up to past the 2,048-text limit. */
  const shapedBody = fc.record(
    {
      model: fc.oneof(fc.constantFrom(...models), fc.jsonValue({ maxDepth: 1 })),
      input: fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }),
        fc.integer({ min: 90, max: 2_100 }).map((count) => Array.from({ length: count }, (_, index) => `text ${index}`)),
        fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      encoding_format: fc.oneof(fc.constantFrom('float', 'base64', 'FLOAT', '', 'binary'), fc.jsonValue({ maxDepth: 1 })),
      dimensions: fc.oneof(fc.integer({ min: -5, max: 4_000 }), fc.double(), fc.constantFrom(0, 128, 768, 1_536, 3_072, 1e308), fc.jsonValue({ maxDepth: 1 })),
    },
    { requiredKeys: [] },
  );
  /** The answers built so far, by provider and text count: a batch of 100 of Google's vectors is 1.5 MB of JSON. */
  const answers = new Map<string, ReturnType<typeof openAIEmbeddingsBatchReplay>>();
  const answerOf = (key: string, make: () => ReturnType<typeof openAIEmbeddingsBatchReplay>): ReturnType<typeof openAIEmbeddingsBatchReplay> => {
    const answer = answers.get(key) ?? make();
    answers.set(key, answer);
    return answer;
  };
  /** A recorded vector cut, or repeated, to `length` values: an answer of the dimensions a body asks. */
  const resized = (vector: readonly number[], length: number | undefined): readonly number[] =>
    length === undefined ? vector : Array.from({ length }, (_, index) => vector[index % vector.length]!);
  /** A recorded Gemini batch with its vectors resized. */
  const geminiBatch = (batch: number, length: number | undefined): ReturnType<typeof geminiEmbeddingsBatchReplay> => {
    const replay = geminiEmbeddingsBatchReplay(batch);
    if (length === undefined) return replay;
    const answer = JSON.parse(replay.body!) as { embeddings: { values: number[] }[] };
    return { ...replay, body: JSON.stringify({ embeddings: answer.embeddings.map(({ values }) => ({ values: resized(values, length) })) }) };
  };
  /**
   * One recorded vector per text of the body, of the dimensions it asks (an answer of others is the provider's
   * failure), in Google's batches of 100 for Gemini.
   */
  function answerEveryText(body: unknown): void {
    const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    const count = Array.isArray(fields.input) ? fields.input.length : 1;
    const asked = Number.isInteger(fields.dimensions) && (fields.dimensions as number) >= 1 && (fields.dimensions as number) <= 4_000 ? (fields.dimensions as number) : undefined;
    harness.providers.reset();
    if (Number.isInteger(fields.dimensions) && (fields.dimensions as number) > 4_000) {
      // More dimensions than any model makes: a provider refuses the request (its recorded 400), as OpenAI and
      // Google do, where answering vectors of another size would be the provider failing.
      harness.providers.setBehavior('openai', { kind: 'error', fixture: 'error-400-unsupported-parameter-max_tokens' });
      harness.providers.setBehavior('google', { kind: 'error', fixture: 'error-400-invalid-argument' });
      return;
    }
    const openAIVectors = (): readonly (readonly number[])[] => Array.from({ length: count }, () => resized(recordedOpenAIEmbedding().vector, asked));
    harness.providers.setBehavior('openai', answerOf(`openai ${count} ${asked}`, () => openAIEmbeddingsBatchReplay(openAIVectors())));
    for (let start = 0; start < Math.max(count, 1); start += 100) {
      const batch = Math.min(100, count - start) || 1;
      harness.providers.enqueue('google', answerOf(`google ${batch} ${asked}`, () => geminiBatch(batch, asked)));
    }
  }

  it('answers, or refuses with a 4xx in OpenAI\'s error shape, never a 5xx; and serves a normal call afterwards', async () => {
    const body = fc.oneof(fc.jsonValue({ maxDepth: 5 }), shapedBody, nearValidBody(embeddingBodies).map((request) => request.body));
    await fc.assert(
      fc.asyncProperty(body, async (value) => {
        answerEveryText(value);
        const response = await post('/v1/embeddings', JSON.stringify(value));
        expect(response.status, response.body).toBeLessThan(500);
        if (response.status >= 400) expectErrorShape('openai', response.body);
        else expect(JSON.parse(response.body)).toMatchObject({ object: 'list', data: expect.any(Array) });
      }),
      { numRuns: 120 },
    );
    answerEveryText(embeddingBodies[1]);
    const normal = await post('/v1/embeddings', JSON.stringify(embeddingBodies[1]));
    expect(normal.status, normal.body).toBe(200);
    expect((JSON.parse(normal.body) as { data: unknown[] }).data).toHaveLength(2);
  });
});

describe('POST /v1/embeddings asking more dimensions than any model makes', () => {
  // Found by the property above ({"model":"openai/gpt-4o-mini","input":" ","dimensions":3669045651941882}): its
  // simulated OpenAI answered vectors of another size, a provider's failure, where a real one refuses the request.
  it("is the provider's refusal, a 400 in OpenAI's shape", async () => {
    harness.providers.setBehavior('openai', { kind: 'error', fixture: 'error-400-unsupported-parameter-max_tokens' });
    const response = await post('/v1/embeddings', JSON.stringify({ model: 'openai/gpt-4o-mini', input: ' ', dimensions: 3_669_045_651_941_882 }));
    expect(response.status, response.body).toBe(400);
    expectErrorShape('openai', response.body);
  });
});

describe('a streamed call the router refuses before it starts', () => {
  // Found by the properties above ({"temperature":-5e-324,"stream":true} on /v1/messages): router.stream's
  // refusal escaped the call's handler, so the server's last-resort handler answered it in OpenAI's shape, wrote
  // a 'gateway handler failed' error line, and left the call's own line without its outcome and status.
  it.each([
    ['/v1/messages', { max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] }],
    ['/v1/responses', { input: 'Hi' }],
  ])('%s: a 400 in the API own error shape, logged as the call failing', async (path, fields) => {
    const logLinesBefore = harness.logLines.length;
    const response = await post(path, JSON.stringify({ model: 'openai/gpt-4o-mini', temperature: -5e-324, stream: true, ...fields }));
    expect(response.status).toBe(400);
    expectErrorShape(path === '/v1/messages' ? 'anthropic' : 'openai', response.body);
    expect(response.body).toContain('temperature must be a number from 0 to 2');
    const lines = harness.logLines.slice(logLinesBefore);
    expect(lines.map((line) => line.msg)).not.toContain('gateway handler failed');
    expect(lines).toContainEqual(expect.objectContaining({ outcome: 'failure', status: 400, errorCode: 'invalid_value' }));
  });
});
