/**
 * Anthropic's signed thinking blocks through the Messages dialect, from Anthropic's recorded answers
 * (test/fixtures/anthropic, see its SOURCES.md): shown to the client whole, signature and all, in answers and
 * streams, and read back from the client's history as Anthropic's.
 */
import { describe, expect, it } from 'vitest';
import { createAnthropicStreamDecoder } from '../../providers/anthropic/anthropic-stream-decoder.js';
import { parseAnthropicResponse } from '../../providers/anthropic/parse-anthropic-response.js';
import type { CompletionResult } from '../../routing/router-options.js';
import { readAnthropicThinkingRecording } from '../../testing/anthropic-thinking-recordings.test-support.js';
import type { StreamChunk } from '../../types.js';
import { convertAnthropicRequestMessages } from './convert-anthropic-request-messages.js';
import { completionResultOf, decodeAnthropicPayloads, encodeAsMessagesEvents } from './messages-dialect.test-support.js';
import { toAnthropicMessage } from './messages-response.js';
import { noResponseHeaders } from '../../http/response-headers.js';

const recordedBody = JSON.parse(readAnthropicThinkingRecording('message-thinking-tool-use.json')) as { content: Record<string, unknown>[] };
const [recordedThinking, recordedToolUse] = recordedBody.content;
const recordedStreamPayloads = readAnthropicThinkingRecording('messages-stream-thinking.chunks.txt').split('\n');

function recordedAnswer(providerId: string): CompletionResult {
  return completionResultOf(parseAnthropicResponse(recordedBody, { providerId, headers: noResponseHeaders }), providerId);
}

const decodeRecordedStream = (providerId: string): StreamChunk[] => decodeAnthropicPayloads(recordedStreamPayloads, providerId);
const encode = (chunks: readonly StreamChunk[]) => encodeAsMessagesEvents(chunks, 'anthropic/claude-sonnet-4-5');

