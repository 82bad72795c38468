import { describe, expect, it } from 'vitest';
import type { Message } from '../types.js';
import { imageNeedOf } from './validate-input.js';

const png = { url: 'data:image/png;base64,iVBORw0KGgo=' };
const remote = { url: 'https://example.com/a.png' };

describe('imageNeedOf', () => {
  it('is undefined without images, and says whether a URL must be fetched', () => {
    expect(imageNeedOf([{ role: 'user', content: 'Hi' }])).toBeUndefined();
    expect(imageNeedOf([{ role: 'user', content: 'Look', images: [png, remote] }])).toEqual({ fetchesUrls: true, historyOnly: false });
  });

  it('calls images history once a later user message came, and current on the question or what its tools returned', () => {
    const screenshotTurn: Message[] = [
      { role: 'user', content: 'Look', images: [png] },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'shot', arguments: '{}' }] },
      { role: 'tool', toolCallId: 'c', content: '', images: [png] },
    ];
    expect(imageNeedOf(screenshotTurn)).toEqual({ fetchesUrls: false, historyOnly: false });
    // The question's own image is current while tools are still being called to answer it.
    const agentLoop: Message[] = [
      { role: 'user', content: 'What breed is this?', images: [png] },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'lookup', arguments: '{}' }] },
      { role: 'tool', toolCallId: 'c', content: 'no match' },
    ];
    expect(imageNeedOf(agentLoop)).toEqual({ fetchesUrls: false, historyOnly: false });
    // A turn of several messages is the question: an image and then its words, or (as an Anthropic turn
    // holds them) a screenshot's tool answer and the question about it.
    expect(imageNeedOf([{ role: 'user', content: '', images: [png] }, { role: 'user', content: 'What is this?' }])?.historyOnly).toBe(false);
    const anthropicTurn: Message[] = [
      { role: 'user', content: 'Open the page.' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'shot', arguments: '{}' }] },
      { role: 'tool', toolCallId: 'c', content: '', images: [png] },
      { role: 'user', content: 'Is the button blue?' },
    ];
    expect(imageNeedOf(anthropicTurn)?.historyOnly).toBe(false);
    expect(imageNeedOf([...screenshotTurn, { role: 'assistant', content: 'Blue.' }, { role: 'user', content: 'And?' }])).toEqual({
      fetchesUrls: false,
      historyOnly: true,
    });
  });
});
