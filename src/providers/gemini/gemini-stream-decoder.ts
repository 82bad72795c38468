import { ProviderError } from '../../errors.js';
import type { SseEvent } from '../../http/types.js';
import type { StreamChunk, Usage } from '../../types.js';
import type { ParseResponseOptions, StreamDecoder } from '../wire-protocol.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
import { readCandidateParts, readFirstCandidate, readFunctionCalls, readGeminiUsage, readText, readThoughts, throwIfGenerationFailed } from './parse-gemini-response.js';
import { isRecord, parseJsonOrUndefined, readString } from '../../json-value.js';

/** A decoder of one Gemini stream; also tells what the events reported. */
export interface GeminiStreamDecoder extends StreamDecoder {
  /** `modelVersion` of the latest event. */
  readonly model: string | undefined;
  /** `responseId` of the latest event. */
  readonly responseId: string | undefined;
}

/**
 * Decodes `streamGenerateContent?alt=sse`: every `data:` is a whole GenerateContentResponse. Thought summaries
 * (`thought: true`, sent when asked `includeThoughts`) become reasoning deltas, other text parts text deltas; a functionCall arrives whole, so it is one tool-call chunk with all its arguments.
 * Every event repeats a running usageMetadata: only the latest counts, emitted once with the finish.
 * A finishReason ends the stream (Gemini sends no [DONE]). An error payload throws a ProviderError.
 */
export function createGeminiStreamDecoder(options: ParseResponseOptions): GeminiStreamDecoder {
  let toolCount = 0;
  let latestUsage: Usage | undefined;
  let model: string | undefined;
  let responseId: string | undefined;
  let done = false;

  function decode(event: SseEvent): StreamChunk[] {
    const payload = parseJsonOrUndefined(event.data);
    if (payload === undefined) {
      throw new ProviderError({ provider: options.providerId, reason: 'server_error', message: 'stream event is not JSON' });
    }
    if (isRecord(payload)) {
      model = readString(payload['modelVersion']) ?? model;
      responseId = readString(payload['responseId']) ?? responseId;
      latestUsage = readGeminiUsage(payload['usageMetadata']) ?? latestUsage;
    }
    if (isUsageOnly(payload)) return [];

    const candidate = readFirstCandidate(payload, options.providerId);
    throwIfGenerationFailed(candidate, options.providerId);
    const parts = readCandidateParts(candidate);
    const chunks: StreamChunk[] = [];
    const thoughts = readThoughts(parts);
    if (thoughts !== '') chunks.push({ type: 'reasoning-delta', text: thoughts });
    const text = readText(parts);
    if (text !== '') chunks.push({ type: 'text-delta', text });
    const calls = readFunctionCalls(parts, toolCount);
    toolCount += calls.length;
    chunks.push(...calls);

    const finishReason = readString(candidate['finishReason']);
    if (finishReason !== undefined) {
      if (latestUsage !== undefined) chunks.push({ type: 'usage', usage: latestUsage });
      chunks.push({ type: 'finish', finishReason: mapGeminiFinishReason(finishReason, { hasToolCalls: toolCount > 0 }) });
      done = true;
    }
    return chunks;
  }

  return {
    decode,
    get done() {
      return done;
    },
    get model() {
      return model;
    },
    get responseId() {
      return responseId;
    },
  };
}

/** An event with usage but no candidates, no prompt feedback and no error: nothing to emit yet. */
function isUsageOnly(payload: unknown): boolean {
  return (
    isRecord(payload) &&
    payload['candidates'] === undefined &&
    payload['promptFeedback'] === undefined &&
    payload['error'] === undefined &&
    payload['usageMetadata'] !== undefined
  );
}
