/**
 * How a cached completion, or cached embeddings, is written to Redis: JSON with a version, `{"v":1,"entry":{...}}`.
 * A value of another version, or one that has the shape of neither, reads as a miss: a newer or older release
 * sharing the Redis never breaks a call, it only misses.
 */

import type { CacheEntry, CachedCompletion, CachedEmbeddings } from '../cache/cache-backend.js';
import type { ChatResponse, EmbeddingResponse } from '../types.js';
import { isRecord } from '../json-value.js';
import { isSignedReasoning } from '../signed-reasoning.js';
import { isServerToolBlocks } from '../server-tool-blocks.js';

export const cacheEntryVersion = 1;

export function encodeCacheEntry(entry: CacheEntry): string {
  return JSON.stringify({ v: cacheEntryVersion, entry });
}

/** The completion or embeddings in `text`, or undefined when it is of another version or malformed. */
export function decodeCacheEntry(text: string): CacheEntry | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || parsed.v !== cacheEntryVersion || !isRecord(parsed.entry)) return undefined;
  const { provider, response, embeddings, storedAtMs } = parsed.entry;
  if (typeof provider !== 'string' || typeof storedAtMs !== 'number') return undefined;
  if (isChatResponse(response)) return parsed.entry as unknown as CachedCompletion;
  if (response === undefined && isEmbeddingResponse(embeddings)) return parsed.entry as unknown as CachedEmbeddings;
  return undefined;
}

function isEmbeddingResponse(value: unknown): value is EmbeddingResponse {
  return (
    isRecord(value) &&
    typeof value.model === 'string' &&
    Array.isArray(value.embeddings) &&
    value.embeddings.every((vector) => Array.isArray(vector) && vector.every((number) => typeof number === 'number')) &&
    (value.usage === undefined || (isRecord(value.usage) && typeof value.usage.inputTokens === 'number')) &&
    (value.requestId === undefined || typeof value.requestId === 'string')
  );
}

function isChatResponse(value: unknown): value is ChatResponse {
  return (
    isRecord(value) &&
    typeof value.content === 'string' &&
    (value.reasoning === undefined || typeof value.reasoning === 'string') &&
    (value.signedReasoning === undefined || isSignedReasoning(value.signedReasoning)) &&
    (value.serverToolBlocks === undefined || isServerToolBlocks(value.serverToolBlocks)) &&
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
