/**
 * Claude Code's loop, thinking with tools, through the gateway's Messages endpoint with the official Anthropic SDK:
 * the answer shows Claude's thinking block, signature and all; the client sends the turn back as it kept it, and the
 * gateway sends the block back to Anthropic first in that turn, so the next call thinks too. The same loop through
 * chat completions (the block in `reasoning_details`) and the Responses API (a reasoning item's `encrypted_content`)
 * with the official OpenAI SDK, each client sending back what it was given. The provider test server answers as
 * Anthropic does, by the body (src/testing/anthropic-thinking-recordings.test-support.ts): its recorded answers with
 * signed thinking (test/fixtures/anthropic), or its 400 when a thinking call's last tool-call turn does not start
 * with its thinking block.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  answerAsThinkingClaude,
  anthropicThinkingReplay,
  anthropicThinkingStreamPayloads,
  readAnthropicThinkingRecording,
} from '../src/testing/anthropic-thinking-recordings.test-support.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
let stopAnswering: () => void = () => undefined;
beforeAll(async () => {
  harness = await startGatewayHarness({ yamlText: 'cache:\n  enabled: false\n' });
  stopAnswering = answerAsThinkingClaude(harness.providers);
});
afterAll(async () => {
  stopAnswering();
  await harness?.close();
});
beforeEach(() => harness.providers.reset());

const model = 'anthropic/claude-sonnet-4-6';
const thinking = { type: 'enabled', budget_tokens: 1024 } as const;
const tools: Anthropic.Tool[] = [{ name: 'checkSandboxErrors', input_schema: { type: 'object', properties: {} } }];
const question: Anthropic.MessageParam = { role: 'user', content: 'Check the sandbox for errors.' };
const recorded = JSON.parse(readAnthropicThinkingRecording('message-thinking-tool-use.json')) as { content: { type: string; thinking: string; signature: string }[] };
const recordedThinking = recorded.content[0]!;
const recordedThinkingBlock = { type: 'thinking', thinking: recordedThinking.thinking, signature: recordedThinking.signature };
const recordedToolUse = { type: 'tool_use', id: 'toolu_017R7ACrx7NF7sLDDtvdQ1u9', name: 'checkSandboxErrors', input: {} };
const streamedThinking = 'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185';
const streamedSignature = expect.stringMatching(/^EvQBCkYICxgCKkAxhD4N.*BgB$/) as unknown;

interface SentBody {
  readonly thinking?: unknown;
  readonly messages: readonly { readonly role: string; readonly content: string | readonly { readonly type: string }[] }[];
}

function sentBodies(): SentBody[] {
  return harness.providers.requests.filter((request) => request.provider === 'anthropic').map((request) => request.body as SentBody);
}

/** The next turn as the client keeps the conversation: the answer's content blocks unchanged, then the tool's result. */
function nextTurn(answer: Anthropic.Message): Anthropic.MessageParam[] {
  const toolUse = answer.content.find((block) => block.type === 'tool_use');
  return [
    question,
    { role: 'assistant', content: answer.content as Anthropic.ContentBlockParam[] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse?.id ?? '', content: 'No errors.' }] },
  ];
}

describe("a Messages client thinking with tools, Anthropic's thinking blocks passed through", () => {
  it('shows the thinking block with its signature, and sends it back first in the tool-call turn, so the next call thinks', async () => {
    const client = harness.anthropicClient;
    const first = await client.messages.create({ model, max_tokens: 2048, thinking, tools, messages: [question] });
    expect(first.content[0]).toEqual({ type: 'thinking', thinking: recordedThinking.thinking, signature: recordedThinking.signature });
    expect(first.content.map((block) => block.type)).toEqual(['thinking', 'tool_use']);

    const second = await client.messages.create({ model, max_tokens: 2048, thinking, tools, messages: nextTurn(first) });
    expect(second.stop_reason).toBe('tool_use');
    const [, sent] = sentBodies();
    expect(sent?.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(sent?.messages[1]?.content).toEqual([recordedThinkingBlock, recordedToolUse]);
  });

  it('streams the thinking block with its signature, which the SDK puts together in its final message', async () => {
    const stream = harness.anthropicClient.messages.stream({ model, max_tokens: 2048, thinking, messages: [{ role: 'user', content: 'What is 925 divided by 5?' }] });
    const message = await stream.finalMessage();
    expect(message.content.map((block) => block.type)).toEqual(['thinking', 'text']);
    const [block] = message.content;
    expect(block).toEqual({ type: 'thinking', thinking: streamedThinking, signature: streamedSignature });
  });

  it('streams the thinking as it is thought: a stream cut off before the signature came has shown the thinking so far', async () => {
    // Anthropic's recorded stream, ending cleanly just before its signature_delta. Queued before the request, this
    // is served ahead of the whole recording answerAsThinkingClaude queues for it.
    const signatureAt = anthropicThinkingStreamPayloads().findIndex((line) => line.includes('"signature_delta"'));
    harness.providers.enqueue('anthropic', anthropicThinkingReplay('messages-stream-thinking.chunks.txt', { events: signatureAt }));
    const stream = harness.anthropicClient.messages.stream({ model, max_tokens: 2048, thinking, messages: [{ role: 'user', content: 'What is 925 divided by 5?' }] });
    const thought: string[] = [];
    stream.on('thinking', (delta) => thought.push(delta));
    await expect(stream.finalMessage()).rejects.toThrow();
    expect(thought).toEqual(['The previous', ' result', ' was', ' 925.', ' Now', ' I need to divide that', ' by 5.\n\n925', ' ÷ 5 ', '= 185']);
  });
});

describe("a chat completions client thinking with tools through Claude, Anthropic's signed blocks in reasoning_details", () => {
  const openAITools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'checkSandboxErrors', parameters: { type: 'object', properties: {} } } }];

  it('shows the block on the message, and the message sent back as the SDK gave it makes the next call think, the block first in its turn', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Check the sandbox for errors.' }];
    const first = await harness.client.chat.completions.create({ model, messages, tools: openAITools, reasoning_effort: 'low' });
    const message = first.choices[0]!.message;
    expect((message as { reasoning_details?: unknown }).reasoning_details).toEqual([
      { type: 'reasoning.text', text: recordedThinking.thinking, signature: recordedThinking.signature, format: 'anthropic-claude-v1', index: 0 },
    ]);
    // OpenAI's and OpenRouter's documented tool loop: the assistant message appended as returned, then the tool's answer.
    messages.push(message, { role: 'tool', tool_call_id: message.tool_calls?.[0]?.id ?? '', content: 'No errors.' });
    const second = await harness.client.chat.completions.create({ model, messages, tools: openAITools, reasoning_effort: 'low' });
    expect(second.choices[0]?.finish_reason).toBe('tool_calls');
    const [, sent] = sentBodies();
    expect(sent?.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(sent?.messages[1]?.content).toEqual([recordedThinkingBlock, recordedToolUse]);
  });

  it("streams the block once its thinking is over; the message the SDK's stream helper puts together carries it back to Claude", async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is 925 divided by 5?' }];
    const stream = harness.client.chat.completions.stream({ model, messages, reasoning_effort: 'low' });
    const detailDeltas: unknown[] = [];
    stream.on('chunk', (chunk) => {
      const details = (chunk.choices[0]?.delta as { reasoning_details?: unknown } | undefined)?.reasoning_details;
      if (details !== undefined) detailDeltas.push(details);
    });
    const message = (await stream.finalChatCompletion()).choices[0]!.message;
    const details = [{ type: 'reasoning.text', text: streamedThinking, signature: streamedSignature, format: 'anthropic-claude-v1', index: 0 }];
    expect(detailDeltas).toEqual([details]);
    expect((message as { reasoning_details?: unknown }).reasoning_details).toEqual(details);
    messages.push(message, { role: 'user', content: 'And that divided by 5?' });
    await harness.client.chat.completions.create({ model, messages, reasoning_effort: 'low' });
    const [, sent] = sentBodies();
    expect(sent?.messages[1]?.content).toEqual([{ type: 'thinking', thinking: streamedThinking, signature: streamedSignature }, { type: 'text', text: '925 ÷ 5 = 185' }]);
  });
});

