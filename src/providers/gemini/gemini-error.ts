import { isRetryableReason, ProviderError, type FailureReason } from '../../errors.js';
import { parseDurationTextMs, parseRetryAfterMs } from '../../http/retry-after.js';
import type { ParseErrorOptions } from '../wire-protocol.js';
import { isRecord, parseJsonOrUndefined, readNumber, readString, type JsonRecord } from '../../json-value.js';
import { describeUnreadableBody } from '../describe-unreadable-body.js';

/** What a Google error body says: `{error: {code, message, status, details[]}}`. */
export interface GeminiErrorDetails {
  readonly code: number | undefined;
  readonly message: string | undefined;
  /** The google.rpc status name: `RESOURCE_EXHAUSTED`, `INVALID_ARGUMENT`, ... */
  readonly status: string | undefined;
  readonly details: readonly JsonRecord[];
}

/** The details of a Google error payload (also wrapped in an array, as some endpoints send it), or undefined. */
export function readGeminiErrorPayload(payload: unknown): GeminiErrorDetails | undefined {
  const object = Array.isArray(payload) ? (payload as unknown[])[0] : payload;
  if (!isRecord(object) || !isRecord(object['error'])) return undefined;
  const error = object['error'];
  return {
    code: readNumber(error['code']),
    message: readString(error['message']),
    status: readString(error['status']),
    details: Array.isArray(error['details']) ? error['details'].filter(isRecord) : [],
  };
}

const contextTooLongPattern =
  /input token count .*exceeds|exceeds the maximum number of tokens|too many (?:input )?tokens|context (?:length|window)/i;
/** Words that say money, not time, will fix it (a prepaid balance at zero, billing turned off). */
const billingPattern = /prepayment credits are depleted|credits? (?:are |is )?(?:depleted|exhausted)|billing (?:is )?(?:not enabled|disabled)|enable billing/i;
const locationPattern = /location is not supported|not available in your country|region is not supported/i;

/**
 * Why Gemini failed, from the google.rpc status first, then the details and message, then the code.
 *
 * RESOURCE_EXHAUSTED is `rate_limit` unless it is clearly not worth waiting for. The message is NOT that
 * signal: both recorded 429s (error-429-quota-failure-details.json, error-429-quota-retry-info.json) say
 * "You exceeded your current quota, please check your plan (and billing details)", yet their QuotaFailure
 * quotaIds are per-minute free-tier limits that clear within a minute. So a quota 429 is `quota_exhausted`
 * only when (a) the message speaks of depleted credits or disabled billing, or (b) a QuotaFailure
 * violation has a limit of 0 (the tier has no quota for this model at all), or (c) every violation is a
 * per-day quota (quotaId `...PerDay...`), which waiting seconds or minutes does not fix; Google's RetryInfo
 * on those is known to be a short, misleading delay.
 */
export function classifyGeminiError(error: GeminiErrorDetails, statusCode: number | undefined): FailureReason {
  const message = error.message ?? '';
  if (isInvalidApiKey(error)) return 'authentication';
  switch (error.status) {
    case 'RESOURCE_EXHAUSTED':
      return isExhaustedQuota(error) ? 'quota_exhausted' : 'rate_limit';
    case 'INVALID_ARGUMENT':
    case 'OUT_OF_RANGE':
      return contextTooLongPattern.test(message) ? 'context_too_long' : 'invalid_request';
    case 'FAILED_PRECONDITION':
      if (billingPattern.test(message)) return 'quota_exhausted';
      return locationPattern.test(message) ? 'authentication' : 'invalid_request';
    case 'PERMISSION_DENIED':
    case 'UNAUTHENTICATED':
      return 'authentication';
    case 'NOT_FOUND':
      return 'model_not_found';
    case 'INTERNAL':
    case 'UNKNOWN':
    case 'DATA_LOSS':
    case 'ABORTED':
    case 'CANCELLED':
      return 'server_error';
    case 'UNAVAILABLE':
      return 'overloaded';
    case 'DEADLINE_EXCEEDED':
      return 'timeout';
  }
  return classifyGeminiStatusCode(error.code ?? statusCode);
}

