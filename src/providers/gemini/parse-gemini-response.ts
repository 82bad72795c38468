import { ProviderError } from '../../errors.js';
import type { ChatResponse, Mutable, StreamChunk, ToolCall, Usage } from '../../types.js';
import type { ParseResponseOptions } from '../wire-protocol.js';
import { createGeminiProviderError, readGeminiErrorPayload } from './gemini-error.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
import { toolCallIdOf } from '../generated-tool-call-id.js';
import { isRecord, readString, type JsonRecord } from '../../json-value.js';
import { readTokenCount } from '../../token-count.js';

/**
 * Our result from a Gemini 200 body: the first candidate's text parts joined, its thought summaries (parts
 * with `thought: true`, sent when asked `includeThoughts`) as the reasoning, its functionCall parts as tool
 * calls. Throws a ProviderError when the prompt itself was blocked
 * (`promptFeedback.blockReason`, no candidates): a 200 that is a content filter failure.
 */
export function parseGeminiResponse(body: unknown, options: ParseResponseOptions): ChatResponse {
  const candidate = readFirstCandidate(body, options.providerId);
  throwIfGenerationFailed(candidate, options.providerId);
  const parts = readCandidateParts(candidate);
  const toolCalls = readFunctionCalls(parts, 0).map((chunk): ToolCall => {
    const call: Mutable<ToolCall> = { id: chunk.id ?? '', name: chunk.name ?? '', arguments: chunk.argumentsDelta };
    if (chunk.thoughtSignature !== undefined) call.thoughtSignature = chunk.thoughtSignature;
    return call;
  });
  const usage = readGeminiUsage(isRecord(body) ? body['usageMetadata'] : undefined);
  const responseId = isRecord(body) ? readString(body['responseId']) : undefined;
  const requestId = responseId ?? options.headers.get('x-request-id');
  const response: Mutable<ChatResponse> = {
    content: readText(parts),
    toolCalls,
    finishReason: mapGeminiFinishReason(readString(candidate['finishReason']), { hasToolCalls: toolCalls.length > 0 }),
    model: (isRecord(body) ? readString(body['modelVersion']) : undefined) ?? '',
  };
  const reasoning = readThoughts(parts);
  if (reasoning !== '') response.reasoning = reasoning;
  if (usage !== undefined) response.usage = usage;
  if (requestId !== undefined) response.requestId = requestId;
  if (responseId !== undefined) response.responseId = responseId;
  return response;
}

/**
 * The first candidate of a response (a whole body or one stream event). Throws for an error payload, a
 * blocked prompt, and a body without candidates.
 */
export function readFirstCandidate(body: unknown, providerId: string): JsonRecord {
  const error = readGeminiErrorPayload(body);
  if (error !== undefined) throw createGeminiProviderError({ providerId, error, statusCode: error.code });
  if (!isRecord(body)) {
    throw new ProviderError({ provider: providerId, reason: 'server_error', message: 'the response body is not a JSON object' });
  }
  const candidates = body['candidates'];
  const first: unknown = Array.isArray(candidates) ? candidates[0] : undefined;
  if (isRecord(first)) return first;
  const feedback = body['promptFeedback'];
  const blockReason = isRecord(feedback) ? readString(feedback['blockReason']) : undefined;
  if (blockReason !== undefined) {
    const blockMessage = isRecord(feedback) ? readString(feedback['blockReasonMessage']) : undefined;
    throw new ProviderError({
      provider: providerId,
      reason: 'content_filter',
      message: `the prompt was blocked (${blockReason})${blockMessage === undefined ? '' : `: ${blockMessage}`}`,
      providerCode: blockReason,
    });
  }
  throw new ProviderError({ provider: providerId, reason: 'server_error', message: 'the response has no candidates' });
}

/**
 * A candidate that ends in `MALFORMED_FUNCTION_CALL` is Gemini failing to make the tool call it meant to (a
 * 200 with no usable answer): a `generation_failed` ProviderError, so the call moves on, as for Groq's
 * `tool_use_failed`.
 */
