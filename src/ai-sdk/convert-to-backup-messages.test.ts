import type { LanguageModelV3Prompt } from '@ai-sdk/provider';
import type { ModelMessage, ToolResultPart } from 'ai';
import { convertToLanguageModelPrompt, standardizePrompt } from 'ai/internal';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { convertToBackupMessages } from './convert-to-backup-messages.js';

/** The prompt exactly as the AI SDK hands it to a model, from the messages a user writes. */
async function promptFromAiSdk(options: { system?: string; messages: ModelMessage[] }): Promise<LanguageModelV3Prompt> {
  const standardized = await standardizePrompt(options);
  return convertToLanguageModelPrompt({ prompt: standardized, supportedUrls: {}, download: undefined });
}

describe('convertToBackupMessages', () => {
  it('converts a tool round trip as the AI SDK builds it: call with parsed input, result as JSON text', async () => {
    const prompt = await promptFromAiSdk({
      system: 'You answer about weather.',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me check.' },
            { type: 'tool-call', toolCallId: 'call_1', toolName: 'getWeather', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'call_1',
              toolName: 'getWeather',
              output: { type: 'json', value: { temperatureC: 21 } },
            },
          ],
        },
      ],
    });
    const { messages, warnings } = convertToBackupMessages(prompt);
    expect(messages).toEqual([
      { role: 'system', content: 'You answer about weather.' },
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: 'Let me check.',
        toolCalls: [{ id: 'call_1', name: 'getWeather', arguments: '{"city":"Paris"}' }],
      },
      { role: 'tool', toolCallId: 'call_1', toolName: 'getWeather', content: '{"temperatureC":21}' },
    ]);
    expect(warnings).toEqual([]);
  });

  it('joins the text parts of a user turn and gives each tool result its own message', async () => {
    const prompt = await promptFromAiSdk({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'First.' }, { type: 'text', text: 'Second.' }] },
        {
          role: 'assistant',
          content: [
            { type: 'tool-call', toolCallId: 'a', toolName: 'one', input: {} },
            { type: 'tool-call', toolCallId: 'b', toolName: 'two', input: { x: 1 } },
          ],
        },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'a', toolName: 'one', output: { type: 'text', value: 'done' } },
            { type: 'tool-result', toolCallId: 'b', toolName: 'two', output: { type: 'error-text', value: 'failed' } },
          ],
        },
      ],
    });
    const { messages } = convertToBackupMessages(prompt);
    expect(messages[0]).toEqual({ role: 'user', content: 'First.\nSecond.' });
    expect(messages[1]).toEqual({
      role: 'assistant',
      content: '',
      toolCalls: [
        { id: 'a', name: 'one', arguments: '{}' },
        { id: 'b', name: 'two', arguments: '{"x":1}' },
      ],
    });
    expect(messages.slice(2)).toEqual([
      { role: 'tool', toolCallId: 'a', toolName: 'one', content: 'done' },
      { role: 'tool', toolCallId: 'b', toolName: 'two', content: 'failed' },
    ]);
  });

  it("keeps Gemini's thought signature that the AI SDK carries on a tool call as providerOptions.google", async () => {
    const prompt = await promptFromAiSdk({
      messages: [
        { role: 'user', content: 'What is 15 * 8?' },
        {
          role: 'assistant',
          content: [
            {
              type: 'tool-call',
              toolCallId: 'call_0',
              toolName: 'calculator',
              input: { expression: '15 * 8' },
              providerOptions: { google: { thoughtSignature: 'Cp8DAb4+sig==' } },
            },
          ],
        },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_0', toolName: 'calculator', output: { type: 'text', value: '120' } }] },
      ],
    });
    expect(convertToBackupMessages(prompt).messages[1]).toEqual({
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 'call_0', name: 'calculator', arguments: '{"expression":"15 * 8"}', thoughtSignature: 'Cp8DAb4+sig==' }],
    });
  });

  it("turns @ai-sdk/anthropic's cacheControl provider option, on a message or a part, into a cache breakpoint", async () => {
    const cacheControl = { anthropic: { cacheControl: { type: 'ephemeral' } } };
    const prompt = await promptFromAiSdk({
      messages: [
        { role: 'system', content: 'A long system prompt.', providerOptions: cacheControl },
        { role: 'user', content: [{ type: 'text', text: 'Hi', providerOptions: cacheControl }] },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'Again.' },
      ],
    });
    const { messages } = convertToBackupMessages(prompt);
    expect(messages.map((message) => message.cacheBreakpoint === true)).toEqual([true, true, false, false]);
  });

  it("keeps an hour's lifetime (cacheControl.ttl '1h'), the longer one when a message and its part both say", async () => {
    const forAnHour = { anthropic: { cacheControl: { type: 'ephemeral', ttl: '1h' } } };
    const prompt = await promptFromAiSdk({
      messages: [
        { role: 'system', content: 'A long system prompt.', providerOptions: forAnHour },
        { role: 'user', content: [{ type: 'text', text: 'Hi', providerOptions: forAnHour }], providerOptions: { anthropic: { cacheControl: { type: 'ephemeral' } } } },
      ],
    });
    expect(convertToBackupMessages(prompt).messages.map((message) => message.cacheBreakpoint)).toEqual([{ ttl: '1h' }, { ttl: '1h' }]);
  });

  it('drops reasoning of earlier turns with a warning', () => {
    const { messages, warnings } = convertToBackupMessages([
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'The user greets me.' },
          { type: 'text', text: 'Hello!' },
        ],
      },
    ]);
    expect(messages[1]).toEqual({ role: 'assistant', content: 'Hello!' });
    expect(warnings).toEqual([{ type: 'other', message: 'Reasoning parts of earlier assistant turns were not sent.' }]);
  });

  it("carries an image part as the user message's image (its bytes as a data URL), and refuses other files", async () => {
    const png = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]);
    const prompt = await promptFromAiSdk({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', image: png, mediaType: 'image/png' },
          ],
        },
      ],
    });
    const { messages } = convertToBackupMessages(prompt);
    expect(messages).toEqual([
      { role: 'user', content: 'What is this?', images: [{ url: `data:image/png;base64,${Buffer.from(png).toString('base64')}` }] },
    ]);
    const pdf = await promptFromAiSdk({
      messages: [{ role: 'user', content: [{ type: 'file', data: new Uint8Array([37, 80, 68, 70]), mediaType: 'application/pdf' }] }],
    });
    expect(() => convertToBackupMessages(pdf)).toThrow(InvalidArgumentError);
    expect(() => convertToBackupMessages(pdf)).toThrow(/messages\[0\] has a file part \(application\/pdf\)/);
  });


  it("carries the images of a tool's content output (toModelOutput) as the tool message's, and refuses other files there", async () => {
    const png = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]).toString('base64');
    const toolTurn = (value: Extract<ToolResultPart['output'], { type: 'content' }>['value']) =>
      promptFromAiSdk({
        messages: [
          { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'screenshot', input: {} }] },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'screenshot', output: { type: 'content', value } }] },
        ],
      });
    const { messages } = convertToBackupMessages(
      await toolTurn([
        { type: 'text', text: 'The page:' },
        { type: 'image-data', data: png, mediaType: 'image/png' },
        { type: 'media', data: png, mediaType: 'image/png' },
      ]),
    );
    expect(messages[1]).toEqual({
      role: 'tool',
      toolCallId: 'call_1',
      toolName: 'screenshot',
      content: 'The page:',
      images: [{ url: `data:image/png;base64,${png}` }, { url: `data:image/png;base64,${png}` }],
    });
    const pdf = await toolTurn([{ type: 'file-data', data: 'JVBERi0=', mediaType: 'application/pdf' }]);
    expect(() => convertToBackupMessages(pdf)).toThrow(InvalidArgumentError);
    expect(() => convertToBackupMessages(pdf)).toThrow(/tool result with file-data content \(application\/pdf\)/);
  });

  it('writes a denied tool call as its reason', () => {
    const { messages } = convertToBackupMessages([
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'c',
            toolName: 'deleteAll',
            output: { type: 'execution-denied', reason: 'The user said no.' },
          },
        ],
      },
    ]);
    expect(messages).toEqual([{ role: 'tool', toolCallId: 'c', toolName: 'deleteAll', content: 'The user said no.' }]);
  });
});
