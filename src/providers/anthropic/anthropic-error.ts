import { isRetryableReason, ProviderError, type FailureReason } from '../../errors.js';
import { parseRetryAfterMs, readRetryAdvice } from '../../http/retry-after.js';
import type { ParseErrorOptions } from '../wire-protocol.js';
import { isRecord, parseJsonOrUndefined, readString } from '../../json-value.js';
import { describeUnreadableBody } from '../describe-unreadable-body.js';

/** What an Anthropic error body says: `{type: 'error', error: {type, message}, request_id?}`. */
export interface AnthropicErrorDetails {
  readonly errorType: string | undefined;
  readonly message: string | undefined;
  readonly requestId: string | undefined;
}

/** The details of an Anthropic error payload, or undefined when `payload` is not one. */
export function readAnthropicErrorPayload(payload: unknown): AnthropicErrorDetails | undefined {
  if (!isRecord(payload) || !isRecord(payload['error'])) return undefined;
  const error = payload['error'];
  return {
    errorType: readString(error['type']),
    message: readString(error['message']),
    requestId: readString(payload['request_id']),
  };
}

const contextTooLongPattern =
  /prompt is too long|input length and `?max_tokens`? exceed context limit|exceeds? the (?:model's )?context (?:window|limit)/i;
const quotaExhaustedPattern = /credit balance is too low|purchase credits|specified API usage limits/i;

/**
 * Why Anthropic failed, from its error type first, then the message (a too-long prompt and an empty
 * credit balance are both `invalid_request_error`), then the status code.
 */
export function classifyAnthropicError(options: {
  readonly errorType: string | undefined;
  readonly message: string;
  readonly statusCode: number | undefined;
}): FailureReason {
  const { errorType, message, statusCode } = options;
  if (errorType === 'billing_error' || quotaExhaustedPattern.test(message)) return 'quota_exhausted';
  if (contextTooLongPattern.test(message)) return 'context_too_long';
  switch (errorType) {
    case 'rate_limit_error':
      return 'rate_limit';
    case 'overloaded_error':
      return 'overloaded';
    case 'api_error':
      return 'server_error';
    case 'timeout_error':
      return 'timeout';
    case 'authentication_error':
    case 'permission_error':
      return 'authentication';
    case 'not_found_error':
      return 'model_not_found';
    case 'invalid_request_error':
    case 'request_too_large':
      return 'invalid_request';
  }
  return statusCode === undefined ? 'server_error' : classifyAnthropicStatus(statusCode);
}

function classifyAnthropicStatus(statusCode: number): FailureReason {
  if (statusCode === 429) return 'rate_limit';
  if (statusCode === 529 || statusCode === 503) return 'overloaded';
  if (statusCode === 408 || statusCode === 504) return 'timeout';
  if (statusCode === 401 || statusCode === 403) return 'authentication';
  if (statusCode === 402) return 'quota_exhausted';
  if (statusCode === 404) return 'model_not_found';
  if (statusCode >= 500) return 'server_error';
  return 'invalid_request';
}

/** A typed error from an Anthropic non-2xx response. Never throws, whatever the body holds. */
export function parseAnthropicError(options: ParseErrorOptions): ProviderError {
  const details = readAnthropicErrorPayload(parseJsonOrUndefined(options.bodyText));
  const message = details?.message ?? describeUnreadableBody(options.statusCode, options.bodyText);
  const reason = classifyAnthropicError({ errorType: details?.errorType, message, statusCode: options.statusCode });
  const retryAfterMs = isRetryableReason(reason) ? parseRetryAfterMs(options.headers, options.nowMs) : undefined;
  const requestId = details?.requestId ?? options.headers.get('request-id');
  return new ProviderError({
    provider: options.providerId,
    reason,
    message: `HTTP ${options.statusCode}: ${message}`,
    statusCode: options.statusCode,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(requestId === undefined ? {} : { requestId }),
    ...(details?.errorType === undefined ? {} : { providerCode: details.errorType }),
    shouldRetry: readRetryAdvice(options.headers),
  });
}