describe("Anthropic's thinking blocks shown to a Messages client", () => {
  it('shows the recorded thinking block first in the message, as recorded, and Anthropic reads it back the same', () => {
    const message = toAnthropicMessage(recordedAnswer('anthropic'), { id: 'msg_test', createdSeconds: 0, model: 'm' });
    expect(message.content).toEqual([recordedThinking, { type: 'tool_use', id: recordedToolUse?.id, name: recordedToolUse?.name, input: {} }]);
    const readBack = parseAnthropicResponse(JSON.parse(JSON.stringify(message)), { providerId: 'anthropic', headers: noResponseHeaders });
    expect(readBack.signedReasoning).toEqual(recordedAnswer('anthropic').signedReasoning);
  });

  it("shows no block another provider signed (an Anthropic-wire server the gateway calls by another name)", () => {
    const message = toAnthropicMessage(recordedAnswer('claude-proxy'), { id: 'msg_test', createdSeconds: 0, model: 'm' });
    expect((message.content as { type: string }[]).map((block) => block.type)).toEqual(['tool_use']);
  });

  it('streams the recorded thinking block as Anthropic does, delta by delta as thought, its signature_delta before it stops, then the text', () => {
    const events = encode(decodeRecordedStream('anthropic'));
    const payloads = events.map((event) => JSON.parse(event.data) as { type: string; index?: number; content_block?: unknown; delta?: Record<string, unknown> });
    const blockEvents = payloads.filter((payload) => payload.index === 0);
    const thinkingDeltas = blockEvents.flatMap((payload) => (payload.delta?.type === 'thinking_delta' ? [payload.delta.thinking] : []));
    const recorded = recordedStreamPayloads.map((line) => JSON.parse(line) as { delta?: { type?: string; signature?: string; thinking?: string } });
    const recordedSignature = recorded.find((payload) => payload.delta?.type === 'signature_delta')?.delta?.signature;
    // Each recorded piece of the thinking, as it came (the last, empty, has nothing to show).
    const recordedThinkingDeltas = recorded.flatMap((payload) => (payload.delta?.type === 'thinking_delta' && payload.delta.thinking !== '' ? [payload.delta.thinking] : []));
    expect(thinkingDeltas).toEqual(recordedThinkingDeltas);
    expect(thinkingDeltas).toHaveLength(9);
    expect(blockEvents.map((payload) => payload.delta?.type ?? payload.type)).toEqual([
      'content_block_start',
      ...thinkingDeltas.map(() => 'thinking_delta'),
      'signature_delta',
      'content_block_stop',
    ]);
    expect(blockEvents[0]?.content_block).toEqual({ type: 'thinking', thinking: '', signature: '' });
    expect(thinkingDeltas.join('')).toBe('The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185');
    expect(blockEvents.at(-2)?.delta).toEqual({ type: 'signature_delta', signature: recordedSignature });
    expect(payloads.find((payload) => payload.type === 'content_block_start' && payload.index === 1)?.content_block).toEqual({ type: 'text', text: '' });
    // Anthropic's own decoder reads the block back whole.
    const decoder = createAnthropicStreamDecoder({ providerId: 'anthropic', headers: noResponseHeaders });
    const readBack = events.flatMap((event) => decoder.decode(event)).filter((chunk) => chunk.type === 'signed-reasoning-block');
    expect(readBack).toEqual(decodeRecordedStream('anthropic').filter((chunk) => chunk.type === 'signed-reasoning-block'));
  });

  it('streams no block another provider signed', () => {
    const events = encode(decodeRecordedStream('claude-proxy'));
    expect(events.map((event) => event.data).join('')).not.toContain('thinking');
  });

  it('stops a thinking block whose signature never came when the next block begins, and writes a redacted block whole, the indexes in order', () => {
    const redacted = { type: 'redacted_thinking' as const, data: 'EooCCpsBCBIYAipA' };
    const events = encode([
      { type: 'reasoning-delta', text: 'Cut short', signedBy: 'anthropic' },
      { type: 'signed-reasoning-block', provider: 'anthropic', block: redacted },
      { type: 'reasoning-delta', text: 'Then this.', signedBy: 'anthropic' },
      { type: 'text-delta', text: 'Done.' },
      { type: 'finish', finishReason: 'stop' },
    ]);
    const blocks = events
      .map((event) => JSON.parse(event.data) as { type: string; index?: number; content_block?: { type: string }; delta?: { type: string } })
      .filter((payload) => payload.index !== undefined)
      .map((payload) => `${payload.index}:${payload.content_block?.type ?? payload.delta?.type ?? payload.type}`);
    expect(blocks).toEqual([
      '0:thinking',
      '0:thinking_delta',
      '0:content_block_stop',
      '1:redacted_thinking',
      '1:content_block_stop',
      '2:thinking',
      '2:thinking_delta',
      '2:content_block_stop',
      '3:text',
      '3:text_delta',
      '3:content_block_stop',
    ]);
  });

  it('stops the text block open before a thinking block by its own index, then opens the thinking block after it', () => {
    const events = encode([
      { type: 'text-delta', text: 'Let me think.' },
      { type: 'reasoning-delta', text: 'Thinking on.', signedBy: 'anthropic' },
      { type: 'signed-reasoning-block', provider: 'anthropic', block: { type: 'thinking', thinking: 'Thinking on.', signature: 'EqQBCgIYAhIM' } },
      { type: 'finish', finishReason: 'stop' },
    ]);
    const blocks = events
      .map((event) => JSON.parse(event.data) as { type: string; index?: number; content_block?: { type: string }; delta?: { type: string } })
      .filter((payload) => payload.index !== undefined)
      .map((payload) => `${payload.index}:${payload.content_block?.type ?? payload.delta?.type ?? payload.type}`);
    expect(blocks).toEqual(['0:text', '0:text_delta', '0:content_block_stop', '1:thinking', '1:thinking_delta', '1:signature_delta', '1:content_block_stop']);
  });
});

describe("a Messages client's history with Anthropic's thinking blocks", () => {
  it('carries each signed block whole as the assistant message’s signedReasoning, signed by Anthropic, its text as the reasoning', () => {
    const assistantContent = toAnthropicMessage(recordedAnswer('anthropic'), { id: 'msg_test', createdSeconds: 0, model: 'm' }).content;
    const messages = convertAnthropicRequestMessages(undefined, [
      { role: 'user', content: 'Check the sandbox.' },
      { role: 'assistant', content: assistantContent },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: recordedToolUse?.id, content: 'No errors.' }] },
    ]);
    expect(messages[1]).toEqual({
      role: 'assistant',
      content: '',
      toolCalls: [{ id: recordedToolUse?.id, name: 'checkSandboxErrors', arguments: '{}' }],
      reasoning: recordedThinking?.thinking,
      signedReasoning: { provider: 'anthropic', blocks: [recordedThinking] },
    });
  });

  it('leaves out a thinking block without a signature, which Anthropic would refuse back', () => {
    const [, assistant] = convertAnthropicRequestMessages(undefined, [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'Hmm.' }, { type: 'text', text: 'Hello.' }] },
      { role: 'user', content: 'And?' },
    ]);
    expect(assistant).toEqual({ role: 'assistant', content: 'Hello.', reasoning: 'Hmm.' });
  });
});
