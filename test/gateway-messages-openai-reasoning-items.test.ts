/**
 * Claude Code's tool loop landing on GPT-6, through the gateway's Messages endpoint with the official Anthropic SDK:
 * OpenAI's reasoning items are shown as thinking blocks (the summary as the thinking, the item in a signature of ours,
 * src/gateway/anthropic-messages/messages-reasoning-items.ts), whole and streamed as Anthropic streams thinking; the
 * client sends the turn back as it kept it, and the item reaches OpenAI whole, so the next call goes on from that
 * reasoning. The same history sent to Claude carries no signature of ours (Anthropic would refuse it with a 400). The
 * provider test server replays OpenAI's recorded Responses traffic (test/fixtures/SOURCES.md, openai-responses) and
 * answers as thinking Claude does, by the body (src/testing/anthropic-thinking-recordings.test-support.ts).
 */
import type Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { answerAsThinkingClaude } from '../src/testing/anthropic-thinking-recordings.test-support.js';
import { refuseAsOpenAIReasoningModels } from '../src/testing/openai-reasoning-refusals.test-support.js';
import { readOpenAIResponsesJson, recordedPayloads } from '../src/testing/openai-responses-recordings.test-support.js';
import { useRefusingGatewayHarness } from './gateway-harness.js';

const gateway = useRefusingGatewayHarness({ providerIds: ['openai', 'anthropic'], yamlText: 'cache:\n  enabled: false\n' }, (providers) => {
  const stopRefusing = refuseAsOpenAIReasoningModels(providers);
  const stopAnswering = answerAsThinkingClaude(providers);
  return () => {
    stopRefusing();
    stopAnswering();
  };
});

const tools: Anthropic.Tool[] = [
  {
    name: 'calculator',
    description: 'A minimal calculator for basic arithmetic. Call it once per step.',
    input_schema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' }, op: { type: 'string' } }, required: ['a', 'b', 'op'] },
  },
];
// What Claude Code asks when it thinks.
const asked = { model: 'openai/gpt-6-luna', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 }, tools } as const;
const question = 'Compute (12 + 7) with the calculator.';
const ourSignature = expect.stringMatching(/^bm-signed-reasoning\.v1\./) as unknown;

interface RecordedItem {
  readonly id: string;
  readonly encrypted_content: string;
  readonly summary: readonly { readonly type: string; readonly text: string }[];
}

/** The recorded reasoning items, read here, not by the code under test. */
const recordedWholeItem = () => (readOpenAIResponsesJson('responses-reasoning-function-call.json') as { output: [RecordedItem] }).output[0];
const streamRecording = () => recordedPayloads('responses-stream-reasoning-function-call.chunks.txt');
const recordedStreamItem = () => streamRecording().find((payload) => payload['type'] === 'response.output_item.done' && (payload['item'] as { type?: string }).type === 'reasoning')?.['item'] as RecordedItem;
const asSentBack = (item: RecordedItem) => ({ type: 'reasoning', id: item.id, encrypted_content: item.encrypted_content, summary: item.summary });

const upstreamBodies = (provider: string) => gateway.current.providers.requests.filter((request) => request.provider === provider).map((request) => request.body as Record<string, unknown>);

/** The next turn as Claude Code keeps the conversation: the answer's content blocks unchanged, then the tool's result. */
function nextTurn(answer: Anthropic.Message): Anthropic.MessageParam[] {
  const toolUse = answer.content.find((block) => block.type === 'tool_use');
  return [
    { role: 'user', content: question },
    { role: 'assistant', content: answer.content as Anthropic.ContentBlockParam[] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse?.id ?? '', content: '19' }] },
  ];
}

