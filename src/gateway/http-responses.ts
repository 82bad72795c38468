/** Small writers for the gateway's responses: JSON with a length, OpenAI-shaped errors, routing and request-id headers. */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Attempt } from '../errors.js';
import { toErrorResponse } from './error-response.js';
import type { GatewayDialect } from './gateway-dialect.js';

export const routingHeaders = {
  provider: 'x-backup-models-provider',
  model: 'x-backup-models-model',
  attempts: 'x-backup-models-attempts',
  cache: 'x-backup-models-cache',
} as const;

/** Header values must be visible ASCII; provider and model ids almost always are. */
export function headerSafe(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : value.replace(/[^\x20-\x7e]/g, '_');
}

/** `openai:success,groq:aborted`: who was tried and how it ended. */
export function compactAttempts(attempts: readonly Attempt[]): string {
  let text = '';
  for (const attempt of attempts) text += `${text ? ',' : ''}${attempt.provider}:${attempt.outcome}`;
  return headerSafe(text);
}

/** The attempts an error of the router carries (AllProvidersFailedError, DeadlineExceededError), if any. */
export function attemptsOf(error: unknown): readonly Attempt[] | undefined {
  const attempts = (error as { attempts?: readonly Attempt[] } | null)?.attempts;
  return Array.isArray(attempts) ? attempts : undefined;
}

/**
 * Name the answer with its request id, whatever the answer turns out to be (an error included): `x-request-id`,
 * and the dialect's own header (Anthropic's `request-id`), which the official clients read into
 * `error.requestID`, so a failure a user reports leads to its log line.
 */
export function setRequestIdHeaders(response: ServerResponse, requestId: string, dialect?: Pick<GatewayDialect, 'requestIdHeader'>): void {
  response.setHeader('x-request-id', requestId);
  if (dialect?.requestIdHeader !== undefined) response.setHeader(dialect.requestIdHeader, requestId);
}

/** An id for an answer refused before any call had one (a wrong key, an unknown path). */
export function newRequestId(): string {
  return `req_${randomUUID().replaceAll('-', '')}`;
}

/** Answer with a JSON text. `headers`, when given, is completed (type and length) and handed to writeHead. */
export function sendJson(
  response: ServerResponse,
  status: number,
  bodyText: string,
  headers: Record<string, string | number> = {},
): void {
  headers['content-type'] = 'application/json';
  headers['content-length'] = Buffer.byteLength(bodyText);
  response.writeHead(status, headers);
  response.end(bodyText);
}

/**
 * Answer with `error` in the dialect's shape (OpenAI's without one); a no-op when the response already
 * started or the client left. Returns the status.
 */
export function sendError(response: ServerResponse, error: unknown, dialect?: Pick<GatewayDialect, 'errorBody'>): number {
  const errorResponse = toErrorResponse(error);
  const { status, retryAfterSeconds } = errorResponse;
  if (response.headersSent || response.destroyed) return status;
  const attempts = attemptsOf(error);
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
  if (attempts !== undefined && attempts.length > 0) headers[routingHeaders.attempts] = compactAttempts(attempts);
  // A body left unread (too large, or refused before reading) is not worth reading: close after answering.
  if (status === 413 || response.req?.complete === false) headers.connection = 'close';
  sendJson(response, status, JSON.stringify(dialect ? dialect.errorBody(errorResponse) : errorResponse.body), headers);
  return status;
}
