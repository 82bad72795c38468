/**
 * Anthropic's thinking in a Responses stream: each block a reasoning item of its own, its text streamed as the
 * summary, in the order of OpenAI's recorded summary events (vercel/ai,
 * packages/openai/src/responses/__fixtures__/openai-reasoning-encrypted-content.1.chunks.txt).
 */
import { describe, expect, it } from 'vitest';
import type { StreamResult } from '../../routing/router-options.js';
import type { StreamChunk } from '../../types.js';
import { encodeReasoningContent } from './encrypted-reasoning-content.js';
import { ResponsesStreamEvents } from './responses-stream-events.js';

function eventsOf(chunks: readonly StreamChunk[]): { type: string; output_index?: number; item?: Record<string, unknown> }[] {
  const encoder = new ResponsesStreamEvents({ id: 'resp_abc', createdSeconds: 1, model: 'anthropic/claude-sonnet-4-5' }, { includeEncryptedReasoning: true });
  const text = encoder.start() + chunks.map((chunk) => encoder.chunk(chunk) ?? '').join('') + encoder.end({ finishReason: 'stop' } as StreamResult);
  return text
    .split('\n\n')
    .filter((event) => event !== '')
    .map((event) => JSON.parse(event.slice(event.indexOf('data: ') + 'data: '.length)) as { type: string });
}

describe("Anthropic's thinking in a Responses stream", () => {
  const redacted = { type: 'redacted_thinking' as const, data: 'EooCCpsBCBIYAipA' };

  it('opens an item at the first delta, streams the summary, and closes it signed; a redacted block is an item whole; one whose signature never came ends unsigned', () => {
    const events = eventsOf([
      { type: 'reasoning-delta', text: 'Two and two ', signedBy: 'anthropic' },
      { type: 'reasoning-delta', text: 'make four.', signedBy: 'anthropic' },
      { type: 'signed-reasoning-block', provider: 'anthropic', block: { type: 'thinking', thinking: 'Two and two make four.', signature: 'EqQBCgIYAhIM' } },
      { type: 'signed-reasoning-block', provider: 'anthropic', block: redacted },
      { type: 'reasoning-delta', text: 'Cut short', signedBy: 'anthropic' },
      { type: 'text-delta', text: '4' },
    ]);
    expect(events.map((event) => `${event.type}${event.output_index === undefined ? '' : `@${event.output_index}`}`)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added@0',
      'response.reasoning_summary_part.added@0',
      'response.reasoning_summary_text.delta@0',
      'response.reasoning_summary_text.delta@0',
      'response.reasoning_summary_text.done@0',
      'response.reasoning_summary_part.done@0',
      'response.output_item.done@0',
      'response.output_item.added@1',
      'response.output_item.done@1',
      'response.output_item.added@2',
      'response.reasoning_summary_part.added@2',
      'response.reasoning_summary_text.delta@2',
      'response.reasoning_summary_text.done@2',
      'response.reasoning_summary_part.done@2',
      'response.output_item.done@2',
      'response.output_item.added@3',
      'response.content_part.added@3',
      'response.output_text.delta@3',
      'response.output_text.done@3',
      'response.content_part.done@3',
      'response.output_item.done@3',
      'response.completed',
    ]);
    const done = events.filter((event) => event.type === 'response.output_item.done').map((event) => event.item);
    expect(done[0]).toEqual({
      type: 'reasoning',
      id: 'rs_abc',
      summary: [{ type: 'summary_text', text: 'Two and two make four.' }],
      encrypted_content: encodeReasoningContent({ provider: 'anthropic', blocks: [{ type: 'thinking', thinking: 'Two and two make four.', signature: 'EqQBCgIYAhIM' }] }),
      status: 'completed',
    });
    expect(done[1]).toEqual({ type: 'reasoning', id: 'rs_abc_1', summary: [], encrypted_content: encodeReasoningContent({ provider: 'anthropic', blocks: [redacted] }), status: 'completed' });
    expect(done[2]).toEqual({ type: 'reasoning', id: 'rs_abc_2', summary: [{ type: 'summary_text', text: 'Cut short' }], encrypted_content: null, status: 'completed' });
  });

  it("streams another provider's thinking as reasoning_text, as any shown reasoning", () => {
    const events = eventsOf([{ type: 'reasoning-delta', text: 'Hmm.', signedBy: 'claude-proxy' }, { type: 'signed-reasoning-block', provider: 'claude-proxy', block: redacted }]);
    expect(events.map((event) => event.type)).toContain('response.reasoning_text.delta');
    expect(events.map((event) => event.type)).not.toContain('response.reasoning_summary_text.delta');
  });
});