describe("a Messages client's tool loop on GPT-6: OpenAI's reasoning items as thinking blocks, sent back to OpenAI", () => {
  it('shows the item as a thinking block, its summary the thinking; the turn sent back as the SDK gave it carries the item to OpenAI whole', async () => {
    gateway.current.providers.enqueue('openai', { kind: 'success', fixture: 'responses-reasoning-function-call' });
    gateway.current.providers.enqueue('openai', { kind: 'success', fixture: 'responses-reasoning-summary' });
    const first = await gateway.current.anthropicClient.messages.create({ ...asked, messages: [{ role: 'user', content: question }] });
    const recorded = recordedWholeItem();
    expect(recorded.encrypted_content).toMatch(/^gAAAA/);
    expect(first.content.map((block) => block.type)).toEqual(['thinking', 'tool_use']);
    expect(first.content[0]).toEqual({ type: 'thinking', thinking: recorded.summary[0]?.text, signature: ourSignature });

    const messages = nextTurn(first);
    await gateway.current.anthropicClient.messages.create({ ...asked, messages });
    const toolUse = first.content[1] as Anthropic.ToolUseBlock;
    const [, second] = upstreamBodies('openai');
    expect(second?.['input']).toEqual([
      { role: 'user', content: question },
      asSentBack(recorded),
      { type: 'function_call', call_id: toolUse.id, name: 'calculator', arguments: '{"a":12,"b":7,"op":"add"}' },
      { type: 'function_call_output', call_id: toolUse.id, output: '19' },
    ]);
  });

  it("streams the summary as thinking_deltas as it comes, then the item as the block's signature_delta; the SDK's final message carries it back to OpenAI", async () => {
    gateway.current.providers.enqueue('openai', { kind: 'success', fixture: 'responses-stream-reasoning-function-call' });
    gateway.current.providers.enqueue('openai', { kind: 'success', fixture: 'responses-reasoning-summary' });
    const stream = gateway.current.anthropicClient.messages.stream({ ...asked, messages: [{ role: 'user', content: question }] });
    const blockEvents: string[] = [];
    const thought: string[] = [];
    stream.on('streamEvent', (event) => {
      if ('index' in event && event.index === 0) blockEvents.push(event.type === 'content_block_delta' ? event.delta.type : event.type);
    });
    stream.on('thinking', (delta) => thought.push(delta));
    const message = await stream.finalMessage();
    const recorded = recordedStreamItem();
    const recordedDeltas = streamRecording().filter((payload) => payload['type'] === 'response.reasoning_summary_text.delta').map((payload) => payload['delta']);
    expect(thought).toEqual(recordedDeltas);
    expect(blockEvents).toEqual(['content_block_start', ...recordedDeltas.map(() => 'thinking_delta'), 'signature_delta', 'content_block_stop']);
    expect(message.content.map((block) => block.type)).toEqual(['thinking', 'tool_use']);
    expect(message.content[0]).toEqual({ type: 'thinking', thinking: recorded.summary[0]?.text, signature: ourSignature });

    await gateway.current.anthropicClient.messages.create({ ...asked, messages: nextTurn(message) });
    const [, second] = upstreamBodies('openai');
    expect((second?.['input'] as unknown[])[1]).toEqual(asSentBack(recorded));
  });

  it('sends Claude the same history without the block: no signature of ours reaches Anthropic, and Claude answers', async () => {
    gateway.current.providers.enqueue('openai', { kind: 'success', fixture: 'responses-reasoning-function-call' });
    const first = await gateway.current.anthropicClient.messages.create({ ...asked, messages: [{ role: 'user', content: question }] });
    expect(first.content[0]).toMatchObject({ type: 'thinking', signature: ourSignature });

    // The conversation goes on with Claude (a fallback, or the user switching models), thinking as before.
    const answer = await gateway.current.anthropicClient.messages.create({ ...asked, model: 'anthropic/claude-sonnet-4-6', messages: nextTurn(first) });
    expect(answer.content.length).toBeGreaterThan(0);
    const [sent] = upstreamBodies('anthropic');
    const toolUse = first.content[1] as Anthropic.ToolUseBlock;
    expect((sent?.['messages'] as { content: unknown }[])[1]?.content).toEqual([{ type: 'tool_use', id: toolUse.id, name: 'calculator', input: toolUse.input }]);
    expect(JSON.stringify(sent)).not.toContain('bm-signed-reasoning');
  });
});