export function throwIfGenerationFailed(candidate: JsonRecord, providerId: string): void {
  const finishReason = readString(candidate['finishReason']);
  if (finishReason !== 'MALFORMED_FUNCTION_CALL') return;
  throw new ProviderError({
    provider: providerId,
    reason: 'generation_failed',
    message: 'the model made a malformed function call (MALFORMED_FUNCTION_CALL)',
    providerCode: finishReason,
  });
}

export function readCandidateParts(candidate: JsonRecord): JsonRecord[] {
  const content = candidate['content'];
  const parts = isRecord(content) ? content['parts'] : undefined;
  return Array.isArray(parts) ? parts.filter(isRecord) : [];
}

/** The answer text of some parts; thought summaries (`thought: true`) are not the answer. */
export function readText(parts: readonly JsonRecord[]): string {
  let text = '';
  for (const part of parts) {
    if (part['thought'] !== true) text += readString(part['text']) ?? '';
  }
  return text;
}

/** The thought summaries of some parts (`thought: true`): what the model shows of its reasoning. */
export function readThoughts(parts: readonly JsonRecord[]): string {
  let thoughts = '';
  for (const part of parts) {
    if (part['thought'] === true) thoughts += readString(part['text']) ?? '';
  }
  return thoughts;
}

/**
 * The functionCall parts as whole tool-call chunks, numbered from `firstIndex`, each with the part's
 * `thoughtSignature` when it has one. Gemini gives no call id (except on Vertex and the Live API); one is
 * made up, unique (see generatedToolCallId).
 */
export function readFunctionCalls(
  parts: readonly JsonRecord[],
  firstIndex: number,
): Extract<StreamChunk, { type: 'tool-call-delta' }>[] {
  const calls: Extract<StreamChunk, { type: 'tool-call-delta' }>[] = [];
  for (const part of parts) {
    const functionCall = part['functionCall'];
    if (!isRecord(functionCall)) continue;
    const index = firstIndex + calls.length;
    const chunk: Mutable<Extract<StreamChunk, { type: 'tool-call-delta' }>> = {
      type: 'tool-call-delta',
      index,
      id: toolCallIdOf(functionCall['id']),
      name: readString(functionCall['name']) ?? '',
      argumentsDelta: JSON.stringify(functionCall['args'] ?? {}),
    };
    const thoughtSignature = readString(part['thoughtSignature']);
    if (thoughtSignature !== undefined && thoughtSignature !== '') chunk.thoughtSignature = thoughtSignature;
    calls.push(chunk);
  }
  return calls;
}

/**
 * Usage from `usageMetadata`. Output counts the thinking tokens too (Google bills them as output), so
 * input + output = total, as Google reports it.
 */
export function readGeminiUsage(usageMetadata: unknown): Usage | undefined {
  if (!isRecord(usageMetadata)) return undefined;
  const inputTokens = readTokenCount(usageMetadata['promptTokenCount']);
  if (inputTokens === undefined) return undefined;
  const thoughtTokens = readTokenCount(usageMetadata['thoughtsTokenCount']) ?? 0;
  const outputTokens = (readTokenCount(usageMetadata['candidatesTokenCount']) ?? 0) + thoughtTokens;
  const totalTokens = readTokenCount(usageMetadata['totalTokenCount']) ?? inputTokens + outputTokens;
  const usage: Mutable<Usage> = { inputTokens, outputTokens, totalTokens };
  // Of the prompt tokens, those Gemini served from its context cache (implicit or explicit).
  const cached = readTokenCount(usageMetadata['cachedContentTokenCount']);
  if (cached !== undefined && cached > 0) usage.cachedInputTokens = cached;
  if (thoughtTokens > 0) usage.reasoningTokens = thoughtTokens;
  return usage;
}
