import { describe, expect, it } from 'vitest';
import { StreamAccumulator } from './stream-accumulator.js';

describe('StreamAccumulator', () => {
  it('puts tool calls back together by index, with the thought signature a delta carried', () => {
    const accumulator = new StreamAccumulator();
    accumulator.add({ type: 'tool-call-delta', index: 1, id: 'call_b', name: 'second', argumentsDelta: '{"a"' });
    accumulator.add({ type: 'tool-call-delta', index: 0, name: 'first', argumentsDelta: '{}', thoughtSignature: 'Cp8DAb4+sig==' });
    accumulator.add({ type: 'tool-call-delta', index: 1, argumentsDelta: ':1}' });
    accumulator.add({ type: 'text-delta', text: 'Calling.' });
    expect(accumulator.finish()).toEqual({
      content: 'Calling.',
      toolCalls: [
        { id: 'call_0', name: 'first', arguments: '{}', thoughtSignature: 'Cp8DAb4+sig==' },
        { id: 'call_b', name: 'second', arguments: '{"a":1}' },
      ],
      finishReason: 'tool_calls',
      usage: undefined,
    });
  });

  it('gathers the reasoning apart from the text, and leaves it out when there was none', () => {
    const accumulator = new StreamAccumulator();
    accumulator.add({ type: 'reasoning-delta', text: 'Two and two ' });
    accumulator.add({ type: 'reasoning-delta', text: 'make four.' });
    accumulator.add({ type: 'text-delta', text: '4' });
    expect(accumulator.finish()).toMatchObject({ content: '4', reasoning: 'Two and two make four.', finishReason: 'stop' });
    const plain = new StreamAccumulator();
    plain.add({ type: 'text-delta', text: '4' });
    expect(plain.finish()).not.toHaveProperty('reasoning');
  });
});