function classifyGeminiStatusCode(statusCode: number | undefined): FailureReason {
  if (statusCode === undefined) return 'server_error';
  if (statusCode === 429) return 'rate_limit';
  if (statusCode === 503) return 'overloaded';
  if (statusCode === 504 || statusCode === 408) return 'timeout';
  if (statusCode === 401 || statusCode === 403) return 'authentication';
  if (statusCode === 404) return 'model_not_found';
  if (statusCode >= 500) return 'server_error';
  return 'invalid_request';
}

/** Google answers a bad key with 400 INVALID_ARGUMENT and an ErrorInfo reason, not with 401. */
function isInvalidApiKey(error: GeminiErrorDetails): boolean {
  const reason = findDetail(error, 'google.rpc.ErrorInfo')?.['reason'];
  if (reason === 'API_KEY_INVALID' || reason === 'API_KEY_EXPIRED') return true;
  return /API key (?:not valid|expired)/i.test(error.message ?? '');
}

function isExhaustedQuota(error: GeminiErrorDetails): boolean {
  if (billingPattern.test(error.message ?? '')) return true;
  const violations = findDetail(error, 'google.rpc.QuotaFailure')?.['violations'];
  if (!Array.isArray(violations) || violations.length === 0) return false;
  const records = violations.filter(isRecord);
  // Google writes the limit as an int64 string ("0"); not String() of it, which throws on an object holding `toString`.
  if (records.some((violation) => violation['quotaValue'] === '0' || violation['quotaValue'] === 0)) return true;
  return records.length > 0 && records.every((violation) => /PerDay/i.test(readString(violation['quotaId']) ?? ''));
}

function findDetail(error: GeminiErrorDetails, typeName: string): JsonRecord | undefined {
  return error.details.find((detail) => readString(detail['@type'])?.endsWith(`/${typeName}`) === true);
}

/** The wait Google asked for: RetryInfo.retryDelay ("34.4s") in the body, else a Retry-After header. */
function readRetryDelayMs(error: GeminiErrorDetails): number | undefined {
  const retryDelay = readString(findDetail(error, 'google.rpc.RetryInfo')?.['retryDelay']);
  return retryDelay === undefined ? undefined : parseDurationTextMs(retryDelay);
}

/** The ProviderError a Google error payload describes (a non-2xx body, or an error inside a stream). */
export function createGeminiProviderError(options: {
  readonly providerId: string;
  readonly error: GeminiErrorDetails;
  readonly statusCode: number | undefined;
  readonly retryAfterHeaderMs?: number | undefined;
  readonly messagePrefix?: string;
}): ProviderError {
  const { error, statusCode } = options;
  const reason = classifyGeminiError(error, statusCode);
  const retryAfterMs = isRetryableReason(reason) ? (readRetryDelayMs(error) ?? options.retryAfterHeaderMs) : undefined;
  const status = error.status === undefined ? '' : `${error.status}: `;
  return new ProviderError({
    provider: options.providerId,
    reason,
    message: `${options.messagePrefix ?? ''}${status}${error.message ?? 'error without a message'}`,
    ...(statusCode === undefined ? {} : { statusCode }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(error.status === undefined ? {} : { providerCode: error.status }),
  });
}

/**
 * A typed error from a Gemini non-2xx response. Never throws. The stream endpoint answers errors with the
 * same JSON body under `content-type: text/event-stream`; a body framed as `data:` lines is read too.
 */
export function parseGeminiError(options: ParseErrorOptions): ProviderError {
  const error = readGeminiErrorPayload(parseJsonOrUndefined(unframeSseData(options.bodyText)));
  const retryAfterHeaderMs = parseRetryAfterMs(options.headers, options.nowMs);
  if (error !== undefined) {
    return createGeminiProviderError({
      providerId: options.providerId,
      error,
      statusCode: options.statusCode,
      retryAfterHeaderMs,
      messagePrefix: `HTTP ${options.statusCode}: `,
    });
  }
  const reason = classifyGeminiStatusCode(options.statusCode);
  const retryAfterMs = isRetryableReason(reason) ? retryAfterHeaderMs : undefined;
  return new ProviderError({
    provider: options.providerId,
    reason,
    message: `HTTP ${options.statusCode}: ${describeUnreadableBody(options.statusCode, options.bodyText)}`,
    statusCode: options.statusCode,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

function unframeSseData(bodyText: string): string {
  const text = bodyText.trim();
  if (!text.startsWith('data:')) return text;
  return text
    .split(/\r?\n/)
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice('data:'.length).trimStart())
    .join('\n');
}

