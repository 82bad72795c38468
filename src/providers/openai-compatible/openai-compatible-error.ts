/**
 * Errors of OpenAI-compatible endpoints (OpenAI, Groq, Together, Moonshot, local servers), classified by
 * what they mean rather than by status alone: a 429 is a rate limit, an exhausted quota (stop, do not
 * retry) or an overloaded engine, depending on the body.
 */
import { ProviderError, type FailureReason } from '../../errors.js';
import { parseDurationTextMs, parseRetryAfterMs, readRetryAdvice } from '../../http/retry-after.js';
import { noResponseHeaders } from '../../http/response-headers.js';
import type { ResponseHeaders } from '../../http/types.js';
import { requestIdOf } from '../request-id.js';
import type { ParseErrorOptions } from '../wire-protocol.js';
import { readNumber, readString, parseJsonOrUndefined } from '../../json-value.js';
import { asRecord } from '../../json-value.js';

/** What an error body says, from `{"error":{...}}`, `{"error":"..."}`, `{"message":...}` or `{"detail":...}`. */
export interface OpenAIErrorDetails {
  readonly message?: string;
  readonly type?: string;
  readonly code?: string;
  /** A status inside the body (Groq's stream errors carry `status_code`). */
  readonly statusCode?: number;
}

export function readOpenAIErrorDetails(body: unknown): OpenAIErrorDetails | undefined {
  const record = asRecord(body);
  if (record === undefined) return undefined;
  const error = record.error;
  if (typeof error === 'string') return { message: error };
  const source = asRecord(error) ?? record;
  const message = readString(source.message) ?? readString(record.detail);
  const type = readString(source.type);
  const code = readString(source.code) ?? (typeof source.code === 'number' ? String(source.code) : undefined);
  const statusCode = readNumber(source.status_code) ?? readNumber(source.status);
  if (message === undefined && type === undefined && code === undefined) return undefined;
  return { message, type, code, statusCode };
}

/** The ProviderError for a non-2xx response. Never throws, whatever the body. */
export function parseOpenAICompatibleError(options: ParseErrorOptions): ProviderError {
  const details = readOpenAIErrorDetails(parseJsonOrUndefined(options.bodyText));
  return createOpenAICompatibleError({
    providerId: options.providerId,
    // An error body served with a 2xx (where a stream was asked for) may carry its real status inside.
    statusCode: options.statusCode >= 400 ? options.statusCode : (details?.statusCode ?? options.statusCode),
    headers: options.headers,
    nowMs: options.nowMs,
    details: details ?? { message: describeUnreadableBody(options.bodyText) },
  });
}

/**
 * An error reported inside a 200 (an error event in a stream, an error body where an answer was due). With
 * no status of its own it is the server's failure, and the 200's headers say nothing about its wait (a wait
 * named in the message still counts).
 */
export function errorInsideSuccess(details: OpenAIErrorDetails, providerId: string): ProviderError {
  return createOpenAICompatibleError({ providerId, statusCode: details.statusCode ?? 500, headers: noResponseHeaders, nowMs: 0, details });
}

export interface CreateOpenAICompatibleErrorOptions {
  readonly providerId: string;
  /** The HTTP status, or the one an error event inside a 200 stream reports. */
  readonly statusCode: number;
  readonly headers: ResponseHeaders;
  readonly nowMs: number;
  readonly details: OpenAIErrorDetails;
}

export function createOpenAICompatibleError(options: CreateOpenAICompatibleErrorOptions): ProviderError {
  const { details, headers, statusCode } = options;
  const reason = classifyOpenAIError(statusCode, details);
  const message = redactQuotedKey(details.message ?? '');
  const label = details.code ?? details.type;
  const retryAfterMs = isWorthWaitingFor(reason)
    ? (parseRetryAfterMs(headers, options.nowMs) ?? waitFromMessage(message))
    : undefined;
  return new ProviderError({
    provider: options.providerId,
    reason,
    message: `HTTP ${statusCode}${label === undefined ? '' : ` ${label}`}: ${message || 'no error message'}`,
    statusCode,
    retryAfterMs,
    requestId: requestIdOf(headers) ?? requestIdIn(message),
    providerCode: label,
    shouldRetry: readRetryAdvice(headers),
  });
}

