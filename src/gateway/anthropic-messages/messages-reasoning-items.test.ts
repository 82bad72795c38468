/**
 * OpenAI's reasoning items through the Messages dialect, from OpenAI's recorded Responses answer
 * (src/testing/recordings/openai-responses, see test/fixtures/SOURCES.md): each shown as a thinking block whose
 * signature carries the item, read back from a client's history as OpenAI's, and never taken for Anthropic's.
 * The loop through the gateway with the Anthropic SDK: test/gateway-messages-openai-reasoning-items.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { parseOpenAIResponsesResponse } from '../../providers/openai-responses/parse-openai-responses-response.js';
import { isGatewayEncoding, readSignedReasoningBlock } from '../../signed-reasoning.js';
import { readAnthropicThinkingRecording } from '../../testing/anthropic-thinking-recordings.test-support.js';
import { readOpenAIResponsesJson } from '../../testing/openai-responses-recordings.test-support.js';
import type { OpenAIReasoningItem, StreamChunk } from '../../types.js';
import { encodeReasoningContent } from '../openai-responses/encrypted-reasoning-content.js';
import { convertAnthropicRequestMessages } from './convert-anthropic-request-messages.js';
import { completionResultOf, encodeAsMessagesEvents } from './messages-dialect.test-support.js';
import { reasoningItemSignature, reasoningItemsOfSignature, reasoningItemThinkingBlock } from './messages-reasoning-items.js';
import { toAnthropicMessage } from './messages-response.js';
import { noResponseHeaders } from '../../http/response-headers.js';

const recordedBody = readOpenAIResponsesJson('responses-reasoning-function-call.json') as { output: [{ id: string; encrypted_content: string; summary: { text: string }[] }] };
const recorded = recordedBody.output[0];
const recordedItem: OpenAIReasoningItem = { type: 'reasoning', id: recorded.id, encryptedContent: recorded.encrypted_content, summary: recorded.summary.map((part) => part.text) };
const withoutSummary: OpenAIReasoningItem = { ...recordedItem, summary: [] };
const twoParts: OpenAIReasoningItem = { ...recordedItem, summary: ['**First**\n\nOne.', '**Second**\n\nTwo.'] };
/** Every signature Anthropic wrote in the recordings kept here. */
const anthropicSignatures = [
  ...readAnthropicThinkingRecording('message-thinking-tool-use.json').matchAll(/"signature": ?"([^"]+)"/g),
  ...readAnthropicThinkingRecording('messages-stream-thinking.chunks.txt').matchAll(/"signature": ?"([^"]+)"/g),
].map((match) => match[1]!);

