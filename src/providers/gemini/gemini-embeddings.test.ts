/**
 * The Gemini embeddings wire, pure: the `batchEmbedContents` request we send, and our reading of Google's recorded
 * answer (gemini-embedding-001 at 768 dimensions) and of its recorded 404, from test/fixtures/gemini.
 */
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../errors.js';
import { readGeminiRecording, recordedGeminiEmbedding } from '../../testing/gemini-recordings.test-support.js';
import { buildGeminiEmbeddingsRequest } from './build-gemini-embeddings-request.js';
import { parseGeminiError } from './gemini-error.js';
import { geminiProtocol } from './gemini-protocol.js';
import { parseGeminiEmbeddingsResponse } from './parse-gemini-embeddings-response.js';
import { noResponseHeaders, responseHeadersFrom } from '../../http/response-headers.js';

const endpoint = { providerId: 'google', baseUrl: 'https://generativelanguage.googleapis.com', apiKey: 'AIzaSyTest0123456789abcdefghij' };
const model = 'gemini-embedding-001';
const recordedBody = (): Record<string, unknown> => JSON.parse(readGeminiRecording('batchEmbedContents-dimensions-768.json')) as Record<string, unknown>;
const parse = (body: unknown, inputCount = 1) => parseGeminiEmbeddingsResponse(body, { providerId: 'google', headers: noResponseHeaders, inputCount, model });
const failureOf = (run: () => unknown): unknown => {
  try {
    return run();
  } catch (error) {
    return error;
  }
};

describe('buildGeminiEmbeddingsRequest', () => {
  it('posts one request per text to models/{model}:batchEmbedContents, the key in x-goog-api-key only', () => {
    const spec = buildGeminiEmbeddingsRequest({ model, inputs: ['Hello, world!', 'Goodbye'], dimensions: 768 }, endpoint);
    expect(spec).toMatchObject({ method: 'POST', url: 'https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents' });
    expect(spec.headers).toEqual({ 'x-goog-api-key': endpoint.apiKey, 'content-type': 'application/json' });
    expect(spec.url).not.toContain(endpoint.apiKey);
    // The recorded request's shape (pydantic-ai's cassette), without its taskType.
    expect(JSON.parse(spec.body!)).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'Hello, world!' }], role: 'user' }, outputDimensionality: 768 },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'Goodbye' }], role: 'user' }, outputDimensionality: 768 },
      ],
    });
  });

  it("sends the task type as each text's taskType: the recorded request (pydantic-ai's cassette) exactly", () => {
    const spec = buildGeminiEmbeddingsRequest({ model, inputs: ['Hello, world!'], dimensions: 768, taskType: 'RETRIEVAL_QUERY' }, endpoint);
    // Its parsed_body, as test/fixtures/SOURCES.md quotes it.
    const recordedRequest = JSON.parse(
      '{"requests":[{"content":{"parts":[{"text":"Hello, world!"}],"role":"user"},"model":"models/gemini-embedding-001","outputDimensionality":768,"taskType":"RETRIEVAL_QUERY"}]}',
    ) as unknown;
    expect(JSON.parse(spec.body!)).toEqual(recordedRequest);
  });

  it('sends no outputDimensionality when no dimensions are asked, and takes a model named models/...', () => {
    const spec = buildGeminiEmbeddingsRequest({ model: 'models/gemini-embedding-001', inputs: ['a'] }, endpoint);
    expect(spec.url).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(JSON.parse(spec.body!)).toEqual({ requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }], role: 'user' } }] });
  });

  it('is the gemini protocol\'s, which sends at most 100 texts a request', () => {
    expect(geminiProtocol.buildEmbeddingsRequest).toBe(buildGeminiEmbeddingsRequest);
    expect(geminiProtocol.parseEmbeddingsResponse).toBe(parseGeminiEmbeddingsResponse);
    expect(geminiProtocol.maxEmbeddingInputsPerRequest).toBe(100);
  });
});

describe('parseGeminiEmbeddingsResponse', () => {
  it('reads the recorded vector, naming the model asked and no usage (the answer counts no tokens)', () => {
    const { vector } = recordedGeminiEmbedding();
    const response = parse(recordedBody());
    expect(response).toEqual({ embeddings: [vector], model });
    expect(response.embeddings[0]).toHaveLength(768);
    expect(response.embeddings[0]![0]).toBe(-0.020920176);
  });

  it('keeps the vectors in the order Google answers them, the order of the texts', () => {
    const { vector } = recordedGeminiEmbedding();
    const reversed = [...vector].reverse();
    expect(parse({ embeddings: [{ values: vector }, { values: reversed }] }, 2).embeddings).toEqual([vector, reversed]);
  });

  it.each([
    ['fewer vectors than inputs', (body: Record<string, unknown>) => body, 2],
    ['no embeddings', () => ({}), 1],
    ['a body that is not an object', () => [], 1],
    ['a vector without values', () => ({ embeddings: [{}] }), 1],
    ['an empty vector', () => ({ embeddings: [{ values: [] }] }), 1],
    ['a vector holding a string', () => ({ embeddings: [{ values: [0.1, '0.2'] }] }), 1],
  ])('a 200 with %s is a server_error ProviderError, never a result', (_name, change, inputCount) => {
    const failure = failureOf(() => parse(change(recordedBody()), inputCount));
    expect(ProviderError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({ provider: 'google', reason: 'server_error', statusCode: 200 });
  });
});

describe("the recorded 404 of an embedding model, read by the protocol's error parser", () => {
  it('is model_not_found, with Google\'s message', () => {
    const error = parseGeminiError({
      providerId: 'google',
      statusCode: 404,
      headers: responseHeadersFrom({ 'content-type': 'application/json; charset=UTF-8' }),
      bodyText: readGeminiRecording('error-404-batchEmbedContents-model-not-found.json'),
      nowMs: 0,
    });
    expect(error).toMatchObject({ reason: 'model_not_found', statusCode: 404 });
    expect(error.message).toContain('models/nonexistent-model is not found for API version v1beta, or is not supported for embedContent');
  });
});
