import { describe, expect, it } from 'vitest';
import type { CompletionResult } from '../routing/router-options.js';
import { convertCompletionResult } from './convert-completion-result.js';
import { convertFromAiSdkResult } from './convert-from-ai-sdk-result.js';

const result: CompletionResult = {
  content: 'Paris.',
  reasoning: 'The capital of France is Paris.',
  toolCalls: [],
  finishReason: 'stop',
  provider: 'anthropic',
  model: 'claude-sonnet-4-6',
  latencyMs: 900,
  usage: { inputTokens: 12, outputTokens: 40, totalTokens: 52 },
  costUsd: 0.000636,
  cached: false,
  attempts: [],
  requestId: 'req_1',
};

describe('a generate result with reasoning', () => {
  it('puts the reasoning first, as AI SDK providers do, and reads it back as ours', () => {
    const generated = convertCompletionResult(result, []);
    expect(generated.content).toEqual([
      { type: 'reasoning', text: 'The capital of France is Paris.' },
      { type: 'text', text: 'Paris.' },
    ]);
    const back = convertFromAiSdkResult(generated, 'fallback');
    expect(back).toMatchObject({ content: 'Paris.', reasoning: 'The capital of France is Paris.' });
  });

  it('has no reasoning part, and no reasoning back, when the model showed none', () => {
    const { reasoning: _reasoning, ...plain } = result;
    const generated = convertCompletionResult(plain, []);
    expect(generated.content).toEqual([{ type: 'text', text: 'Paris.' }]);
    expect(convertFromAiSdkResult(generated, 'fallback')).not.toHaveProperty('reasoning');
  });
});
