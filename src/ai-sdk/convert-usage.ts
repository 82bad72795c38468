import type { LanguageModelV3Usage } from '@ai-sdk/provider';
import type { Usage } from '../types.js';

/** Our usage in the AI SDK's shape. We know totals only: cache and reasoning splits stay undefined. */
export function convertToAiSdkUsage(usage: Usage | undefined): LanguageModelV3Usage {
  return {
    inputTokens: { total: usage?.inputTokens, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: usage?.outputTokens, text: undefined, reasoning: undefined },
  };
}

/** An AI SDK model's usage in our terms; undefined when the model reported neither total. */
export function convertFromAiSdkUsage(usage: LanguageModelV3Usage | undefined): Usage | undefined {
  const inputTokens = usage?.inputTokens.total;
  const outputTokens = usage?.outputTokens.total;
  if (inputTokens === undefined && outputTokens === undefined) return undefined;
  const input = inputTokens ?? 0;
  const output = outputTokens ?? 0;
  return { inputTokens: input, outputTokens: output, totalTokens: input + output };
}
