import { describe, expect, it } from 'vitest';
import type { StreamChunk } from '../types.js';
import { ToolCallIds } from './tool-call-ids.js';

function labelled(chunks: readonly StreamChunk[]): StreamChunk[] {
  const ids = new ToolCallIds();
  return chunks.map((chunk) => ids.label(chunk));
}

describe("a stream's tool-call ids", () => {
  it("keeps a provider's id, on the call's first delta only", () => {
    const chunks: StreamChunk[] = [
      { type: 'tool-call-delta', index: 0, id: 'call_a', name: 'f', argumentsDelta: '{' },
      { type: 'tool-call-delta', index: 0, id: 'call_a', argumentsDelta: '}' },
      { type: 'text-delta', text: 'x' },
    ];
    const out = labelled(chunks);
    expect(out[0]).toBe(chunks[0]);
    expect(out[1]).toEqual({ type: 'tool-call-delta', index: 0, argumentsDelta: '}' });
    expect(out[2]).toBe(chunks[2]);
  });

  it('makes one up, unique, for a call that came without one (or with an empty one), and drops an id a later delta brings', () => {
    const out = labelled([
      { type: 'tool-call-delta', index: 3, name: 'f', argumentsDelta: '' },
      { type: 'tool-call-delta', index: 5, id: '', name: 'g', argumentsDelta: '' },
      { type: 'tool-call-delta', index: 3, id: 'call_late', argumentsDelta: '{}' },
    ]);
    const ids = out.map((chunk) => (chunk.type === 'tool-call-delta' ? chunk.id : undefined));
    expect(ids[0]).toMatch(/^call_[0-9a-f]{24}$/);
    expect(ids[1]).toMatch(/^call_[0-9a-f]{24}$/);
    expect(ids[1]).not.toBe(ids[0]);
    expect(ids[2]).toBeUndefined();
  });
});
