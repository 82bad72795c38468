import { describe, expect, it } from 'vitest';
import {
  AllProvidersFailedError,
  DeadlineExceededError,
  InvalidArgumentError,
  NoProviderAvailableError,
  ProviderError,
  RouterClosedError,
  registerSecret,
} from '../errors.js';
import { toErrorResponse } from './error-response.js';
import { GatewayHttpError } from './gateway-http-error.js';

const providerError = (reason: ProviderError['reason'], retryAfterMs?: number) =>
  new ProviderError({ provider: 'openai', reason, message: `failed: ${reason}`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });

describe('toErrorResponse', () => {
  it('maps our errors to the statuses and codes an OpenAI client expects', () => {
    expect(toErrorResponse(new InvalidArgumentError({ argument: 'topP', message: 'bad topP' }))).toMatchObject({
      status: 400,
      body: { error: { type: 'invalid_request_error', param: 'top_p', code: 'invalid_value' } },
    });
    expect(toErrorResponse(providerError('invalid_request')).status).toBe(400);
    expect(toErrorResponse(providerError('context_too_long')).body.error.code).toBe('context_length_exceeded');
    expect(toErrorResponse(new GatewayHttpError({ status: 413, message: 'big', code: 'request_too_large' }))).toMatchObject({ status: 413 });
    expect(toErrorResponse(new DeadlineExceededError({ timeoutMs: 100 }))).toMatchObject({ status: 504, body: { error: { type: 'timeout_error' } } });
  });

  it('answers 503 with a Retry-After to a call the router was closed under, not an internal error', () => {
    expect(toErrorResponse(new RouterClosedError())).toMatchObject({ status: 503, retryAfterSeconds: 1, body: { error: { code: 'shutting_down' } } });
  });

  it('answers 503 with a Retry-After of at least one second when no provider can serve', () => {
    expect(toErrorResponse(new NoProviderAvailableError({ message: 'none', retryAfterMs: 200 }))).toMatchObject({ status: 503, retryAfterSeconds: 1 });
    expect(toErrorResponse(new NoProviderAvailableError({ message: 'none' }))).toMatchObject({ status: 503, retryAfterSeconds: 1 });
    const failed = new AllProvidersFailedError({ attempts: [], errors: [providerError('overloaded'), providerError('rate_limit', 4_200)], retryAfterMs: 4_200 });
    expect(toErrorResponse(failed)).toMatchObject({ status: 503, retryAfterSeconds: 5, body: { error: { code: 'all_providers_failed' } } });
  });

  it('answers 404 model_not_found without Retry-After when no provider that could serve has a key: no wait helps', () => {
    const unconfigured = new NoProviderAvailableError({
      message: 'No provider has an API key. Set at least one of: GROQ_API_KEY.',
      missingEnvironmentVariables: ['GROQ_API_KEY'],
      noProviderConfigured: true,
    });
    const answer = toErrorResponse(unconfigured);
    expect(answer).toMatchObject({ status: 404, body: { error: { type: 'invalid_request_error', param: 'model', code: 'model_not_found' } } });
    expect(answer.body.error.message).toContain('GROQ_API_KEY');
    expect(answer.retryAfterSeconds).toBeUndefined();
  });

  it('keeps a request fault a request fault when every provider said the same', () => {
    const failed = new AllProvidersFailedError({ attempts: [], errors: [providerError('model_not_found')] });
    expect(toErrorResponse(failed)).toMatchObject({ status: 404, body: { error: { code: 'model_not_found' } } });
  });

  it('never tells an unexpected error or a secret', () => {
    expect(toErrorResponse(new Error('at /srv/secret/path.js:12'))).toEqual({
      status: 500,
      body: { error: { message: 'The gateway failed unexpectedly.', type: 'api_error', param: null, code: 'internal_error' } },
    });
    registerSecret('gateway-canary-key-123456');
    const message = toErrorResponse(new GatewayHttpError({ status: 400, message: 'bad gateway-canary-key-123456' })).body.error.message;
    expect(message).not.toContain('gateway-canary-key-123456');
  });

  it('never tells a secret in the param either (found by property tests: a key named as a field was echoed whole there)', () => {
    registerSecret('gk-live-7f3a9c2e4b6d8f1a3c5e7b9d2f4a6c8e0b1d3f5a7c9e');
    const refusal = new GatewayHttpError({
      status: 400,
      message: 'The field reasoning.gk-live-7f3a9c2e4b6d8f1a3c5e7b9d2f4a6c8e0b1d3f5a7c9e.base_url is not accepted.',
      param: 'reasoning.gk-live-7f3a9c2e4b6d8f1a3c5e7b9d2f4a6c8e0b1d3f5a7c9e.base_url',
    });
    const { error } = toErrorResponse(refusal).body;
    expect(error.param).toBe('reasoning.[redacted].base_url');
    expect(JSON.stringify(error)).not.toContain('gk-live-7f3a9c2e');
  });
});
