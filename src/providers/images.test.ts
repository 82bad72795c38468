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
