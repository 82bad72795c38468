/**
 * The Anthropic request for a model that thinks adaptively and no other way (`anthropicThinking: 'adaptive'`: Claude
 * Haiku 5.5, Sonnet 5.5), against the same request to a model that thinks by a budget (Haiku 4.5, Sonnet 4.6), which
 * is asked as before. Pure: the builder and the parser, no network.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors.js';
import { readAnthropicThinkingRecording } from '../../testing/anthropic-thinking-recordings.test-support.js';
import type { ChatRequest, Message } from '../../types.js';
import type { BuildChatRequestOptions, EndpointConfig } from '../wire-protocol.js';
import { buildAnthropicChatRequest } from './build-anthropic-request.js';
import { parseAnthropicResponse } from './parse-anthropic-response.js';
import { noResponseHeaders } from '../../http/response-headers.js';

const endpoint: EndpointConfig = { providerId: 'anthropic', baseUrl: 'https://api.anthropic.com', apiKey: 'sk-ant-api03-test-key-0123456789' };
/** Claude Haiku 5.5 as the catalog lists it. */
const haiku55: BuildChatRequestOptions = { endpoint, stream: false, reasoningModel: true, maxOutputTokens: 128_000, anthropicThinking: 'adaptive' };
/** Claude Sonnet 5.5, which also refuses a forced tool choice, and thinking disabled. */
const sonnet55: BuildChatRequestOptions = { ...haiku55, forcedToolChoice: 'refused', disabledThinking: 'refused' };
/** Claude Sonnet 4.6, which thinks by a budget. */
const sonnet46: BuildChatRequestOptions = { endpoint, stream: false, reasoningModel: true, maxOutputTokens: 128_000 };

const question: ChatRequest = { model: 'claude-haiku-5-5', messages: [{ role: 'user', content: 'Hi' }] };
const bodyFor = (request: ChatRequest, options: BuildChatRequestOptions) =>
  JSON.parse(buildAnthropicChatRequest(request, options).body ?? 'null') as Record<string, unknown> & { messages: { content: unknown }[] };
const tool = { name: 'checkSandboxErrors', parameters: { type: 'object', properties: {} } };

/** claude-sonnet-4-6's recorded thinking block (vercel/ai's issue-13430 recording, test/fixtures/anthropic). */
const recordedBlock = (JSON.parse(readAnthropicThinkingRecording('message-thinking-tool-use.json')) as { content: { thinking: string; signature: string }[] }).content[0]!;
/** A tool turn as the caller passes it back: the call, the block this provider signed, the tool's answer. */
const toolTurn: Message[] = [
  { role: 'user', content: 'Check the sandbox for errors.' },
  {
    role: 'assistant',
    content: '',
    toolCalls: [{ id: 'toolu_017R7ACrx7NF7sLDDtvdQ1u9', name: 'checkSandboxErrors', arguments: '{}' }],
    signedReasoning: { provider: 'anthropic', blocks: [{ type: 'thinking', thinking: recordedBlock.thinking, signature: recordedBlock.signature }] },
  },
  { role: 'tool', toolCallId: 'toolu_017R7ACrx7NF7sLDDtvdQ1u9', content: 'No errors.' },
];

