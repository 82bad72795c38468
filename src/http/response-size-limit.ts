/**
 * Bounds on what is held in memory of a provider's response, whatever the server sends: a broken proxy, a base URL
 * pointing at a file server or a provider's bug may answer gigabytes, and without a bound every byte was held until
 * the call's deadline, for every call in flight to it. Each is one length check per chunk read.
 */
import { ProviderError } from '../errors.js';
import { ResponseTooLargeError } from '../errors/response-too-large-error.js';

/** A bound in bytes, and the option that sets it, which the error past it names. */
export interface ResponseSizeLimit {
  readonly bytes: number;
  readonly setting: string;
}

/**
 * A whole answer, and one line or event of a stream (the Responses API's `response.completed` repeats the whole
 * answer in one event): 16 MiB, where the longest answer a model writes (128,000 tokens, about 512 KB of text, and as
 * much of reasoning) is a few MB of JSON even with every character escaped.
 */
export const defaultResponseSizeLimit: ResponseSizeLimit = { bytes: 16 * 1024 * 1024, setting: 'maxProviderResponseBytes' };

/**
 * What is kept of an error body (a status other than 2xx, or a JSON body where a stream was asked for); the rest is
 * not read: the request is ended and its socket closed. The error mappers parse the body as JSON for its message,
 * type, code and status (`error.*` of OpenAI's, Anthropic's and Google's shapes, Groq's `status_code` and
 * `failed_generation`): the largest recorded error body is 1,034 bytes (Gemini's 429 with its quota details), Groq's
 * tool_use_failed event with the model's failed generation 419 bytes. A body cut here no longer parses, and is
 * classified by its status alone, as a proxy's HTML page is.
 */
export const errorBodyPrefixBytes = 64 * 1024;

/**
 * What a response past `limit` is: `part`, a whole body or one line or event of a stream; `announcedBytes`, the
 * length a body's `content-length` announced past the limit, when it failed on that before being read.
 */
export function responseTooLarge(limit: ResponseSizeLimit, part: 'body' | 'event', announcedBytes?: number): ResponseTooLargeError {
  return new ResponseTooLargeError({ setting: limit.setting, limitBytes: limit.bytes, part, ...(announcedBytes !== undefined && { announcedBytes }) });
}

/**
 * The failure of an attempt whose response passed its bound: a `server_error`, the provider's fault (whatever sent it
 * answers at its address), so it fails over and counts against the provider's health as a 500 does.
 */
export function responseTooLargeFailure(providerId: string, cause: ResponseTooLargeError): ProviderError {
  return new ProviderError({ provider: providerId, reason: 'server_error', message: cause.message, cause });
}
