import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors.js';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.js';
import type { AnthropicAssistantBlock, AnthropicUserBlock } from './anthropic-api-types.js';

describe('convertToAnthropicMessages', () => {
  it('moves every system message to the top-level system text', () => {
    const prompt = convertToAnthropicMessages([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Hi' },
      { role: 'system', content: 'Answer in French.' },
    ]);
    expect(prompt.system).toBe('You are terse.\n\nAnswer in French.');
    expect(prompt.messages).toEqual([{ role: 'user', content: 'Hi' }]);
  });

  it('has no system text when there is no system message', () => {
    expect(convertToAnthropicMessages([{ role: 'user', content: 'Hi' }]).system).toBeUndefined();
  });

  it('merges consecutive messages of one role, since Anthropic wants the roles to alternate', () => {
    const prompt = convertToAnthropicMessages([
      { role: 'user', content: 'First' },
      { role: 'user', content: 'Second' },
      { role: 'assistant', content: 'A' },
      { role: 'assistant', content: 'B' },
    ]);
    expect(prompt.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'First' },
          { type: 'text', text: 'Second' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'A' },
          { type: 'text', text: 'B' },
        ],
      },
    ]);
  });

  it('turns tool calls into tool_use blocks with parsed input and answers into one user turn of tool_result blocks', () => {
    const prompt = convertToAnthropicMessages([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { id: 'toolu_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
        ],
      },
      { role: 'tool', toolCallId: 'toolu_1', content: 'sunny' },
      { role: 'tool', toolCallId: 'toolu_2', content: 'rain' },
      { role: 'user', content: 'Thanks, and tomorrow?' },
    ]);
    expect(prompt.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: 'rain' },
          { type: 'text', text: 'Thanks, and tomorrow?' },
        ],
      },
    ]);
  });

  it('puts tool results before text in a user turn, as Anthropic requires', () => {
    const prompt = convertToAnthropicMessages([
      { role: 'assistant', content: 'Checking.', toolCalls: [{ id: 't1', name: 'lookup', arguments: '{}' }] },
      { role: 'user', content: 'Hurry up' },
      { role: 'tool', toolCallId: 't1', content: 'found' },
    ]);
    expect(prompt.messages[1]).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 't1', content: 'found' },
        { type: 'text', text: 'Hurry up' },
      ],
    });
    expect(prompt.messages[0]).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 't1', name: 'lookup', input: {} },
      ],
    });
  });

  it("makes tool call ids ones Anthropic takes: Moonshot's characters replaced, Gemini's repeated call_0 made unique, answers still paired", () => {
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: 'Weather in Paris, then Rome?' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'get_weather:0', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { role: 'tool', toolCallId: 'get_weather:0', content: '18 C' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_0', name: 'get_weather', arguments: '{"city":"Rome"}' }] },
      { role: 'tool', toolCallId: 'call_0', content: '24 C' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_0', name: 'get_weather', arguments: '{"city":"Oslo"}' }] },
      { role: 'tool', toolCallId: 'call_0', content: '3 C' },
    ]);
    const ids = messages.flatMap((message) =>
      typeof message.content === 'string' ? [] : message.content.map((block) => (block.type === 'tool_use' ? `use:${block.id}` : block.type === 'tool_result' ? `result:${block.tool_use_id}` : 'text')),
    );
    expect(ids).toEqual(['use:get_weather_0', 'result:get_weather_0', 'use:call_0', 'result:call_0', 'use:call_0_2', 'result:call_0_2']);
  });

  it('pairs answers with calls in order when one turn repeats an id', () => {
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: '0', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { id: '0', name: 'get_weather', arguments: '{"city":"Rome"}' },
        ],
      },
      { role: 'tool', toolCallId: '0', content: '18 C' },
      { role: 'tool', toolCallId: '0', content: '24 C' },
    ]);
    const blocks = messages.flatMap((message): readonly (AnthropicUserBlock | AnthropicAssistantBlock)[] => (typeof message.content === 'string' ? [] : message.content));
    expect(blocks.map((block) => (block.type === 'tool_use' ? `use:${block.id}` : block.type === 'tool_result' ? `result:${block.tool_use_id}:${block.content}` : 'text'))).toEqual([
      'use:0',
      'use:0_2',
      'result:0:18 C',
      'result:0_2:24 C',
    ]);
  });

  it('puts a cache breakpoint on the last block a marked message became, the system prompt in blocks when marked', () => {
    const prompt = convertToAnthropicMessages([
      { role: 'system', content: 'You are a coding agent.', cacheBreakpoint: true },
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Read a.ts' },
      { role: 'assistant', content: 'Reading.', toolCalls: [{ id: 'toolu_1', name: 'read', arguments: '{"path":"a.ts"}' }] },
      { role: 'tool', toolCallId: 'toolu_1', content: 'export {}', cacheBreakpoint: true },
      { role: 'user', content: 'Explain it.', cacheBreakpoint: true },
    ]);
    expect(prompt.system).toEqual([
      { type: 'text', text: 'You are a coding agent.', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Be brief.' },
    ]);
    expect(prompt.messages).toEqual([
      { role: 'user', content: 'Read a.ts' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Reading.' },
          { type: 'tool_use', id: 'toolu_1', name: 'read', input: { path: 'a.ts' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'export {}', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'Explain it.', cache_control: { type: 'ephemeral' } },
        ],
      },
    ]);
    // Unmarked, the same conversation has no breakpoint and a plain system string.
    const plain = convertToAnthropicMessages([{ role: 'system', content: 'A' }, { role: 'system', content: 'B' }, { role: 'user', content: 'C' }]);
    expect(plain).toEqual({ system: 'A\n\nB', messages: [{ role: 'user', content: 'C' }] });
  });

  it("leaves out whitespace-only text and trims a prefill's trailing whitespace, which Anthropic refuses (400)", () => {
    // Another provider's answer of "\n" in the history, and a prefill that ends in a space.
    const prompt = convertToAnthropicMessages([
      { role: 'system', content: '  ' },
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: '\n' },
      { role: 'user', content: 'again' },
      { role: 'assistant', content: 'Sure, ' },
    ]);
    expect(prompt.system).toBeUndefined();
    expect(prompt.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'text', text: 'again' }] },
      { role: 'assistant', content: 'Sure,' },
    ]);
  });

  it('reads empty arguments (a streamed call without input) as an empty object', () => {
    const prompt = convertToAnthropicMessages([
      { role: 'assistant', content: '', toolCalls: [{ id: 't1', name: 'pelican_name_generator', arguments: '' }] },
    ]);
    expect(prompt.messages).toEqual([
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'pelican_name_generator', input: {} }] },
    ]);
  });

  it('refuses arguments that are not a JSON object, naming where they are', () => {
    const convert = () =>
      convertToAnthropicMessages([
        { role: 'user', content: 'go' },
        { role: 'assistant', content: '', toolCalls: [{ id: 't1', name: 'f', arguments: '{"city": "Par' }] },
      ]);
    expect(convert).toThrow(InvalidArgumentError);
    expect(convert).toThrow(expect.objectContaining({ argument: 'messages[1].toolCalls[0].arguments' }));
    expect(() =>
      convertToAnthropicMessages([{ role: 'assistant', content: '', toolCalls: [{ id: 't', name: 'f', arguments: '[1]' }] }]),
    ).toThrow(InvalidArgumentError);
  });
});
