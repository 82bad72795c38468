import { describe, expect, it } from 'vitest';
import { StreamAccumulator } from './stream-accumulator.js';

describe('StreamAccumulator', () => {
  it('puts tool calls back together by index, with the thought signature a delta carried', () => {
    const accumulator = new StreamAccumulator();
    accumulator.add({ type: 'tool-call-delta', index: 1, id: 'call_b', name: 'second', argumentsDelta: '{"a"' });
    accumulator.add({ type: 'tool-call-delta', index: 0, id: 'call_a', name: 'first', argumentsDelta: '{}', thoughtSignature: 'Cp8DAb4+sig==' });
    accumulator.add({ type: 'tool-call-delta', index: 1, argumentsDelta: ':1}' });
    accumulator.add({ type: 'text-delta', text: 'Calling.' });
    expect(accumulator.finish()).toEqual({
      content: 'Calling.',
      toolCalls: [
        { id: 'call_a', name: 'first', arguments: '{}', thoughtSignature: 'Cp8DAb4+sig==' },
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

  it('says a stream that called tools finished for them, even when the provider said stop', () => {
    // OpenAI answers a named tool_choice with finish_reason "stop"; an agent loops on the tool-call reason.
    const accumulator = new StreamAccumulator();
    accumulator.add({ type: 'tool-call-delta', index: 0, id: 'call_X1', name: 'get_weather', argumentsDelta: '{"city":"Seoul"}' });
    accumulator.add({ type: 'finish', finishReason: 'stop' });
    expect(accumulator.finish().finishReason).toBe('tool_calls');
    const cut = new StreamAccumulator();
    cut.add({ type: 'tool-call-delta', index: 0, id: 'call_X1', name: 'get_weather', argumentsDelta: '{"ci' });
    cut.add({ type: 'finish', finishReason: 'length' });
    expect(cut.finish().finishReason).toBe('length');
  });
});
