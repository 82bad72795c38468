import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors.js';
import { convertToGeminiContents, skipThoughtSignatureValidator } from './convert-to-gemini-contents.js';

describe('convertToGeminiContents', () => {
  it('joins system messages into the system text and maps roles to user and model', () => {
    expect(
      convertToGeminiContents([
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello.' },
        { role: 'system', content: 'French only.' },
      ]),
    ).toEqual({
      systemText: 'Be terse.\n\nFrench only.',
      contents: [
        { role: 'user', parts: [{ text: 'Hi' }] },
        { role: 'model', parts: [{ text: 'Hello.' }] },
      ],
    });
  });

  it('turns tool calls into functionCall parts and answers into one user turn of functionResponse parts', () => {
    const prompt = convertToGeminiContents([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'call_0', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { id: 'call_1', name: 'get_weather', arguments: '{"city":"Rome"}' },
        ],
      },
      { role: 'tool', toolCallId: 'call_0', toolName: 'get_weather', content: '{"sky":"sunny"}' },
      { role: 'tool', toolCallId: 'call_1', content: 'rain' },
    ]);
    expect(prompt.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris and Rome?' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } } },
          { functionCall: { name: 'get_weather', args: { city: 'Rome' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { sky: 'sunny' } } },
          { functionResponse: { name: 'get_weather', response: { result: 'rain' } } },
        ],
      },
    ]);
  });

  it('finds the function name of an answer from the latest call with its id', () => {
    const prompt = convertToGeminiContents([
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_0', name: 'first', arguments: '{}' }] },
      { role: 'tool', toolCallId: 'call_0', content: '1' },
      { role: 'assistant', content: 'again', toolCalls: [{ id: 'call_0', name: 'second', arguments: '' }] },
      { role: 'tool', toolCallId: 'call_0', content: '2' },
    ]);
    expect(prompt.contents.at(-2)).toEqual({
      role: 'model',
      parts: [{ text: 'again' }, { functionCall: { name: 'second', args: {} } }],
    });
    expect(prompt.contents.at(-1)).toEqual({
      role: 'user',
      parts: [{ functionResponse: { name: 'second', response: { result: '2' } } }],
    });
  });

  it('refuses an answer whose function cannot be named', () => {
    expect(() => convertToGeminiContents([{ role: 'tool', toolCallId: 'call_9', content: 'x' }])).toThrow(
      expect.objectContaining({ name: 'InvalidArgumentError', argument: 'messages[0].toolName' }),
    );
  });

  it('refuses arguments that are not a JSON object', () => {
    expect(() =>
      convertToGeminiContents([{ role: 'assistant', content: '', toolCalls: [{ id: 'a', name: 'f', arguments: 'nope' }] }]),
    ).toThrow(InvalidArgumentError);
  });

  it('merges consecutive user messages into one turn', () => {
    expect(
      convertToGeminiContents([
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
      ]).contents,
    ).toEqual([{ role: 'user', parts: [{ text: 'a' }, { text: 'b' }] }]);
  });

  describe('thought signatures', () => {
    const question = { role: 'user' as const, content: 'Weather in Paris and Rome?' };
    const modelParts = (messages: Parameters<typeof convertToGeminiContents>[0], required: boolean) =>
      convertToGeminiContents(messages, { thoughtSignaturesRequired: required }).contents.find((turn) => turn.role === 'model')?.parts;

    it('sends each call back with the signature Gemini gave it, and none on a call it did not sign', () => {
      const parts = modelParts(
        [
          question,
          {
            role: 'assistant',
            content: '',
            toolCalls: [
              { id: 'call_0', name: 'get_weather', arguments: '{"city":"Paris"}', thoughtSignature: 'Cp8DAb4+sig==' },
              { id: 'call_1', name: 'get_weather', arguments: '{"city":"Rome"}' },
            ],
          },
        ],
        true,
      );
      expect(parts).toEqual([
        { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'Cp8DAb4+sig==' },
        { functionCall: { name: 'get_weather', args: { city: 'Rome' } } },
      ]);
    });

    it("marks the first of a message's unsigned calls with Google's skip signature when the model requires signatures", () => {
      const history = [
        question,
        {
          role: 'assistant' as const,
          content: 'Checking.',
          toolCalls: [
            { id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
            { id: 'call_b', name: 'get_weather', arguments: '{"city":"Rome"}' },
          ],
        },
      ];
      expect(modelParts(history, true)).toEqual([
        { text: 'Checking.' },
        { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: skipThoughtSignatureValidator },
        { functionCall: { name: 'get_weather', args: { city: 'Rome' } } },
      ]);
      expect(skipThoughtSignatureValidator).toBe('skip_thought_signature_validator');
      expect(JSON.stringify(modelParts(history, false))).not.toContain('thoughtSignature');
    });
  });
});
