import { describe, expect, it } from 'vitest';
import type { Message } from '../types.js';
import { withServerToolBlocksAsNotes } from './server-tool-notes.js';

const call = { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'tech news today' } };
const result = { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] };
const searched: Message = {
  role: 'assistant',
  content: 'Let me search.Here is the news.',
  serverToolBlocks: { provider: 'anthropic', blocks: [{ textOffset: 14, block: call }, { textOffset: 14, block: result }] },
};
const conversation: Message[] = [{ role: 'user', content: 'News?' }, searched, { role: 'user', content: 'More?' }];

describe('withServerToolBlocksAsNotes', () => {
  it("gives a provider that did not run them a note in each call's place, where it stood, and no blocks", () => {
    const noted = withServerToolBlocksAsNotes(conversation, 'openai');
    expect(noted[1]).toEqual({
      role: 'assistant',
      content: 'Let me search.\n[web_search {"query":"tech news today"} was run by anthropic; its result is left out here]\nHere is the news.',
    });
    expect(noted[0]).toBe(conversation[0]);
    expect(conversation[1]).toBe(searched);
  });

  it('keeps the conversation as it is for the provider that ran them, and one without blocks', () => {
    expect(withServerToolBlocksAsNotes(conversation, 'anthropic')).toBe(conversation);
    const plain: Message[] = [{ role: 'user', content: 'Hi' }];
    expect(withServerToolBlocksAsNotes(plain, 'openai')).toBe(plain);
  });
});
