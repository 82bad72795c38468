import type { LanguageModelV3GenerateResult } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import type { CompletionResult } from '../routing/router-options.js';
import { convertCompletionResult } from './convert-completion-result.js';
import { convertFromAiSdkResult } from './convert-from-ai-sdk-result.js';

const signedCall = { id: 'call_0', name: 'calculator', arguments: '{"expression":"15 * 8"}', thoughtSignature: 'Cp8DAb4+sig==' };

describe("Gemini's thought signature through the AI SDK results", () => {
  it('gives a signed tool call of ours providerMetadata.google, and an unsigned one none', () => {
    const result: CompletionResult = {
      content: '',
      toolCalls: [signedCall, { id: 'call_1', name: 'calculator', arguments: '{}' }],
      finishReason: 'tool_calls',
      provider: 'google',
      model: 'gemini-3-pro-preview',
      latencyMs: 300,
      costUsd: undefined,
      cached: false,
      attempts: [],
      usage: undefined,
      requestId: undefined,
    };
    const { content } = convertCompletionResult(result, []);
    expect(content).toEqual([
      {
        type: 'tool-call',
        toolCallId: 'call_0',
        toolName: 'calculator',
        input: '{"expression":"15 * 8"}',
        providerMetadata: { google: { thoughtSignature: 'Cp8DAb4+sig==' } },
      },
      { type: 'tool-call', toolCallId: 'call_1', toolName: 'calculator', input: '{}' },
    ]);
  });

  it("reads the signature an AI SDK model's tool call carries, under google or vertex", () => {
    const generated = (namespace: string): LanguageModelV3GenerateResult => ({
      content: [
        {
          type: 'tool-call',
          toolCallId: 'call_0',
          toolName: 'calculator',
          input: '{"expression":"15 * 8"}',
          providerMetadata: { [namespace]: { thoughtSignature: 'Cp8DAb4+sig==' } },
        },
      ],
      finishReason: { unified: 'tool-calls', raw: 'STOP' },
      usage: {
        inputTokens: { total: 115, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
        outputTokens: { total: 17, text: undefined, reasoning: undefined },
      },
      warnings: [],
    });
    expect(convertFromAiSdkResult(generated('google'), 'gemini-3-pro-preview').toolCalls).toEqual([signedCall]);
    expect(convertFromAiSdkResult(generated('vertex'), 'gemini-3-pro-preview').toolCalls).toEqual([signedCall]);
    const { thoughtSignature: _, ...unsigned } = signedCall;
    expect(convertFromAiSdkResult(generated('openai'), 'gpt-4o').toolCalls).toEqual([unsigned]);
  });
});
