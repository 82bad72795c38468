/** Small writers for the gateway's responses: each answer's headers in one list, JSON with a length, errors in a dialect's shape, routing headers. */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Attempt } from '../errors.js';
import { toErrorResponse } from './error-response.js';
import type { GatewayAnswer } from './gateway-answer.js';
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

/** An id for an answer refused before any call had one (a wrong key, an unknown path). */
export function newRequestId(): string {
  return `req_${randomUUID().replaceAll('-', '')}`;
}

/** An answer's headers as one flat list of names and values, `[name, value, name, value...]`, for one `writeHead`. */
export type HeaderList = (string | number)[];

/**
 * The headers every answer to the request carries, first in its list: its id (`x-request-id`, and the dialect's
 * own header) once named, then a key's `x-ratelimit-*` once admitted. The answer's writer adds its own and hands
 * the list to one `writeHead`.
 *
 * Why one `writeHead`, and a flat list (Node 20.20, lib/_http_server.js `writeHead`, lib/_http_outgoing.js
 * `_storeHeader`): when nothing was set with `setHeader` (`this[kOutHeaders]` is null), `writeHead` hands its
 * argument straight to `_storeHeader`, which writes the header block from it. Once anything was, it takes the
 * "slow case": every pair goes through `setHeader` (validated, its name lower-cased, stored as a `[name, value]`
 * array in a null-prototype object made for the response) and the block is then written from that object; setting
 * `x-request-id` first cost every answer 1.75 KB of its 39.4 KB (bench/README.md, sessions 18 and 19). Of the
 * forms `_storeHeader` takes, an object is walked with `for...in` and an `ObjectHasOwn` call per key, a list of
 * pairs with an `ArrayIsArray` per pair, and a flat list by index, two by two, after one `ArrayIsArray` of its
 * first element: the flat list does the least. Counted with callgrind (bench/write-head-forms.js, a whole
 * answer's seven headers, two or three runs): 11,200 to 11,900 instructions a writeHead for the flat list, 11,800 to
 * 12,400 for an object, 22,600 to 22,800 for an object after one `setHeader`. (A connection being drained still sets `connection: close` with
 * `setHeader` first, request-dispatcher.ts: rare, and Node merges the list into it.)
 */
export function answerHeaders(answer: GatewayAnswer): HeaderList {
  const { requestId, requestIdHeader, quotaHeaders } = answer;
  const headers: HeaderList =
    requestId === undefined ? [] : requestIdHeader === undefined ? ['x-request-id', requestId] : ['x-request-id', requestId, requestIdHeader, requestId];
  if (quotaHeaders !== undefined) for (const name in quotaHeaders) headers.push(name, quotaHeaders[name]!);
  return headers;
}

/**
 * A served answer's headers: `answerHeaders`, then who answered (`x-backup-models-provider`, `-model`), the
 * attempts (`cache:hit` for a cached answer) and the cache's status, for one `writeHead`.
 */
export function servedAnswerHeaders(
  answer: GatewayAnswer,
  served: { readonly provider: string; readonly model: string; readonly cached: boolean },
  attempts: string | undefined,
  cacheStatus: string,
): HeaderList {
  const headers = answerHeaders(answer);
  headers.push(
    routingHeaders.provider,
    headerSafe(served.provider),
    routingHeaders.model,
    headerSafe(served.model),
    routingHeaders.attempts,
    served.cached ? 'cache:hit' : (attempts ?? ''),
    routingHeaders.cache,
    cacheStatus,
  );
  return headers;
}

/** Answer with a JSON text. `headers`, when given, is completed (type and length) and handed to writeHead. */
export function sendJson(response: ServerResponse, status: number, bodyText: string, headers: HeaderList = []): void {
  headers.push('content-type', 'application/json', 'content-length', Buffer.byteLength(bodyText));
  response.writeHead(status, headers);
  response.end(bodyText);
}

/**
 * Answer with `error` in the dialect's shape (OpenAI's without one), with the headers every answer to the request
 * carries; a no-op when the response already started or the client left. Returns the status.
 */
export function sendError(answer: GatewayAnswer, error: unknown, dialect?: Pick<GatewayDialect, 'errorBody'>): number {
  const errorResponse = toErrorResponse(error);
  const { status, retryAfterSeconds } = errorResponse;
  const { response } = answer;
  if (response.headersSent || response.destroyed) return status;
  const attempts = attemptsOf(error);
  const headers = answerHeaders(answer);
  if (retryAfterSeconds !== undefined) headers.push('retry-after', String(retryAfterSeconds));
  if (attempts !== undefined && attempts.length > 0) headers.push(routingHeaders.attempts, compactAttempts(attempts));
  // A body left unread (too large, or refused before reading) is not worth reading: close after answering.
  if (status === 413 || response.req?.complete === false) headers.push('connection', 'close');
  sendJson(response, status, JSON.stringify(dialect ? dialect.errorBody(errorResponse) : errorResponse.body), headers);
  return status;
}