describe("a Responses client thinking with tools through Claude (Codex's stateless loop), Anthropic's signed blocks in encrypted_content", () => {
  const responsesTools: OpenAI.Responses.Tool[] = [{ type: 'function', name: 'checkSandboxErrors', parameters: { type: 'object', properties: {} }, strict: false }];
  // What Codex asks of every turn: no stored state, the reasoning's encrypted content to send back.
  const asked = { model, reasoning: { effort: 'low' }, include: ['reasoning.encrypted_content'], store: false } satisfies Omit<OpenAI.Responses.ResponseCreateParams, 'input'>;
  const encryptedContent = expect.stringMatching(/^bm-signed-reasoning\.v1\./) as unknown;

  it('answers a reasoning item, its summary the thinking, the block in encrypted_content; the items sent back make the next call think, the block first in its turn', async () => {
    const input: OpenAI.Responses.ResponseInputItem[] = [{ role: 'user', content: 'Check the sandbox for errors.' }];
    const first = await harness.client.responses.create({ ...asked, tools: responsesTools, input });
    expect(first.output.map((item) => item.type)).toEqual(['reasoning', 'function_call']);
    expect(first.output[0]).toMatchObject({ summary: [{ type: 'summary_text', text: recordedThinking.thinking }], encrypted_content: encryptedContent });
    const call = first.output[1] as OpenAI.Responses.ResponseFunctionToolCall;
    // The next turn's input as Codex makes it: the conversation so far, the answer's items, the tool's output.
    input.push(...(first.output as OpenAI.Responses.ResponseInputItem[]), { type: 'function_call_output', call_id: call.call_id, output: 'No errors.' });
    await harness.client.responses.create({ ...asked, tools: responsesTools, input });
    const [, sent] = sentBodies();
    expect(sent?.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(sent?.messages[1]?.content).toEqual([recordedThinkingBlock, recordedToolUse]);
  });

  it('streams the thinking as the summary, delta by delta as thought, the item done with its encrypted_content; sent back, it reaches Claude', async () => {
    const input: OpenAI.Responses.ResponseInputItem[] = [{ role: 'user', content: 'What is 925 divided by 5?' }];
    const stream = harness.client.responses.stream({ ...asked, input });
    const summaryDeltas: string[] = [];
    stream.on('response.reasoning_summary_text.delta', (event) => summaryDeltas.push(event.delta));
    const response = await stream.finalResponse();
    expect(summaryDeltas).toEqual(['The previous', ' result', ' was', ' 925.', ' Now', ' I need to divide that', ' by 5.\n\n925', ' ÷ 5 ', '= 185']);
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(response.output[0]).toMatchObject({ summary: [{ type: 'summary_text', text: streamedThinking }], encrypted_content: encryptedContent });
    input.push(...(response.output as OpenAI.Responses.ResponseInputItem[]), { role: 'user', content: 'And that divided by 5?' });
    await harness.client.responses.create({ ...asked, input });
    const [, sent] = sentBodies();
    expect(sent?.messages[1]?.content).toEqual([{ type: 'thinking', thinking: streamedThinking, signature: streamedSignature }, { type: 'text', text: '925 ÷ 5 = 185' }]);
  });
});