const quotaLabels = new Set(['insufficient_quota', 'exceeded_current_quota_error', 'billing_hard_limit_reached']);
const overloadedLabels = new Set(['engine_overloaded_error', 'overloaded_error', 'overloaded']);
/** A rate limit by its code, for an error event inside a stream that gives no status (OpenAI, Groq). */
const rateLimitLabels = new Set(['rate_limit_exceeded', 'rate_limit_error']);
const contextLabels = new Set(['context_length_exceeded', 'string_above_max_length']);
const contentFilterLabels = new Set(['content_filter', 'content_policy_violation']);
const notFoundLabels = new Set(['model_not_found', 'resource_not_found_error']);
/** Groq's 400s (and error events) for a tool call or JSON answer its model made wrong: a failed generation. */
const generationFailedLabels = new Set(['tool_use_failed', 'json_validate_failed']);
const authenticationLabels = new Set([
  'invalid_api_key',
  'invalid_authentication_error',
  'authentication_error',
  'permission_denied_error',
]);
const contextMessage = new RegExp(
  [
    'maximum context length', // OpenAI, Groq, Together
    'context[ _]length',
    'context window',
    'input token length too long', // Moonshot
    'exceeded model token limit', // Moonshot
    'prompt is too long',
    'too many (input )?tokens',
  ].join('|'),
  'i',
);
const contentFilterMessage = /content (management )?policy|content filter|flagged as (potentially )?(harmful|unsafe)/i;

export function classifyOpenAIError(statusCode: number, details: OpenAIErrorDetails): FailureReason {
  const labels = [details.code, details.type].filter((label): label is string => label !== undefined);
  const has = (set: ReadonlySet<string>): boolean => labels.some((label) => set.has(label.toLowerCase()));
  const message = details.message ?? '';
  const clientError = statusCode === 400 || statusCode === 413 || statusCode === 422;
  if (has(quotaLabels) || statusCode === 402) return 'quota_exhausted';
  if (has(generationFailedLabels)) return 'generation_failed';
  if (has(overloadedLabels)) return 'overloaded';
  if (has(contextLabels) || (clientError && contextMessage.test(message))) return 'context_too_long';
  if (has(contentFilterLabels) || (clientError && contentFilterMessage.test(message))) return 'content_filter';
  if (has(notFoundLabels) || statusCode === 404) return 'model_not_found';
  if (has(authenticationLabels) || statusCode === 401 || statusCode === 403) return 'authentication';
  if (statusCode === 429 || has(rateLimitLabels)) return 'rate_limit';
  if (statusCode === 408 || statusCode === 504) return 'timeout';
  if (statusCode === 413) return 'context_too_long';
  if (statusCode === 503 || statusCode === 529) return 'overloaded';
  if (statusCode >= 400 && statusCode < 500) return 'invalid_request';
  return 'server_error';
}

function isWorthWaitingFor(reason: FailureReason): boolean {
  return reason === 'rate_limit' || reason === 'overloaded' || reason === 'server_error' || reason === 'timeout';
}

/** "Please try again in 1.98s" (OpenAI, Groq), "please try again after 3 seconds" (Moonshot). */
function waitFromMessage(message: string): number | undefined {
  const match = /try again (?:in|after)\s+([^\s,;]+(?:\s+(?:ms|milliseconds?|seconds?|secs?|minutes?))?)/i.exec(message);
  return match?.[1] === undefined ? undefined : parseDurationTextMs(match[1]);
}

/** OpenAI quotes part of a wrong key ("Incorrect API key provided: sk-proj-****abcd."): never repeat it. */
function redactQuotedKey(message: string): string {
  return message.replace(/(API key provided:\s*)\S+?(?=\.?(?:\s|$))/gi, '$1[redacted]');
}

/** "(Please include the request ID req_540c... in your email.)" */
function requestIdIn(message: string): string | undefined {
  return /request ID\s+([A-Za-z0-9_-]{8,})/i.exec(message)?.[1];
}

function describeUnreadableBody(bodyText: string): string {
  const trimmed = bodyText.trim();
  if (trimmed === '') return 'empty body';
  if (trimmed.startsWith('<')) {
    const title = /<title>([^<]{1,120})<\/title>/i.exec(trimmed)?.[1]?.trim();
    return title === undefined ? 'HTML body instead of JSON' : `HTML body instead of JSON: ${title}`;
  }
  const firstLine = trimmed.split(/\r?\n/, 1)[0] ?? '';
  return `body is not JSON: ${firstLine.slice(0, 200)}`;
}
