import { describe, expect, it } from 'vitest';
import { ProviderError, type FailureReason } from '../../errors.js';
import type { ResponseHeaders } from '../../http/types.js';
import { parseAnthropicError } from './anthropic-error.js';
import { readFixtureResponseHeaders, readFixtureText } from './anthropic-fixtures.test-support.js';
import { noResponseHeaders } from '../../http/response-headers.js';

const nowMs = Date.parse('2025-06-02T15:15:32Z');

function parse(options: { statusCode: number; bodyText: string; headers?: ResponseHeaders }): ProviderError {
  return parseAnthropicError({ providerId: 'anthropic', headers: noResponseHeaders, nowMs, ...options });
}

describe('parseAnthropicError with the recorded errors', () => {
  const cases: { file: string; statusCode: number; reason: FailureReason; providerCode: string; requestId?: string }[] = [
    {
      file: 'error-400-invalid-request.json',
      statusCode: 400,
      reason: 'invalid_request',
      providerCode: 'invalid_request_error',
      requestId: 'req_011Ca7jT9AHpgXgdv8igm4z9',
    },
    { file: 'error-401-authentication.json', statusCode: 401, reason: 'authentication', providerCode: 'authentication_error' },
    {
      file: 'error-404-model-not-found.json',
      statusCode: 404,
      reason: 'model_not_found',
      providerCode: 'not_found_error',
      requestId: 'req_011CdufXo8Y2LVfY2veyuQWG',
    },
    { file: 'error-429-rate-limit.json', statusCode: 429, reason: 'rate_limit', providerCode: 'rate_limit_error' },
    {
      file: 'error-500-api-error.json',
      statusCode: 500,
      reason: 'server_error',
      providerCode: 'api_error',
      requestId: 'req_011CXmPTULN8bgXB7G5MDu9J',
    },
    {
      file: 'error-529-overloaded-2026.json',
      statusCode: 529,
      reason: 'overloaded',
      providerCode: 'overloaded_error',
      requestId: 'req_011CZTGFbArQvnRwr6evz8ca',
    },
    { file: 'error-529-overloaded.json', statusCode: 529, reason: 'overloaded', providerCode: 'overloaded_error' },
  ];

  for (const { file, statusCode, reason, providerCode, requestId } of cases) {
    it(`reads ${file} as ${reason}`, () => {
      const error = parse({ statusCode, bodyText: readFixtureText(file) });
      expect(error).toBeInstanceOf(ProviderError);
      expect(error.reason).toBe(reason);
      expect(error.providerCode).toBe(providerCode);
      expect(error.statusCode).toBe(statusCode);
      expect(error.provider).toBe('anthropic');
      expect(error.requestId).toBe(requestId);
    });
  }

  it('keeps the provider message', () => {
    const error = parse({ statusCode: 404, bodyText: readFixtureText('error-404-model-not-found.json') });
    expect(error.message).toContain('model: claude-sonet-4-5');
  });

  it('takes the wait from the retry-after header of the recorded 429', () => {
    const { statusCode, headers } = readFixtureResponseHeaders('error-429-rate-limit.headers.txt');
    const error = parse({ statusCode, headers, bodyText: readFixtureText('error-429-rate-limit.json') });
    expect(error.reason).toBe('rate_limit');
    expect(error.retryAfterMs).toBe(16_000);
    expect(error.isRetryable).toBe(true);
  });

  it('takes the request id from the request-id header of the recorded 529', () => {
    const { statusCode, headers } = readFixtureResponseHeaders('error-529-overloaded.headers.txt');
    const error = parse({ statusCode, headers, bodyText: readFixtureText('error-529-overloaded.json') });
    expect(error.reason).toBe('overloaded');
    expect(error.requestId).toBe('req_01RCc7MbLyQNtGKzBTv8VCep');
    expect(error.retryAfterMs).toBeUndefined();
  });
});

describe('parseAnthropicError', () => {
  const errorBody = (type: string, message: string) => JSON.stringify({ type: 'error', error: { type, message } });

  it('reads a too-long prompt as context_too_long, not a plain invalid request', () => {
    const error = parse({
      statusCode: 400,
      bodyText: errorBody('invalid_request_error', 'prompt is too long: 208310 tokens > 200000 maximum'),
    });
    expect(error.reason).toBe('context_too_long');
  });

  it('reads an empty credit balance and a spend limit as quota_exhausted', () => {
    const credit = 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.';
    expect(parse({ statusCode: 400, bodyText: errorBody('invalid_request_error', credit) }).reason).toBe('quota_exhausted');
    const limits = 'You have reached your specified API usage limits. You will regain access on 2025-07-01 at 00:00 UTC.';
    expect(parse({ statusCode: 400, bodyText: errorBody('invalid_request_error', limits) }).reason).toBe('quota_exhausted');
    expect(parse({ statusCode: 402, bodyText: errorBody('billing_error', 'Billing issue') }).reason).toBe('quota_exhausted');
  });

  it('maps the remaining error types', () => {
    expect(parse({ statusCode: 403, bodyText: errorBody('permission_error', 'no access') }).reason).toBe('authentication');
    expect(parse({ statusCode: 413, bodyText: errorBody('request_too_large', 'Request exceeds the maximum size') }).reason).toBe(
      'invalid_request',
    );
    expect(parse({ statusCode: 504, bodyText: errorBody('timeout_error', 'Request timed out') }).reason).toBe('timeout');
  });

  it('explains an HTML body from a proxy, by its status', () => {
    const error = parse({
      statusCode: 502,
      bodyText: '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
    });
    expect(error.reason).toBe('server_error');
    expect(error.message).toContain('HTML response body (status 502)');
    expect(error.message).toContain('Bad Gateway');
    expect(error.message).not.toContain('<');
  });

  it('explains an empty body, by its status', () => {
    expect(parse({ statusCode: 529, bodyText: '' })).toMatchObject({ reason: 'overloaded' });
    const error = parse({ statusCode: 503, bodyText: '   ' });
    expect(error.reason).toBe('overloaded');
    expect(error.message).toContain('empty response body');
    expect(parse({ statusCode: 401, bodyText: '' }).reason).toBe('authentication');
    expect(parse({ statusCode: 429, bodyText: 'null' }).reason).toBe('rate_limit');
  });

  it('never lets an API key in a provider message through', () => {
    const key = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789';
    const error = parse({ statusCode: 401, bodyText: errorBody('authentication_error', `invalid x-api-key: ${key}`) });
    expect(error.reason).toBe('authentication');
    expect(error.message).not.toContain(key);
    expect(JSON.stringify(error.toJSON())).not.toContain(key);
  });
});
