import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FailureReason } from '../../errors.js';
import { openAICompatibleProtocol } from './openai-compatible-protocol.js';
import { errorInsideSuccess, readOpenAIErrorDetails } from './openai-compatible-error.js';
import { recordedResponseHeaders as recordedHeaders, sharedFixturesDirectory } from '../../testing/shared-fixtures.test-support.js';
import { noResponseHeaders, responseHeadersFrom } from '../../http/response-headers.js';

const fixturesDirectory = sharedFixturesDirectory();
const readText = (path: string): string => readFileSync(`${fixturesDirectory}/${path}`, 'utf8');
const nowMs = Date.parse('2026-03-17T13:06:55Z');

function parseRecorded(options: { body: string; statusCode: number; headers?: string; providerId?: string }) {
  return openAICompatibleProtocol.parseError({
    providerId: options.providerId ?? options.body.split('/')[0] ?? '',
    statusCode: options.statusCode,
    headers: options.headers === undefined ? noResponseHeaders : recordedHeaders(options.headers),
    bodyText: readText(options.body),
    nowMs,
  });
}

interface Case {
  readonly body: string;
  readonly statusCode: number;
  readonly headers?: string;
  readonly reason: FailureReason;
  readonly retryAfterMs?: number;
  readonly providerCode?: string;
  readonly requestId?: string;
}

const cases: readonly Case[] = [
  { body: 'openai/error-400-unsupported-parameter-max_tokens.json', statusCode: 400, reason: 'invalid_request', providerCode: 'unsupported_parameter' },
  { body: 'openai/error-401-invalid-api-key.json', statusCode: 401, headers: 'openai/error-401-invalid-api-key.headers.txt', reason: 'authentication', providerCode: 'invalid_api_key', requestId: 'req_805398c06fec4ad79e181dca89d1b6f6' },
  { body: 'openai/error-404-model-not-found.json', statusCode: 404, reason: 'model_not_found', providerCode: 'model_not_found' },
  { body: 'openai/error-429-insufficient-quota.json', statusCode: 429, reason: 'quota_exhausted', providerCode: 'insufficient_quota' },
  { body: 'openai/error-429-rate-limit-rpm.json', statusCode: 429, reason: 'rate_limit', retryAfterMs: 20_000, providerCode: 'rate_limit_exceeded' },
  { body: 'openai/error-429-rate-limit-tpm.json', statusCode: 429, reason: 'rate_limit', retryAfterMs: 26_604, providerCode: 'rate_limit_exceeded' },
  { body: 'openai/error-500-server-error.json', statusCode: 500, reason: 'server_error', providerCode: 'server_error', requestId: 'req_540c6eaab7f4556b2baa22bcba915d51' },
  { body: 'openai/error-503-model-overloaded.json', statusCode: 503, reason: 'overloaded', providerCode: 'server_error', requestId: '500d9fff2057e4af93a280f67002c342' },
  { body: 'groq/error-401-invalid-api-key.json', statusCode: 401, headers: 'groq/error-401-invalid-api-key.headers.txt', reason: 'authentication', providerCode: 'invalid_api_key', requestId: 'req_01jngbvsctfy0bmjw87yea904b' },
  { body: 'groq/error-404-model-not-found.json', statusCode: 404, reason: 'model_not_found', providerCode: 'model_not_found' },
  // The message says 1.984999999s; Groq's docs say a 429 carries retry-after in seconds, which wins.
  { body: 'groq/error-429-rate-limit-tpm.json', statusCode: 429, reason: 'rate_limit', retryAfterMs: 1985, providerCode: 'rate_limit_exceeded' },
  { body: 'groq/error-429-rate-limit-tpm.json', statusCode: 429, headers: 'groq/ratelimit.docs.headers.txt', reason: 'rate_limit', retryAfterMs: 2000 },
  { body: 'together/error-401-invalid-api-key.json', statusCode: 401, reason: 'authentication', providerCode: 'invalid_api_key' },
  { body: 'together/error-429-rate-limit.json', statusCode: 429, reason: 'rate_limit', providerCode: 'credit_limit' },
  { body: 'moonshot/error-401-invalid-authentication.json', statusCode: 401, headers: 'moonshot/error-401-invalid-authentication.headers.txt', reason: 'authentication', providerCode: 'invalid_authentication_error' },
  { body: 'moonshot/error-429-engine-overloaded.json', statusCode: 429, headers: 'moonshot/error-429-engine-overloaded.headers.txt', reason: 'overloaded', providerCode: 'engine_overloaded_error', requestId: '2b1ff8fa-2202-11f1-b57e-00163e3c375f' },
  { body: 'moonshot/error-429-exceeded-quota.json', statusCode: 429, reason: 'quota_exhausted', providerCode: 'exceeded_current_quota_error' },
  { body: 'moonshot/error-429-rate-limit-tpm.json', statusCode: 429, reason: 'rate_limit', providerCode: 'rate_limit_reached_error' },
];

