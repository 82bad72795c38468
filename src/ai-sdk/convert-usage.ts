import type { LanguageModelV3Usage } from '@ai-sdk/provider';
import { readTokenCount } from '../token-count.js';
import type { Mutable, Usage } from '../types.js';

/**
 * Our usage in the AI SDK's shape: input split into uncached, cache reads and cache writes when the provider
 * told us the cache's part (undefined when it did not); output's reasoning part when the provider said it.
 */
export function convertToAiSdkUsage(usage: Usage | undefined): LanguageModelV3Usage {
  const cacheRead = usage?.cachedInputTokens;
  const cacheWrite = usage?.cacheWriteInputTokens;
  const knowsCache = cacheRead !== undefined || cacheWrite !== undefined;
  const noCache = usage !== undefined && knowsCache ? usage.inputTokens - (cacheRead ?? 0) - (cacheWrite ?? 0) : undefined;
  return {
    inputTokens: { total: usage?.inputTokens, noCache, cacheRead, cacheWrite },
    outputTokens: {
      total: usage?.outputTokens,
      text: usage?.reasoningTokens === undefined ? undefined : usage.outputTokens - usage.reasoningTokens,
      reasoning: usage?.reasoningTokens,
    },
  };
}

/**
 * An AI SDK model's usage in our terms, each count read as a wire's is (readTokenCount: a negative one as none);
 * undefined when the model reported neither total.
 */
export function convertFromAiSdkUsage(usage: LanguageModelV3Usage | undefined): Usage | undefined {
  const inputTokens = readTokenCount(usage?.inputTokens.total);
  const outputTokens = readTokenCount(usage?.outputTokens.total);
  if (inputTokens === undefined && outputTokens === undefined) return undefined;
  const input = inputTokens ?? 0;
  const output = outputTokens ?? 0;
  const converted: Mutable<Usage> = { inputTokens: input, outputTokens: output, totalTokens: input + output };
  const cacheRead = readTokenCount(usage?.inputTokens.cacheRead);
  const cacheWrite = readTokenCount(usage?.inputTokens.cacheWrite);
  if (cacheRead !== undefined && cacheRead > 0) converted.cachedInputTokens = cacheRead;
  if (cacheWrite !== undefined && cacheWrite > 0) converted.cacheWriteInputTokens = cacheWrite;
  const reasoning = readTokenCount(usage?.outputTokens.reasoning);
  if (reasoning !== undefined && reasoning > 0) converted.reasoningTokens = reasoning;
  return converted;
}
