import { describe, expect, it } from 'vitest';
import { ProviderError, type FailureReason } from '../../errors.js';
import type { ResponseHeaders } from '../../http/types.js';
import { readFixtureResponseHeaders, readFixtureText } from './gemini-fixtures.test-support.js';
import { parseGeminiError } from './gemini-error.js';
import { noResponseHeaders } from '../../http/response-headers.js';

const nowMs = Date.parse('2026-02-12T19:31:47Z');

function parse(options: { statusCode: number; bodyText: string; headers?: ResponseHeaders }): ProviderError {
  return parseGeminiError({ providerId: 'google', headers: noResponseHeaders, nowMs, ...options });
}

function parseFixture(name: string, statusCode: number): ProviderError {
  let headers: ResponseHeaders = noResponseHeaders;
  try {
    headers = readFixtureResponseHeaders(`${name}.headers.txt`).headers;
  } catch {
    // Not every recorded error has its headers.
  }
  return parse({ statusCode, headers, bodyText: readFixtureText(`${name}.json`) });
}

describe('parseGeminiError with the recorded errors', () => {
  const cases: { name: string; statusCode: number; reason: FailureReason; providerCode: string; retryAfterMs?: number }[] = [
    { name: 'error-400-api-key-invalid', statusCode: 400, reason: 'authentication', providerCode: 'INVALID_ARGUMENT' },
    { name: 'error-400-api-key-invalid-stream', statusCode: 400, reason: 'authentication', providerCode: 'INVALID_ARGUMENT' },
    { name: 'error-400-invalid-argument', statusCode: 400, reason: 'invalid_request', providerCode: 'INVALID_ARGUMENT' },
    { name: 'error-404-model-not-found', statusCode: 404, reason: 'model_not_found', providerCode: 'NOT_FOUND' },
    { name: 'error-404-model-not-found-stream', statusCode: 404, reason: 'model_not_found', providerCode: 'NOT_FOUND' },
    // Per-minute free-tier quotas, although the message speaks of "plan and billing details".
    { name: 'error-429-quota-failure-details', statusCode: 429, reason: 'rate_limit', providerCode: 'RESOURCE_EXHAUSTED' },
    {
      name: 'error-429-quota-retry-info',
      statusCode: 429,
      reason: 'rate_limit',
      providerCode: 'RESOURCE_EXHAUSTED',
      retryAfterMs: 34_400,
    },
    { name: 'error-429-resource-exhausted', statusCode: 429, reason: 'rate_limit', providerCode: 'RESOURCE_EXHAUSTED' },
    { name: 'error-500-internal', statusCode: 500, reason: 'server_error', providerCode: 'INTERNAL' },
    { name: 'error-503-unavailable-overloaded', statusCode: 503, reason: 'overloaded', providerCode: 'UNAVAILABLE' },
  ];

  for (const { name, statusCode, reason, providerCode, retryAfterMs } of cases) {
    it(`reads ${name}.json as ${reason}`, () => {
      const error = parseFixture(name, statusCode);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error.reason).toBe(reason);
      expect(error.providerCode).toBe(providerCode);
      expect(error.statusCode).toBe(statusCode);
      expect(error.retryAfterMs).toBe(retryAfterMs);
    });
  }

  it('keeps the provider message', () => {
    expect(parseFixture('error-404-model-not-found', 404).message).toContain('models/gemini-1.5-flash is not found');
  });

  it('reads an error wrapped in an array, as some Google endpoints send it', () => {
    const error = parse({ statusCode: 503, bodyText: `[${readFixtureText('error-503-unavailable-overloaded.json')}]` });
    expect(error.reason).toBe('overloaded');
  });

  it('reads an error body framed as SSE data lines', () => {
    const body = readFixtureText('error-404-model-not-found-stream.json')
      .trim()
      .split('\n')
      .map((line) => `data: ${line}`)
      .join('\n');
    expect(parse({ statusCode: 404, bodyText: `${body}\n\n` }).reason).toBe('model_not_found');
  });
});