describe('parseOpenAICompatibleError on the recorded errors', () => {
  for (const testCase of cases) {
    it(`classifies ${testCase.body}${testCase.headers ? ' with its headers' : ''} as ${testCase.reason}`, () => {
      const error = parseRecorded(testCase);
      expect(error).toMatchObject({
        name: 'ProviderError',
        provider: testCase.body.split('/')[0],
        reason: testCase.reason,
        statusCode: testCase.statusCode,
        retryAfterMs: testCase.retryAfterMs,
        ...(testCase.providerCode !== undefined && { providerCode: testCase.providerCode }),
        ...(testCase.requestId !== undefined && { requestId: testCase.requestId }),
      });
      expect(error.message).toMatch(new RegExp(`^${testCase.body.split('/')[0]}: HTTP ${testCase.statusCode}`));
    });
  }

  it('never retries an exhausted quota, even with a wait in the headers', () => {
    const error = parseRecorded({ body: 'openai/error-429-insufficient-quota.json', statusCode: 429, headers: 'groq/ratelimit.docs.headers.txt' });
    expect(error.isRetryable).toBe(false);
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('does not repeat the part of the key OpenAI quotes back', () => {
    const error = parseRecorded({ body: 'openai/error-401-invalid-api-key.json', statusCode: 401 });
    expect(error.message).not.toContain('DEADBEEF');
    expect(error.message).toContain('Incorrect API key provided: [redacted]. You can find your API key');
    const live = openAICompatibleProtocol.parseError({
      providerId: 'openai',
      statusCode: 401,
      headers: noResponseHeaders,
      bodyText: JSON.stringify({ error: { message: 'Incorrect API key provided: sk-proj-********************tXYZ. You can find', code: 'invalid_api_key' } }),
      nowMs,
    });
    expect(live.message).not.toMatch(/tXYZ|sk-proj/);
  });

  it('classifies every status in the Moonshot error catalog', () => {
    const catalog = JSON.parse(readText('moonshot/error-catalog.docs.json')) as { status: number; type: string; message: string }[];
    const reasons = catalog.map((entry) =>
      openAICompatibleProtocol.parseError({
        providerId: 'moonshot',
        statusCode: entry.status,
        headers: noResponseHeaders,
        bodyText: JSON.stringify({ error: { message: entry.message, type: entry.type } }),
        nowMs,
      }).reason,
    );
    expect(catalog.map((entry, index) => `${entry.status} ${entry.type} ${reasons[index]}`)).toEqual([
      '400 invalid_request_error invalid_request',
      '400 invalid_request_error context_too_long',
      '400 invalid_request_error context_too_long',
      '400 invalid_request_error invalid_request',
      '400 invalid_request_error invalid_request',
      '400 invalid_request_error invalid_request',
      '400 invalid_request_error invalid_request',
      '401 invalid_authentication_error authentication',
      '401 invalid_authentication_error authentication',
      '403 exceeded_current_quota_error quota_exhausted',
      '403 permission_denied_error authentication',
      '403 permission_denied_error authentication',
      '404 resource_not_found_error model_not_found',
      '404 resource_not_found_error model_not_found',
      '429 engine_overloaded_error overloaded',
      '429 exceeded_current_quota_error quota_exhausted',
      '429 rate_limit_reached_error rate_limit',
      '429 rate_limit_reached_error rate_limit',
      '429 rate_limit_reached_error rate_limit',
      '429 rate_limit_reached_error rate_limit',
      '500 server_error server_error',
    ]);
  });
});

describe('parseOpenAICompatibleError on bodies that are not the usual JSON', () => {
  const parse = (statusCode: number, bodyText: string, headers: Record<string, string> = {}) =>
    openAICompatibleProtocol.parseError({ providerId: 'local', statusCode, headers: responseHeadersFrom(headers), bodyText, nowMs });

  it('describes an HTML or empty body with its status, and classifies by status', () => {
    expect(parse(502, '<html><head><title>502 Bad Gateway</title></head></html>')).toMatchObject({
      reason: 'server_error',
      message: 'local: HTTP 502: HTML body instead of JSON: 502 Bad Gateway',
    });
    expect(parse(503, '')).toMatchObject({ reason: 'overloaded', message: 'local: HTTP 503: empty body' });
    expect(parse(504, 'upstream timed out')).toMatchObject({ reason: 'timeout', message: 'local: HTTP 504: body is not JSON: upstream timed out' });
    expect(parse(408, '{}').reason).toBe('timeout');
    expect(parse(422, '{"detail":"field required"}')).toMatchObject({ reason: 'invalid_request', message: 'local: HTTP 422: field required' });
    expect(parse(404, '{"error":"model \'llama3\' not found"}').reason).toBe('model_not_found');
  });

  it('takes the status inside an error body served with a 200', () => {
    const body = JSON.stringify({ error: { message: 'slow down', type: 'tokens', code: 'rate_limit_exceeded', status_code: 429 } });
    expect(parse(200, body)).toMatchObject({ reason: 'rate_limit', statusCode: 429 });
    expect(parse(200, '{"error":{"message":"boom"}}')).toMatchObject({ reason: 'server_error', statusCode: 200 });
  });

  it("reads a rate limit by its code when a stream's error event gives no status (the recorded Groq body)", () => {
    const recorded = readText('groq/error-429-rate-limit-tpm.json');
    const error = errorInsideSuccess(readOpenAIErrorDetails(JSON.parse(recorded))!, 'groq');
    expect(error).toMatchObject({ reason: 'rate_limit', retryAfterMs: 1985 });
  });

  it('reads context length and content filter errors', () => {
    const context = JSON.stringify({ error: { message: "This model's maximum context length is 128000 tokens.", code: 'context_length_exceeded' } });
    expect(parse(400, context).reason).toBe('context_too_long');
    expect(parse(400, JSON.stringify({ error: { message: 'flagged', code: 'content_policy_violation' } })).reason).toBe('content_filter');
    expect(parse(400, JSON.stringify({ error: { message: 'The response was filtered due to our content management policy.', code: 'content_filter' } })).reason).toBe('content_filter');
  });

  it('takes retry-after-ms and retry-after from the headers before the message', () => {
    const body = JSON.stringify({ error: { message: 'Please try again in 20s.', code: 'rate_limit_exceeded' } });
    expect(parse(429, body, { 'retry-after-ms': '1500' }).retryAfterMs).toBe(1500);
    expect(parse(429, body, { 'retry-after': '3' }).retryAfterMs).toBe(3000);
    expect(parse(429, body).retryAfterMs).toBe(20_000);
    expect(parse(429, JSON.stringify({ error: { message: 'please try again after 7 seconds' } })).retryAfterMs).toBe(7000);
    expect(parse(429, JSON.stringify({ error: { message: 'Please try again in 6m0s.' } })).retryAfterMs).toBe(360_000);
  });
});
