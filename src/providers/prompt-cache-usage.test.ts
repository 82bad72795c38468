/**
 * Prompt-cache tokens as each provider reports them, read into `Usage`: a recorded answer with the cache
 * fields set to what a cached turn reports. Without them (every recorded answer as recorded), usage has no
 * cache fields at all.
 */
import { describe, expect, it } from 'vitest';
import { parseAnthropicResponse } from './anthropic/parse-anthropic-response.js';
import { parseGeminiResponse } from './gemini/parse-gemini-response.js';
import { parseOpenAIChatResponse } from './openai-compatible/parse-openai-chat-response.js';
import { recordedFixtures } from '../testing/shared-fixtures.test-support.js';
import { noResponseHeaders } from '../http/response-headers.js';

const options = { providerId: 'test', headers: noResponseHeaders };

describe('prompt-cache tokens in usage', () => {
  it("reads OpenAI's prompt_tokens_details.cached_tokens", () => {
    const body = recordedFixtures('openai').readFixtureJson('chat-completion.json') as { usage: Record<string, unknown> };
    expect(parseOpenAIChatResponse(body, options).usage?.cachedInputTokens).toBeUndefined();
    body.usage = { ...body.usage, prompt_tokens: 2048, total_tokens: 2049, prompt_tokens_details: { cached_tokens: 1920 } };
    expect(parseOpenAIChatResponse(body, options).usage).toMatchObject({ inputTokens: 2048, cachedInputTokens: 1920 });
  });

  it("reads Gemini's cachedContentTokenCount", () => {
    const body = recordedFixtures('gemini').readFixtureJson('generateContent.json') as { usageMetadata: Record<string, unknown> };
    expect(parseGeminiResponse(body, options).usage?.cachedInputTokens).toBeUndefined();
    body.usageMetadata = { ...body.usageMetadata, promptTokenCount: 4096, cachedContentTokenCount: 4000 };
    expect(parseGeminiResponse(body, options).usage).toMatchObject({ inputTokens: 4096, cachedInputTokens: 4000 });
  });

  it("reads Anthropic's cache reads and writes, counting them as input as they are", () => {
    const body = recordedFixtures('anthropic').readFixtureJson('message.json') as { usage: { input_tokens: number; output_tokens: number } };
    const { input_tokens: input, output_tokens: output } = body.usage;
    // As recorded, its cache fields are 0: no cache fields in our usage.
    expect(parseAnthropicResponse(body, options).usage).toEqual({ inputTokens: input, outputTokens: output, totalTokens: input + output });
    body.usage = { ...body.usage, cache_read_input_tokens: 3000, cache_creation_input_tokens: 500 } as typeof body.usage;
    expect(parseAnthropicResponse(body, options).usage).toEqual({
      inputTokens: input + 3500,
      outputTokens: output,
      totalTokens: input + 3500 + output,
      cachedInputTokens: 3000,
      cacheWriteInputTokens: 500,
    });
  });
});