describe("OpenAI's reasoning item as a Messages thinking block", () => {
  it('shows the recorded item first in the message, the summary as the thinking, the item whole in the signature', () => {
    const answer = completionResultOf(parseOpenAIResponsesResponse(recordedBody, { providerId: 'openai', headers: noResponseHeaders }), 'openai');
    expect(answer.signedReasoning).toEqual({ provider: 'openai', blocks: [recordedItem] });
    const content = toAnthropicMessage(answer, { id: 'msg_test', createdSeconds: 0, model: 'm' }).content as { type: string }[];
    expect(content.map((block) => block.type)).toEqual(['thinking', 'tool_use']);
    expect(content[0]).toEqual({ type: 'thinking', thinking: recordedItem.summary[0], signature: reasoningItemSignature(recordedItem) });
    expect(reasoningItemsOfSignature(reasoningItemSignature(recordedItem))).toEqual([recordedItem]);
  });

  it('shows an item without a summary with empty thinking, and one of several parts joined by a blank line; both read back whole', () => {
    expect(reasoningItemThinkingBlock(withoutSummary)).toMatchObject({ type: 'thinking', thinking: '' });
    expect(reasoningItemThinkingBlock(twoParts).thinking).toBe('**First**\n\nOne.\n\n**Second**\n\nTwo.');
    expect(reasoningItemsOfSignature(reasoningItemSignature(withoutSummary))).toEqual([withoutSummary]);
    expect(reasoningItemsOfSignature(reasoningItemSignature(twoParts))).toEqual([twoParts]);
  });

  it("shows no item of another OpenAI-wire provider (another id), whose items would be read back as OpenAI's", () => {
    const answer = completionResultOf(parseOpenAIResponsesResponse(recordedBody, { providerId: 'openai-proxy', headers: noResponseHeaders }), 'openai-proxy');
    expect((toAnthropicMessage(answer, { id: 'msg_test', createdSeconds: 0, model: 'm' }).content as { type: string }[]).map((block) => block.type)).toEqual(['tool_use']);
  });

  it('streams an item without a summary whole when it comes: start, signature_delta, stop, before the call', () => {
    const events = encodeAsMessagesEvents(
      [
        { type: 'signed-reasoning-block', provider: 'openai', block: withoutSummary },
        { type: 'tool-call-delta', index: 0, id: 'call_1', name: 'calculator', argumentsDelta: '{}' },
        { type: 'finish', finishReason: 'tool_calls' },
      ],
      'openai/gpt-6-luna',
    );
    const payloads = events.map((event) => JSON.parse(event.data) as { type: string; index?: number; content_block?: unknown; delta?: { type: string; signature?: string } });
    expect(payloads.filter((payload) => payload.index === 0).map((payload) => payload.delta?.type ?? payload.type)).toEqual(['content_block_start', 'signature_delta', 'content_block_stop']);
    expect(payloads[1]?.content_block).toEqual({ type: 'thinking', thinking: '', signature: '' });
    expect(payloads.find((payload) => payload.delta?.type === 'signature_delta')?.delta?.signature).toBe(reasoningItemSignature(withoutSummary));
  });

  it("streams each item's summary in a block of its own, the blank line that joined a later one to the reasoning before left out", () => {
    const second: OpenAIReasoningItem = { ...recordedItem, id: 'rs_second', summary: ['Then this.'] };
    const chunks: StreamChunk[] = [
      { type: 'reasoning-delta', text: '**First**\n\nOne.', signedBy: 'openai', summaryOf: { itemId: twoParts.id, summaryIndex: 0, separated: false } },
      { type: 'reasoning-delta', text: '\n\n**Second**\n\nTwo.', signedBy: 'openai', summaryOf: { itemId: twoParts.id, summaryIndex: 1, separated: true } },
      { type: 'signed-reasoning-block', provider: 'openai', block: twoParts },
      { type: 'reasoning-delta', text: '\n\nThen this.', signedBy: 'openai', summaryOf: { itemId: 'rs_second', summaryIndex: 0, separated: true } },
      { type: 'signed-reasoning-block', provider: 'openai', block: second },
      { type: 'text-delta', text: 'Done.' },
      { type: 'finish', finishReason: 'stop' },
    ];
    const payloads = encodeAsMessagesEvents(chunks, 'openai/gpt-6-luna').map((event) => JSON.parse(event.data) as { index?: number; type: string; delta?: Record<string, string> });
    const ofBlock = (index: number) => payloads.filter((payload) => payload.index === index);
    expect(ofBlock(0).flatMap((payload) => (payload.delta?.['type'] === 'thinking_delta' ? [payload.delta['thinking']] : []))).toEqual(['**First**\n\nOne.', '\n\n**Second**\n\nTwo.']);
    expect(ofBlock(0).at(-2)?.delta).toEqual({ type: 'signature_delta', signature: reasoningItemSignature(twoParts) });
    expect(ofBlock(1).map((payload) => payload.delta?.['type'] ?? payload.type)).toEqual(['content_block_start', 'thinking_delta', 'signature_delta', 'content_block_stop']);
    expect(ofBlock(1)[1]?.delta).toEqual({ type: 'thinking_delta', thinking: 'Then this.' });
    expect(ofBlock(2)[0]?.type).toBe('content_block_start');
  });
});

describe("a Messages client's history with OpenAI's reasoning items", () => {
  const history = (assistantContent: unknown[]) =>
    convertAnthropicRequestMessages(undefined, [
      { role: 'user', content: 'Compute (12 + 7).' },
      { role: 'assistant', content: assistantContent },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '19' }] },
    ])[1];
  const toolUse = { type: 'tool_use', id: 'call_1', name: 'calculator', input: { a: 12, b: 7, op: 'add' } };

  it("carries the block's item as the turn's signed reasoning, OpenAI's, whatever became of its text", () => {
    const block = reasoningItemThinkingBlock(recordedItem);
    expect(history([block, toolUse])).toMatchObject({ reasoning: block.thinking, signedReasoning: { provider: 'openai', blocks: [recordedItem] } });
    expect(history([{ ...block, thinking: '' }, toolUse])).toMatchObject({ signedReasoning: { provider: 'openai', blocks: [recordedItem] } });
  });

  it("leaves out a block of ours that does not decode to OpenAI's items (another version, Anthropic's blocks, garbage): never Anthropic's", () => {
    const signature = reasoningItemSignature(recordedItem);
    const anthropicBlock = { type: 'thinking' as const, thinking: 'Hmm.', signature: anthropicSignatures[0]! };
    for (const ours of [signature.replace('.v1.', '.v2.'), encodeReasoningContent({ provider: 'anthropic', blocks: [anthropicBlock] }), 'bm-signed-reasoning.v1.%%%']) {
      expect(history([{ type: 'thinking', thinking: '', signature: ours }, toolUse])).not.toHaveProperty('signedReasoning');
    }
  });

  it("keeps Anthropic's blocks as they came, and reads none of ours as Anthropic's anywhere", () => {
    expect(anthropicSignatures.length).toBeGreaterThanOrEqual(2);
    for (const signature of anthropicSignatures) {
      expect(isGatewayEncoding(signature)).toBe(false);
      expect(history([{ type: 'thinking', thinking: 'Hmm.', signature }, toolUse])).toMatchObject({ signedReasoning: { provider: 'anthropic', blocks: [{ type: 'thinking', thinking: 'Hmm.', signature }] } });
    }
    expect(readSignedReasoningBlock(reasoningItemThinkingBlock(recordedItem))).toBeUndefined();
  });
});