describe('an Anthropic model that thinks adaptively', () => {
  it('is asked adaptive thinking and the effort of its name, no budget and no sampling, within a bound grown as for the budget', () => {
    for (const [effort, room] of [
      ['low', 1024],
      ['medium', 8192],
      ['high', 24_576],
    ] as const) {
      const body = bodyFor({ ...question, reasoningEffort: effort, maxTokens: 1000, temperature: 0.7, topP: 0.5 }, haiku55);
      expect(body).toMatchObject({ thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort }, max_tokens: 1000 + room });
      expect(body['thinking']).not.toHaveProperty('budget_tokens');
      expect(body).not.toHaveProperty('temperature');
      expect(body).not.toHaveProperty('top_p');
    }
    // Within the model's limit.
    expect(bodyFor({ ...question, reasoningEffort: 'high', maxTokens: 120_000 }, haiku55)['max_tokens']).toBe(128_000);
  });

  it('is sent no thinking and no effort for a call that asks none (it thinks at its own default), its bound grown by the highest default\'s room so the thinking does not eat the answer', () => {
    const body = bodyFor({ ...question, maxTokens: 100 }, haiku55);
    expect(body).not.toHaveProperty('thinking');
    expect(body).not.toHaveProperty('output_config');
    expect(body['max_tokens']).toBe(100 + 24_576);
    // Within the model's own limit, and never below what the caller asked.
    expect(bodyFor({ ...question, maxTokens: 120_000 }, haiku55)['max_tokens']).toBe(128_000);
  });

  it('is told not to think for a call asking no thinking (`none`), its bound as the caller gave it, and sent no signed blocks', () => {
    const body = bodyFor({ ...question, reasoningEffort: 'none', maxTokens: 64, stop: ['</block>'] }, haiku55);
    expect(body).toMatchObject({ thinking: { type: 'disabled' }, max_tokens: 64, stop_sequences: ['</block>'] });
    expect(body).not.toHaveProperty('output_config');
    const toolBody = bodyFor({ ...question, messages: toolTurn, reasoningEffort: 'none', maxTokens: 64 }, haiku55);
    expect(toolBody.messages[1]?.content).toEqual([{ type: 'tool_use', id: 'toolu_017R7ACrx7NF7sLDDtvdQ1u9', name: 'checkSandboxErrors', input: {} }]);
  });

  it('asks a model that cannot stop thinking (Sonnet 5.5) the least effort for `none`, its bound grown by that room only', () => {
    const body = bodyFor({ ...question, model: 'claude-sonnet-5-5', reasoningEffort: 'none', maxTokens: 64 }, sonnet55);
    expect(body).toMatchObject({ thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: 'low' }, max_tokens: 64 + 1024 });
  });

  it('tells a budget model not to think for `none`, a bound as asked: it does not unasked, but a proxy marked reasoning may', () => {
    const body = bodyFor({ ...question, model: 'claude-sonnet-4-6', reasoningEffort: 'none', maxTokens: 300, temperature: 0.2 }, sonnet46);
    expect(body).toMatchObject({ thinking: { type: 'disabled' }, max_tokens: 300, temperature: 0.2 });
    // A model not said to reason is sent nothing of thinking at all.
    expect(bodyFor({ ...question, reasoningEffort: 'none' }, { endpoint, stream: false })).not.toHaveProperty('thinking');
  });

  it('leaves a budget model as it was: a budget, no effort', () => {
    const body = bodyFor({ ...question, model: 'claude-sonnet-4-6', reasoningEffort: 'medium', maxTokens: 1000, temperature: 0.7 }, sonnet46);
    expect(body).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 8192 }, max_tokens: 9192 });
    expect(body).not.toHaveProperty('output_config');
    expect(body).not.toHaveProperty('temperature');
  });

  it('is sent back the blocks this provider signed in a tool turn, asked an effort or not, and thinks there', () => {
    const sentBlock = { type: 'thinking', thinking: recordedBlock.thinking, signature: recordedBlock.signature };
    const asked = bodyFor({ ...question, messages: toolTurn, tools: [tool], reasoningEffort: 'low' }, haiku55);
    expect(asked.messages[1]?.content).toEqual([sentBlock, { type: 'tool_use', id: 'toolu_017R7ACrx7NF7sLDDtvdQ1u9', name: 'checkSandboxErrors', input: {} }]);
    expect(asked['thinking']).toEqual({ type: 'adaptive', display: 'summarized' });
    expect(bodyFor({ ...question, messages: toolTurn, tools: [tool] }, haiku55).messages[1]?.content).toContainEqual(sentBlock);
    // Another provider's blocks are not sent; the call still thinks (no budget rule to break).
    const elsewhere = toolTurn.map((message) => (message.role === 'assistant' ? { ...message, signedReasoning: { ...message.signedReasoning!, provider: 'claude-proxy' } } : message));
    const other = bodyFor({ ...question, messages: elsewhere, tools: [tool], reasoningEffort: 'low' }, haiku55);
    expect(JSON.stringify(other)).not.toContain(recordedBlock.signature);
    expect(other['thinking']).toEqual({ type: 'adaptive', display: 'summarized' });
    // A budget model asked no effort is sent none, as before.
    expect(JSON.stringify(bodyFor({ ...question, messages: toolTurn, tools: [tool] }, sonnet46))).not.toContain(recordedBlock.signature);
  });

  it('reads an answer whose thinking text is omitted, as these models answer by default: the block kept, signed, with no reasoning', () => {
    // Anthropic: "Thinking blocks still appear in the response stream, but their `thinking` field will be empty"
    // (What's new in Claude Opus 4.7, as quoted in anthropics/claude-code#56356; What's new in Claude Haiku 5.5). The
    // recorded answer with its thinking emptied, as described.
    const recorded = JSON.parse(readAnthropicThinkingRecording('message-thinking-tool-use.json')) as { content: Record<string, unknown>[] };
    const omitted = { ...recorded, content: recorded.content.map((block) => (block['type'] === 'thinking' ? { ...block, thinking: '' } : block)) };
    const response = parseAnthropicResponse(omitted, { providerId: 'anthropic', headers: noResponseHeaders });
    expect(response.reasoning).toBeUndefined();
    expect(response.signedReasoning).toEqual({ provider: 'anthropic', blocks: [{ type: 'thinking', thinking: '', signature: recordedBlock.signature }] });
    const history: Message[] = [toolTurn[0]!, { ...toolTurn[1]!, signedReasoning: response.signedReasoning! } as Message, toolTurn[2]!];
    expect(bodyFor({ ...question, messages: history, tools: [tool] }, haiku55).messages[1]?.content).toContainEqual({ type: 'thinking', thinking: '', signature: recordedBlock.signature });
  });

  it('is not sent a conversation that ends on an assistant turn (a prefill, which it refuses): our refusal, naming the model', () => {
    const prefill: ChatRequest = { ...question, messages: [...question.messages, { role: 'assistant', content: '{"answer":' }] };
    expect(() => buildAnthropicChatRequest(prefill, haiku55)).toThrow(InvalidArgumentError);
    expect(() => buildAnthropicChatRequest(prefill, haiku55)).toThrow('claude-haiku-5-5 takes no conversation that ends on an assistant turn');
    // A budget model is still sent it, without thinking.
    expect(bodyFor({ ...prefill, reasoningEffort: 'low' }, sonnet46)).not.toHaveProperty('thinking');
  });

  it('is not sent a forced tool choice when marked to refuse one (Sonnet 5.5), and is otherwise', () => {
    const sonnet = { ...question, model: 'claude-sonnet-5-5', tools: [tool], reasoningEffort: 'low' } as const;
    for (const toolChoice of ['required', { name: 'checkSandboxErrors' }] as const) {
      expect(() => buildAnthropicChatRequest({ ...sonnet, toolChoice }, sonnet55)).toThrow('claude-sonnet-5-5 takes no forced tool choice');
    }
    expect(bodyFor({ ...sonnet, toolChoice: 'auto' }, sonnet55)['tool_choice']).toEqual({ type: 'auto' });
    // No tools, no tool choice sent: nothing to refuse.
    expect(bodyFor({ ...question, model: 'claude-sonnet-5-5', toolChoice: 'required' }, sonnet55)).not.toHaveProperty('tool_choice');
    // Haiku 5.5 takes it, thinking adaptively ("adaptive thinking supports forced tool use").
    expect(bodyFor({ ...sonnet, model: 'claude-haiku-5-5', toolChoice: 'required' }, haiku55)).toMatchObject({
      tool_choice: { type: 'any' },
      thinking: { type: 'adaptive' },
    });
  });
});
