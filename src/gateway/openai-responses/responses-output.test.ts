import { describe, expect, it } from 'vitest';
import type { CompletionResult } from '../../routing/router-options.js';
import { ModelResolver } from '../model-resolver.js';
import { parseResponsesRequest } from './parse-responses-request.js';
import { encodeReasoningContent } from './encrypted-reasoning-content.js';
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

describe("a Responses answer with Anthropic's signed thinking", () => {
  const thinking = { type: 'thinking' as const, thinking: 'The capital of France is Paris.', signature: 'EqQBCgIYAhIM' };
  const redacted = { type: 'redacted_thinking' as const, data: 'EooCCpsBCBIYAipA' };
  const signed: CompletionResult = { ...result, signedReasoning: { provider: 'anthropic', blocks: [thinking, redacted] } };

  it('gives one reasoning item per block, its thinking as the summary, the block in encrypted_content when include asks it', () => {
    const encryptedCall = parseResponsesRequest({ model: 'anthropic/claude-sonnet-4-6', input: 'Capital of France?', include: ['reasoning.encrypted_content'] }, resolver);
    const response = toResponse(signed, { id: 'resp_abc', createdSeconds: 1 }, encryptedCall) as { output: Record<string, unknown>[] };
    expect(response.output.map((item) => [item.type, item.id])).toEqual([['reasoning', 'rs_abc'], ['reasoning', 'rs_abc_1'], ['message', 'msg_abc_2']]);
    expect(response.output[0]).toEqual({
      type: 'reasoning',
      id: 'rs_abc',
      summary: [{ type: 'summary_text', text: 'The capital of France is Paris.' }],
      encrypted_content: encodeReasoningContent({ provider: 'anthropic', blocks: [thinking] }),
      status: 'completed',
    });
    const redactedContent = encodeReasoningContent({ provider: 'anthropic', blocks: [redacted] });
    expect(response.output[1]).toEqual({ type: 'reasoning', id: 'rs_abc_1', summary: [], encrypted_content: redactedContent, status: 'completed' });
  });

  it('carries no encrypted_content when include does not ask it, and shows no block another provider signed', () => {
    const response = toResponse(signed, { id: 'resp_abc', createdSeconds: 1 }, plainCall) as { output: Record<string, unknown>[] };
    expect(response.output[0]).toEqual({ type: 'reasoning', id: 'rs_abc', summary: [{ type: 'summary_text', text: 'The capital of France is Paris.' }], status: 'completed' });
    const proxied = toResponse({ ...signed, signedReasoning: { provider: 'claude-proxy', blocks: [thinking] } }, { id: 'resp_abc', createdSeconds: 1 }, call) as { output: Record<string, unknown>[] };
    expect(proxied.output[0]).toMatchObject({ type: 'reasoning', content: [{ type: 'reasoning_text', text: 'The capital of France is Paris.' }] });
  });
});
