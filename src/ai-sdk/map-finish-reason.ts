import type { LanguageModelV3FinishReason } from '@ai-sdk/provider';
import type { FinishReason } from '../types.js';

const toAiSdk: Readonly<Record<FinishReason, LanguageModelV3FinishReason['unified']>> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool-calls',
  content_filter: 'content-filter',
  error: 'error',
  other: 'other',
};

const fromAiSdk: Readonly<Record<LanguageModelV3FinishReason['unified'], FinishReason>> = {
  stop: 'stop',
  length: 'length',
  'tool-calls': 'tool_calls',
  'content-filter': 'content_filter',
  error: 'error',
  other: 'other',
};

/**
 * Our finish reason as the AI SDK's. `raw` carries the router's normalised reason: the provider's own
 * string is not kept past the wire protocol.
 */
export function mapToAiSdkFinishReason(finishReason: FinishReason): LanguageModelV3FinishReason {
  return { unified: toAiSdk[finishReason], raw: finishReason };
}

/** An AI SDK model's finish reason in our terms; an unknown value (a newer spec) is `other`. */
export function mapFromAiSdkFinishReason(finishReason: LanguageModelV3FinishReason | undefined): FinishReason {
  if (!finishReason) return 'other';
  return fromAiSdk[finishReason.unified] ?? 'other';
}
