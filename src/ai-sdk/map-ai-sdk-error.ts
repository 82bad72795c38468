import { type FailureReason, ProviderError } from '../errors.js';
import { responseHeadersFrom } from '../http/response-headers.js';
import { parseRetryAfterMs, readRetryAdvice } from '../http/retry-after.js';

/** The fields of the AI SDK's `APICallError` we read. Recognised by its marker, without importing the package. */
interface ApiCallErrorShape {
  readonly message: string;
  readonly statusCode?: number;
  readonly responseHeaders?: Record<string, string>;
  readonly responseBody?: string;
  readonly isRetryable: boolean;
}

const apiCallErrorMarker = Symbol.for('vercel.ai.error.AI_APICallError');

/** The AI SDK's own `APICallError.isInstance`, by the same global symbol, so no runtime import of the package. */
export function isApiCallError(error: unknown): error is ApiCallErrorShape {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[apiCallErrorMarker] === true;
}

/** AI SDK errors raised before or after the HTTP exchange, by name. */
const reasonByErrorName: Readonly<Record<string, FailureReason>> = {
  // What this model or its provider package cannot take (image URLs, a message shape): another model may.
  AI_InvalidPromptError: 'generation_failed',
  AI_InvalidArgumentError: 'invalid_request',
  AI_UnsupportedFunctionalityError: 'generation_failed',
  AI_TypeValidationError: 'server_error',
  AI_LoadAPIKeyError: 'authentication',
  AI_NoSuchModelError: 'model_not_found',
  AI_InvalidResponseDataError: 'server_error',
  AI_JSONParseError: 'server_error',
  AI_EmptyResponseBodyError: 'server_error',
  AI_NoContentGeneratedError: 'server_error',
};

const contextTooLongPattern = /context length|context window|too many tokens|prompt is too long|maximum context/i;
/**
 * An exhausted quota or balance (stop calling), in the words the recorded bodies use: OpenAI's and Moonshot's
 * error types, Anthropic's credit balance. Not "exceeded your current quota" alone: Gemini says it of a
 * per-minute limit, which is a rate limit.
 */
const quotaPattern =
  /insufficient_quota|exceeded_current_quota_error|billing_hard_limit_reached|insufficient balance|credit balance is too low/i;
const requestIdHeaders = ['x-request-id', 'request-id', 'x-groq-id', 'cf-ray'] as const;
/** Groq's codes for a tool call or JSON answer its model made wrong, as our own Groq reads them. */
const generationFailedPattern = /"code"\s*:\s*"(tool_use_failed|json_validate_failed)"/;

/**
 * An AI SDK model's failure as our ProviderError, so routing reads `reason` as for a built-in provider.
 * The caller must rethrow its own abort before calling this (an abort is never a provider failure).
 */
export function mapAiSdkError(options: { error: unknown; providerId: string; nowMs: number }): ProviderError {
  const { error, providerId } = options;
  if (ProviderError.isInstance(error)) return error;
  if (isApiCallError(error)) return mapApiCallError(error, options);
  const name = error instanceof Error ? error.name : undefined;
  const reason = (name !== undefined ? reasonByErrorName[name] : undefined) ?? 'network';
  return new ProviderError({
    provider: providerId,
    reason,
    message: describe(error),
    ...(name !== undefined ? { providerCode: name } : {}),
    cause: error,
  });
}

function mapApiCallError(error: ApiCallErrorShape, options: { providerId: string; nowMs: number }): ProviderError {
  const headers = responseHeadersFrom(error.responseHeaders ?? {});
  const statusCode = error.statusCode;
  const text = `${error.message} ${error.responseBody ?? ''}`;
  const reason = classifyStatus(statusCode, text);
  const retryAfterMs = reason === 'rate_limit' || reason === 'overloaded' ? parseRetryAfterMs(headers, options.nowMs) : undefined;
  const requestId = requestIdHeaders.map((header) => headers.get(header)).find((value) => value !== undefined);
  // The provider's own advice, as our HTTP providers read it (the AI SDK folds it into isRetryable).
  const shouldRetry = readRetryAdvice(headers);
  return new ProviderError({
    provider: options.providerId,
    reason,
    message: error.message,
    ...(statusCode !== undefined ? { statusCode } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
    ...(shouldRetry !== undefined ? { shouldRetry } : {}),
    cause: error,
  });
}

/** By status first; the message decides between rate limit and quota, and spots a too-long prompt. */
export function classifyStatus(statusCode: number | undefined, text: string): FailureReason {
  if (statusCode === undefined) return 'network';
  if (statusCode === 402 || (statusCode >= 400 && statusCode < 500 && quotaPattern.test(text))) return 'quota_exhausted';
  if (statusCode >= 400 && statusCode < 500 && generationFailedPattern.test(text)) return 'generation_failed';
  if (statusCode === 429) return 'rate_limit';
  if (statusCode === 401 || statusCode === 403) return 'authentication';
  if (statusCode === 404) return 'model_not_found';
  if (statusCode === 408) return 'timeout';
  if (statusCode === 413) return 'context_too_long';
  if (statusCode === 503 || statusCode === 529) return 'overloaded';
  if (statusCode >= 500) return 'server_error';
  if (statusCode >= 400) return contextTooLongPattern.test(text) ? 'context_too_long' : 'invalid_request';
  return 'server_error';
}

/** An error part may carry a provider's JSON error object rather than an Error. */
function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null) {
    try {
      return JSON.stringify(error);
    } catch {
      return String(error);
    }
  }
  return String(error);
}
