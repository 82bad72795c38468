import { describe, expect, it } from 'vitest';
import { convertFromAiSdkUsage, convertToAiSdkUsage } from './convert-usage.js';

describe('usage between our terms and the AI SDK', () => {
  it('carries prompt-cache reads and writes both ways, and leaves the split undefined when nobody told it', () => {
    const cached = { inputTokens: 3520, outputTokens: 13, totalTokens: 3533, cachedInputTokens: 3000, cacheWriteInputTokens: 500 };
    const aiSdk = convertToAiSdkUsage(cached);
    expect(aiSdk.inputTokens).toEqual({ total: 3520, noCache: 20, cacheRead: 3000, cacheWrite: 500 });
    expect(convertFromAiSdkUsage(aiSdk)).toEqual(cached);
    const plain = { inputTokens: 20, outputTokens: 13, totalTokens: 33 };
    expect(convertToAiSdkUsage(plain).inputTokens).toEqual({ total: 20, noCache: undefined, cacheRead: undefined, cacheWrite: undefined });
    expect(convertFromAiSdkUsage(convertToAiSdkUsage(plain))).toEqual(plain);
  });

  it('carries the reasoning part of the output both ways', () => {
    const reasoned = { inputTokens: 7, outputTokens: 87, totalTokens: 94, reasoningTokens: 64 };
    const aiSdk = convertToAiSdkUsage(reasoned);
    expect(aiSdk.outputTokens).toEqual({ total: 87, text: 23, reasoning: 64 });
    expect(convertFromAiSdkUsage(aiSdk)).toEqual(reasoned);
  });
});
