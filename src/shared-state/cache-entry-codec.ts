/**
 * How a cached completion is written to Redis: JSON with a version, `{"v":1,"entry":{...}}`. A value of
 * another version, or one that does not have the shape of a completion, reads as a miss: a newer or older
 * release sharing the Redis never breaks a call, it only misses.
 */

import type { CachedCompletion } from '../cache/cache-backend.js';
import type { ChatResponse } from '../types.js';
import { isRecord } from '../json-value.js';
import { isSignedReasoning } from '../signed-reasoning.js';

export const cacheEntryVersion = 1;

export function encodeCacheEntry(entry: CachedCompletion): string {
  return JSON.stringify({ v: cacheEntryVersion, entry });
}

/** The completion in `text`, or undefined when it is of another version or malformed. */
export function decodeCacheEntry(text: string): CachedCompletion | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || parsed.v !== cacheEntryVersion || !isRecord(parsed.entry)) return undefined;
  const { provider, response, storedAtMs } = parsed.entry;
  if (typeof provider !== 'string' || typeof storedAtMs !== 'number' || !isChatResponse(response)) return undefined;
  return parsed.entry as unknown as CachedCompletion;
}

function isChatResponse(value: unknown): value is ChatResponse {
  return (
    isRecord(value) &&
    typeof value.content === 'string' &&
    (value.reasoning === undefined || typeof value.reasoning === 'string') &&
    (value.signedReasoning === undefined || isSignedReasoning(value.signedReasoning)) &&
    (value.stopSequence === undefined || typeof value.stopSequence === 'string') &&
    typeof value.model === 'string' &&
    typeof value.finishReason === 'string' &&
    Array.isArray(value.toolCalls) &&
    value.toolCalls.every(
      (call) =>
        isRecord(call) &&
        typeof call.id === 'string' &&
        typeof call.name === 'string' &&
        typeof call.arguments === 'string' &&
        (call.thoughtSignature === undefined || typeof call.thoughtSignature === 'string'),
    ) &&
    (value.usage === undefined || isRecord(value.usage)) &&
    (value.requestId === undefined || typeof value.requestId === 'string') &&
    (value.responseId === undefined || typeof value.responseId === 'string')
  );
}