describe('parseGeminiError', () => {
  const errorBody = (status: string, code: number, message: string, details: unknown[] = []) =>
    JSON.stringify({ error: { code, message, status, details } });
  const quotaFailure = (...violations: object[]) => ({ '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations });
  const retryInfo = { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '20s' };

  it('reads a per-day quota as quota_exhausted, ignoring its short retry delay', () => {
    const error = parse({
      statusCode: 429,
      bodyText: errorBody('RESOURCE_EXHAUSTED', 429, 'You exceeded your current quota, please check your plan and billing details.', [
        quotaFailure({ quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier', quotaValue: '250' }),
        retryInfo,
      ]),
    });
    expect(error.reason).toBe('quota_exhausted');
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('keeps rate_limit when a per-day quota comes with a per-minute one', () => {
    const error = parse({
      statusCode: 429,
      bodyText: errorBody('RESOURCE_EXHAUSTED', 429, 'You exceeded your current quota.', [
        quotaFailure({ quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' }, { quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier' }),
        retryInfo,
      ]),
    });
    expect(error.reason).toBe('rate_limit');
    expect(error.retryAfterMs).toBe(20_000);
  });

  it('reads a zero quota and depleted credits as quota_exhausted', () => {
    expect(
      parse({
        statusCode: 429,
        bodyText: errorBody('RESOURCE_EXHAUSTED', 429, 'Quota exceeded', [
          quotaFailure({ quotaId: 'GenerateContentInputTokensPerModelPerMinute-FreeTier', quotaValue: '0' }),
        ]),
      }).reason,
    ).toBe('quota_exhausted');
    expect(
      parse({
        statusCode: 429,
        bodyText: errorBody('RESOURCE_EXHAUSTED', 429, 'Your prepayment credits are depleted. Please go to AI Studio to manage your billing.'),
      }).reason,
    ).toBe('quota_exhausted');
  });

  it('reads a quota value of any shape without throwing (found by the property tests: String() of it threw a TypeError)', () => {
    const error = parse({
      statusCode: 429,
      bodyText: errorBody('RESOURCE_EXHAUSTED', 429, 'Quota exceeded', [
        quotaFailure({ quotaId: 'GenerateContentInputTokensPerModelPerMinute-FreeTier', quotaValue: { toString: 1 } }),
      ]),
    });
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.reason).toBe('rate_limit');
    expect(parse({ statusCode: 429, bodyText: errorBody('RESOURCE_EXHAUSTED', 429, 'Quota exceeded', [quotaFailure({ quotaId: 'q', quotaValue: 0 })]) }).reason).toBe(
      'quota_exhausted',
    );
  });

  it('takes the wait from a Retry-After header when the body has no RetryInfo', () => {
    const { headers } = readFixtureResponseHeaders('error-429-resource-exhausted.headers.txt');
    const error = parse({
      statusCode: 429,
      // The recorded headers, and a Retry-After beside them.
      headers: { get: (name) => (name === 'retry-after' ? '7' : headers.get(name)) },
      bodyText: readFixtureText('error-429-resource-exhausted.json'),
    });
    expect(error.retryAfterMs).toBe(7_000);
  });

  it('reads a too-long prompt as context_too_long', () => {
    const message = 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).';
    expect(parse({ statusCode: 400, bodyText: errorBody('INVALID_ARGUMENT', 400, message) }).reason).toBe('context_too_long');
  });

  it('maps the other google.rpc statuses', () => {
    expect(parse({ statusCode: 403, bodyText: errorBody('PERMISSION_DENIED', 403, 'Your API key was reported as leaked.') }).reason).toBe(
      'authentication',
    );
    expect(parse({ statusCode: 401, bodyText: errorBody('UNAUTHENTICATED', 401, 'Request had invalid credentials.') }).reason).toBe(
      'authentication',
    );
    expect(parse({ statusCode: 504, bodyText: errorBody('DEADLINE_EXCEEDED', 504, 'Deadline expired before operation could complete.') }).reason).toBe(
      'timeout',
    );
    expect(parse({ statusCode: 400, bodyText: errorBody('FAILED_PRECONDITION', 400, 'User location is not supported for the API use.') }).reason).toBe(
      'authentication',
    );
  });

  it('explains an HTML or empty body by its status, without crashing', () => {
    const html = parse({ statusCode: 502, bodyText: '<html><body><h1>502 Bad Gateway</h1></body></html>' });
    expect(html.reason).toBe('server_error');
    expect(html.message).toContain('HTML response body (status 502): 502 Bad Gateway');
    expect(parse({ statusCode: 503, bodyText: '' })).toMatchObject({ reason: 'overloaded' });
    expect(parse({ statusCode: 504, bodyText: '' }).reason).toBe('timeout');
    expect(parse({ statusCode: 429, bodyText: '[]' }).reason).toBe('rate_limit');
  });

  it('never lets an API key in a provider message through', () => {
    const key = 'AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe';
    const recorded = readFixtureText('error-400-api-key-invalid.json').replace(
      'API key not valid. Please pass a valid API key.',
      `API key not valid: ${key}. Please pass a valid API key. https://generativelanguage.googleapis.com/v1beta/models?key=${key}`,
    );
    const error = parse({ statusCode: 400, bodyText: recorded });
    expect(error.reason).toBe('authentication');
    expect(error.message).toContain('API key not valid');
    expect(error.message).not.toContain(key);
    expect(JSON.stringify(error.toJSON())).not.toContain(key);
  });
});
