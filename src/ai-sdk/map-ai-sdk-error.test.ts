import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APICallError, InvalidPromptError, LoadAPIKeyError, UnsupportedFunctionalityError } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../errors.js';
import { resolveFixturesDirectory } from '../testing/fixtures-directory.js';
import { parseRecordedHeaders } from '../testing/recorded-headers.js';
import { isApiCallError, mapAiSdkError } from './map-ai-sdk-error.js';

const fixtures = resolveFixturesDirectory();
const read = (path: string): string => readFileSync(join(fixtures, path), 'utf8');

/** The APICallError an AI SDK provider throws for a recorded error response. */
function recordedApiCallError(options: { body: string; headers?: string; statusCode: number }): APICallError {
  const responseHeaders = options.headers
    ? Object.fromEntries(parseRecordedHeaders(read(options.headers)).headers.map(([name, value]) => [name.toLowerCase(), value]))
    : {};
  return new APICallError({
    message: 'provider said no',
    url: 'https://api.example.test/v1/chat/completions',
    requestBodyValues: {},
    statusCode: options.statusCode,
    responseHeaders,
    responseBody: read(options.body),
  });
}

const nowMs = Date.parse('2025-06-02T15:14:30Z');

describe('mapAiSdkError', () => {
  it('recognises APICallError by its marker, as APICallError.isInstance does', () => {
    const error = recordedApiCallError({ statusCode: 500, body: 'openai/error-500-server-error.json' });
    expect(isApiCallError(error)).toBe(true);
    expect(isApiCallError(new Error('plain'))).toBe(false);
    expect(isApiCallError({ statusCode: 500 })).toBe(false);
  });

  it('reads a 429 as a rate limit with the recorded Retry-After and request id', () => {
    const error = recordedApiCallError({
      statusCode: 429,
      body: 'anthropic/error-429-rate-limit.json',
      headers: 'anthropic/error-429-rate-limit.headers.txt',
    });
    const mapped = mapAiSdkError({ error, providerId: 'mistral', nowMs });
    expect(mapped).toBeInstanceOf(ProviderError);
    expect(mapped).toMatchObject({ provider: 'mistral', reason: 'rate_limit', statusCode: 429, retryAfterMs: 16_000 });
    expect(mapped.cause).toBe(error);
    // The recorded headers say x-should-retry: true, as our HTTP providers read it.
    expect(mapped.shouldRetry).toBe(true);
    expect(mapAiSdkError({ error: recordedApiCallError({ statusCode: 500, body: 'openai/error-500-server-error.json' }), providerId: 'x', nowMs }).shouldRetry).toBeUndefined();
  });

  it('tells an exhausted quota from a rate limit by the recorded body', () => {
    const quota = (body: string): string =>
      mapAiSdkError({ error: recordedApiCallError({ statusCode: 429, body }), providerId: 'x', nowMs }).reason;
    expect(quota('openai/error-429-insufficient-quota.json')).toBe('quota_exhausted');
    expect(quota('moonshot/error-429-exceeded-quota.json')).toBe('quota_exhausted');
    // Mentions billing in passing, and Gemini's per-minute "quota": both are rate limits.
    expect(quota('openai/error-429-rate-limit-rpm.json')).toBe('rate_limit');
    expect(quota('gemini/error-429-quota-failure-details.json')).toBe('rate_limit');
  });

  it.each([
    [401, 'openai/error-401-invalid-api-key.json', 'authentication'],
    [403, 'openai/error-401-invalid-api-key.json', 'authentication'],
    [400, 'anthropic/error-400-invalid-request.json', 'invalid_request'],
    [404, 'openai/error-404-model-not-found.json', 'model_not_found'],
    [500, 'openai/error-500-server-error.json', 'server_error'],
    [503, 'openai/error-503-model-overloaded.json', 'overloaded'],
    [529, 'anthropic/error-529-overloaded.json', 'overloaded'],
  ] as const)('reads status %i as %s', (statusCode, body, reason) => {
    const error = recordedApiCallError({ statusCode, body });
    expect(mapAiSdkError({ error, providerId: 'x', nowMs }).reason).toBe(reason);
  });

  it('reads an APICallError without status (fetch failed) as a network failure', () => {
    const error = new APICallError({
      message: 'Cannot connect to API: fetch failed',
      url: 'https://api.example.test',
      requestBodyValues: {},
      cause: new TypeError('fetch failed'),
      isRetryable: true,
    });
    expect(mapAiSdkError({ error, providerId: 'x', nowMs }).reason).toBe('network');
  });

  it('maps the AI SDK errors raised around the call by name, and anything else as network', () => {
    // What this model or its provider package cannot take: another model may, so the call moves on.
    expect(mapAiSdkError({ error: new InvalidPromptError({ prompt: [], message: 'bad' }), providerId: 'x', nowMs }).reason).toBe(
      'generation_failed',
    );
    expect(
      mapAiSdkError({ error: new UnsupportedFunctionalityError({ functionality: 'image URLs' }), providerId: 'x', nowMs }).reason,
    ).toBe('generation_failed');
    expect(mapAiSdkError({ error: new LoadAPIKeyError({ message: 'MISTRAL_API_KEY is missing' }), providerId: 'x', nowMs }).reason).toBe(
      'authentication',
    );
    expect(mapAiSdkError({ error: new TypeError('terminated'), providerId: 'x', nowMs }).reason).toBe('network');
  });

  it("reads Groq's tool_use_failed 400 as a failed generation, as our own Groq does", () => {
    // The recorded error event's body, as @ai-sdk/groq receives it in a 400 when not streaming.
    const body = read('groq/chat-stream-error-tool-use-failed.sse')
      .split('\n')
      .find((line) => line.startsWith('data: {"error"'))!
      .slice('data: '.length);
    const error = new APICallError({ message: 'Bad Request', url: 'https://api.groq.com/openai/v1/chat/completions', requestBodyValues: {}, statusCode: 400, responseBody: body });
    expect(mapAiSdkError({ error, providerId: 'groq-sdk', nowMs }).reason).toBe('generation_failed');
  });

  it('describes an error part that is a provider JSON object, and never prints a key', () => {
    const mapped = mapAiSdkError({
      error: { message: 'Invalid key sk-abcdefghijklmnopqrstuvwx', type: 'invalid_request_error' },
      providerId: 'x',
      nowMs,
    });
    expect(mapped.message).toContain('invalid_request_error');
    expect(mapped.message).not.toContain('sk-abcdefghijklmnopqrstuvwx');
  });
});
