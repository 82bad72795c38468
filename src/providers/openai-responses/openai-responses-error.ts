/**
 * Errors of the Responses API. Its error bodies are those of chat completions (`{"error":{"message","type","param",
 * "code"}}`, vercel/ai `reasoning-model-temperature-error.json`), read and classified by the same code. One 400 is
 * not the caller's fault but ours: an organization OpenAI has not verified is refused the reasoning summary we ask
 * with an effort ("Your organization must be verified to generate reasoning summaries", param `reasoning.summary`,
 * quoted in continuedev/continue#9918). It would end the call as any `invalid_request` does; it fails over instead
 * (`generation_failed`: the provider's circuit is not charged, and calls without an effort still go to OpenAI).
 * Inside a 200 stream, an `error` event and a `response.failed` carry the error object without a status.
 */
import type { ProviderError } from '../../errors.js';
import { asRecord, parseJsonOrUndefined, readString, type JsonRecord } from '../../json-value.js';
import {
  createOpenAICompatibleError,
  errorInsideSuccess,
  parseOpenAICompatibleError,
  readOpenAIErrorDetails,
} from '../openai-compatible/openai-compatible-error.js';
import type { ParseErrorOptions } from '../wire-protocol.js';

export function parseOpenAIResponsesError(options: ParseErrorOptions): ProviderError {
  const details = readOpenAIErrorDetails(parseJsonOrUndefined(options.bodyText));
  if (details?.param !== 'reasoning.summary' || options.statusCode !== 400) return parseOpenAICompatibleError(options);
  return createOpenAICompatibleError({ ...options, details, reason: 'generation_failed' });
}

/**
 * The error of an `error` event (`{"type":"error","error":{"code","message",...}}` as vercel/ai recorded it in
 * `openai-error.1.chunks.txt`, or its fields beside `type` as OpenAI's streaming reference gives them) or of a
 * `response.failed` (`response.error`: `{"code","message"}`).
 */
export function streamedResponseError(payload: JsonRecord, providerId: string): ProviderError {
  const failed = payload.type === 'response.failed' ? asRecord(asRecord(payload.response)?.error) : undefined;
  const source = failed ?? asRecord(payload.error) ?? payload;
  const details = readOpenAIErrorDetails({ error: source }) ?? { message: `${readString(payload.type) ?? 'error'} event without details` };
  return errorInsideSuccess(details, providerId);
}
