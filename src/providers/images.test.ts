/**
 * A user's images in each wire protocol's request, checked against the official SDKs' request types
 * where one is installed (OpenAI's and Anthropic's), so a shape the API does not take fails to compile.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import type { Message } from '../types.js';
import { convertToAnthropicMessages } from './anthropic/convert-to-anthropic-messages.js';
import { convertToGeminiContents } from './gemini/convert-to-gemini-contents.js';
import { convertToOpenAIChatMessages } from './openai-compatible/convert-to-openai-chat-messages.js';

const pngBase64 = 'iVBORw0KGgoAAAANSUhEUg==';
const withImages: Message[] = [
  { role: 'user', content: 'What is in these?', images: [{ url: `data:image/png;base64,${pngBase64}` }, { url: 'https://example.com/cat.jpg' }] },
];

describe("a user's images", () => {
  it('go to OpenAI-wire providers as image_url parts after the text', () => {
    const expected: OpenAI.ChatCompletionMessageParam[] = [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these?' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${pngBase64}` } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
        ],
      },
    ];
    expect(convertToOpenAIChatMessages(withImages)).toEqual(expected);
    // Without images a user turn stays a plain string.
    expect(convertToOpenAIChatMessages([{ role: 'user', content: 'Hi' }])).toEqual([{ role: 'user', content: 'Hi' }]);
  });

  it('go to Anthropic as image blocks: bytes as a base64 source, a URL as a url source', () => {
    const expected: Anthropic.MessageParam[] = [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: pngBase64 } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        ],
      },
    ];
    expect(convertToAnthropicMessages(withImages).messages).toEqual(expected);
  });

  it('go to Gemini as inline data, and a URL, which Gemini cannot fetch, is refused there', () => {
    const [bytesOnly] = withImages.map((message) => ({ ...message, images: [{ url: `data:image/png;base64,${pngBase64}` }] }));
    expect(convertToGeminiContents([bytesOnly!]).contents).toEqual([
      { role: 'user', parts: [{ text: 'What is in these?' }, { inlineData: { mimeType: 'image/png', data: pngBase64 } }] },
    ]);
    expect(() => convertToGeminiContents(withImages)).toThrow(InvalidArgumentError);
  });
});

describe("a tool's images", () => {
  const screenshot = `data:image/png;base64,${pngBase64}`;
  const conversation: Message[] = [
    { role: 'user', content: 'Compare the two pages.' },
    {
      role: 'assistant',
      content: '',
      toolCalls: [
        { id: 'call_a', name: 'screenshot', arguments: '{"page":"a"}' },
        { id: 'call_b', name: 'screenshot', arguments: '{"page":"b"}' },
      ],
    },
    { role: 'tool', toolCallId: 'call_a', toolName: 'screenshot', content: 'Page a:', images: [{ url: screenshot }] },
    { role: 'tool', toolCallId: 'call_b', toolName: 'screenshot', content: '', images: [{ url: screenshot }] },
    { role: 'user', content: 'Which is darker?' },
  ];

  it('go to OpenAI-wire providers in one user message after all the answers, each after a line naming its call', () => {
    const expected: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'Compare the two pages.' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'screenshot', arguments: '{"page":"a"}' } },
          { id: 'call_b', type: 'function', function: { name: 'screenshot', arguments: '{"page":"b"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a', content: 'Page a:' },
      { role: 'tool', tool_call_id: 'call_b', content: '' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'The images returned by tool call call_a (screenshot):' },
          { type: 'image_url', image_url: { url: screenshot } },
          { type: 'text', text: 'The images returned by tool call call_b (screenshot):' },
          { type: 'image_url', image_url: { url: screenshot } },
        ],
      },
      { role: 'user', content: 'Which is darker?' },
    ];
    expect(convertToOpenAIChatMessages(conversation)).toEqual(expected);
    // Answers that end the conversation are followed by their images all the same.
    expect(convertToOpenAIChatMessages(conversation.slice(0, 3)).at(-1)).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'The images returned by tool call call_a (screenshot):' },
        { type: 'image_url', image_url: { url: screenshot } },
      ],
    });
  });

  it('go to Anthropic inside their tool_result, after its text', () => {
    const expected: Anthropic.MessageParam[] = [
      { role: 'user', content: 'Compare the two pages.' },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_a', name: 'screenshot', input: { page: 'a' } },
          { type: 'tool_use', id: 'call_b', name: 'screenshot', input: { page: 'b' } },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'call_a',
            content: [
              { type: 'text', text: 'Page a:' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: pngBase64 } },
            ],
          },
          { type: 'tool_result', tool_use_id: 'call_b', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: pngBase64 } }] },
          { type: 'text', text: 'Which is darker?' },
        ],
      },
    ];
    expect(convertToAnthropicMessages(conversation).messages).toEqual(expected);
  });

  it('go to Gemini in a user turn of their own after the function responses, which Gemini wants alone in theirs', () => {
    const inlineData = { inlineData: { mimeType: 'image/png', data: pngBase64 } };
    const contents = convertToGeminiContents(conversation).contents;
    expect(contents.slice(-2)).toEqual([
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'screenshot', response: { result: 'Page a:' } } },
          { functionResponse: { name: 'screenshot', response: { result: '' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          { text: 'The images returned by tool call call_a (screenshot):' },
          inlineData,
          { text: 'The images returned by tool call call_b (screenshot):' },
          inlineData,
          { text: 'Which is darker?' },
        ],
      },
    ]);
    // Answers that end the conversation are followed by their images all the same.
    expect(convertToGeminiContents(conversation.slice(0, 3)).contents.at(-1)).toEqual({
      role: 'user',
      parts: [{ text: 'The images returned by tool call call_a (screenshot):' }, inlineData],
    });
  });
});
