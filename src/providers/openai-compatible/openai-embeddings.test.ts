/**
 * The OpenAI-compatible embeddings wire, pure: the request we send, and our reading of OpenAI's recorded answer
 * (text-embedding-3-small, 128 dimensions, base64) and of its recorded 404, from test/fixtures/openai.
 */
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../errors.js';
import { readOpenAIEmbeddingsRecording, recordedOpenAIEmbedding } from '../../testing/openai-embeddings-recordings.test-support.js';
import { buildOpenAIEmbeddingsRequest } from './build-openai-embeddings-request.js';
import { parseOpenAICompatibleError } from './openai-compatible-error.js';
import { decodeFloat32Base64, parseOpenAIEmbeddingsResponse } from './parse-openai-embeddings-response.js';
import { responseHeadersFrom } from '../../http/response-headers.js';

const endpoint = { providerId: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-test-embeddings' };
const recordedBody = (): Record<string, unknown> => JSON.parse(readOpenAIEmbeddingsRecording('embeddings-dimensions-128.json')) as Record<string, unknown>;
const parse = (body: unknown, inputCount = 1) =>
  parseOpenAIEmbeddingsResponse(body, { providerId: 'openai', headers: responseHeadersFrom({ 'x-request-id': 'req_embeddings' }), inputCount, model: 'text-embedding-3-small' });

describe('buildOpenAIEmbeddingsRequest', () => {
  it('posts the inputs as a list to {baseUrl}/embeddings, asking base64 vectors as the OpenAI SDKs do', () => {
    const spec = buildOpenAIEmbeddingsRequest({ model: 'text-embedding-3-small', inputs: ['Hello, world!'], dimensions: 128 }, endpoint);
    expect(spec).toMatchObject({ method: 'POST', url: 'https://api.openai.com/v1/embeddings' });
    expect(spec.headers).toMatchObject({ authorization: 'Bearer sk-test-embeddings', 'content-type': 'application/json' });
    // The recorded request of this answer (pydantic-ai's cassette) was this body.
    expect(JSON.parse(spec.body!)).toEqual({ model: 'text-embedding-3-small', input: ['Hello, world!'], encoding_format: 'base64', dimensions: 128 });
  });

  it('sends no dimensions when none is asked (Together refuses the field)', () => {
    const spec = buildOpenAIEmbeddingsRequest({ model: 'intfloat/multilingual-e5-large-instruct', inputs: ['a', 'b'] }, endpoint);
    expect(JSON.parse(spec.body!)).toEqual({ model: 'intfloat/multilingual-e5-large-instruct', input: ['a', 'b'], encoding_format: 'base64' });
  });
});

describe('parseOpenAIEmbeddingsResponse', () => {
  it('reads the recorded base64 vector as the float32 values it holds, with the model, usage and request id', () => {
    const recorded = recordedOpenAIEmbedding();
    expect(parse(recordedBody())).toEqual({
      embeddings: [recorded.vector],
      model: 'text-embedding-3-small',
      usage: { inputTokens: 4 },
      requestId: 'req_embeddings',
    });
    // OpenAI's vectors are normalised: the decoded one is of length one, which a misread byte order would not be.
    const norm = Math.sqrt(recorded.vector.reduce((sum, value) => sum + value * value, 0));
    expect(norm).toBeCloseTo(1, 5);
  });

  it('reads a vector answered as a list of numbers (a server that answers floats whatever was asked)', () => {
    const recorded = recordedOpenAIEmbedding();
    const body = recordedBody();
    body.data = [{ object: 'embedding', index: 0, embedding: recorded.vector }];
    expect(parse(body).embeddings).toEqual([recorded.vector]);
  });

  it('puts the vectors in the inputs order by their index, whatever order they come in', () => {
    const recorded = recordedOpenAIEmbedding();
    const reversed = [...recorded.vector].reverse();
    const body = recordedBody();
    body.data = [
      { object: 'embedding', index: 1, embedding: reversed },
      { object: 'embedding', index: 0, embedding: recorded.vector },
    ];
    expect(parse(body, 2).embeddings).toEqual([recorded.vector, reversed]);
  });

  it.each([
    ['fewer vectors than inputs', (body: Record<string, unknown>) => body, 2],
    ['no data', (body: Record<string, unknown>) => ({ ...body, data: undefined }), 1],
    ['a vector without its index', (body: Record<string, unknown>) => ({ ...body, data: [{ embedding: [0.1] }] }), 1],
    ['two vectors at one index', (body: Record<string, unknown>) => ({ ...body, data: [{ index: 0, embedding: [0.1] }, { index: 0, embedding: [0.2] }] }), 2],
    ['base64 that is not float32', (body: Record<string, unknown>) => ({ ...body, data: [{ index: 0, embedding: 'AAA=' }] }), 1],
    ['a list holding a string', (body: Record<string, unknown>) => ({ ...body, data: [{ index: 0, embedding: [0.1, '0.2'] }] }), 1],
  ])('a 200 with %s is a server_error ProviderError, never a result', (_name, change, inputCount) => {
    const failure = (() => {
      try {
        return parse(change(recordedBody()), inputCount);
      } catch (error) {
        return error;
      }
    })();
    expect(ProviderError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({ provider: 'openai', reason: 'server_error', statusCode: 200 });
  });

  it('an error body inside a 200 is that error', () => {
    const failure = (() => {
      try {
        return parse({ error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } });
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toMatchObject({ reason: 'rate_limit' });
  });
});

describe("the recorded 404 of an embedding model, read by the protocol's error parser", () => {
  it('is model_not_found', () => {
    const error = parseOpenAICompatibleError({
      providerId: 'openai',
      statusCode: 404,
      headers: responseHeadersFrom({ 'content-type': 'application/json; charset=utf-8' }),
      bodyText: readOpenAIEmbeddingsRecording('error-404-embeddings-model-not-found.json'),
      nowMs: 0,
    });
    expect(error).toMatchObject({ reason: 'model_not_found', statusCode: 404 });
    expect(error.message).toContain('The model `nonexistent` does not exist');
  });
});

describe('decodeFloat32Base64', () => {
  it('refuses what is not whole float32 values', () => {
    expect(decodeFloat32Base64('')).toBeUndefined();
    expect(decodeFloat32Base64('not base64!')).toBeUndefined();
    expect(decodeFloat32Base64(Buffer.from([1, 2, 3]).toString('base64'))).toBeUndefined();
    expect(decodeFloat32Base64(Buffer.from(new Float32Array([Number.NaN]).buffer).toString('base64'))).toBeUndefined();
  });
});
