import { describe, expect, it } from 'vitest';
import type { CompletionResult } from '../../routing/router-options.js';
import { ModelResolver } from '../model-resolver.js';
import { parseResponsesRequest } from './parse-responses-request.js';
import { toResponse } from './responses-output.js';

const result: CompletionResult = {
  content: 'Paris.',
  reasoning: 'The capital of France is Paris.',
  toolCalls: [],
  finishReason: 'stop',
  provider: 'anthropic',
  model: 'claude-sonnet-4-6',
  latencyMs: 900,
  usage: { inputTokens: 12, outputTokens: 40, totalTokens: 52 },
  costUsd: undefined,
  cached: false,
  attempts: [],
  requestId: undefined,
};
const resolver = new ModelResolver({ providerIds: ['anthropic'], routes: {} });
const call = parseResponsesRequest({ model: 'anthropic/claude-sonnet-4-6', input: 'Capital of France?', reasoning: { effort: 'medium' } }, resolver);
const plainCall = parseResponsesRequest({ model: 'anthropic/claude-sonnet-4-6', input: 'Capital of France?' }, resolver);

describe('a Responses answer with shown reasoning', () => {
  it('begins its output with a reasoning item of reasoning_text, and echoes the effort asked', () => {
    const response = toResponse(result, { id: 'resp_abc', createdSeconds: 1 }, call) as { output: unknown[]; reasoning: unknown; output_text?: string };
    expect(response.output).toEqual([
      { type: 'reasoning', id: 'rs_abc', summary: [], content: [{ type: 'reasoning_text', text: 'The capital of France is Paris.' }], status: 'completed' },
      { type: 'message', id: 'msg_abc_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Paris.', annotations: [] }] },
    ]);
    expect(response.reasoning).toEqual({ effort: 'medium', summary: null });
  });

  it('has no reasoning item when the model showed none', () => {
    const { reasoning: _reasoning, ...plain } = result;
    const response = toResponse(plain, { id: 'resp_abc', createdSeconds: 1 }, plainCall) as { output: { type: string }[]; reasoning: unknown };
    expect(response.output.map((item) => item.type)).toEqual(['message']);
    expect(response.reasoning).toEqual({ effort: null, summary: null });
  });
});
