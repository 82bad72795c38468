/**
 * Errors of the Responses API. Its error bodies are those of chat completions (`{"error":{"message","type","param",
 * "code"}}`, vercel/ai `reasoning-model-temperature-error.json`), read and classified by the same code
 * (`parseOpenAICompatibleError`, which the protocol uses as is). Inside a 200 stream, an `error` event and a
 * `response.failed` carry the error object without a status.
 */
import type { ProviderError } from '../../errors.js';
import { asRecord, readString, type JsonRecord } from '../../json-value.js';
import { errorInsideSuccess, readOpenAIErrorDetails } from '../openai-compatible/openai-compatible-error.js';

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
