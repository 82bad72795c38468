/**
 * Anthropic's web search server tool, read from its recorded answers (test/fixtures/anthropic, see its SOURCES.md) and
 * sent back with the history exactly as recorded: the server tool is passed as the caller gave it, the answer's
 * `server_tool_use` and `web_search_tool_result` blocks are kept whole where they stood in the text, and a later turn
 * carries them back, byte for byte, to the provider that ran them only.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors.js';
import { readAnthropicWebSearchRecording, recordedWebSearchContent } from '../../testing/anthropic-web-search-recordings.test-support.js';
import type { ChatRequest, ChatResponse, Message, ServerTools, StreamChunk } from '../../types.js';
import { createAnthropicStreamDecoder } from './anthropic-stream-decoder.js';
import { buildAnthropicChatRequest } from './build-anthropic-request.js';
import { parseAnthropicResponse } from './parse-anthropic-response.js';
import { noResponseHeaders } from '../../http/response-headers.js';

const recordedContent = recordedWebSearchContent();
const recordedServerBlocks = recordedContent.filter((block) => block.type !== 'text');
/** The blocks carried whole: the server tools' and the text blocks that cite their results. */
const recordedCarriedBlocks = recordedContent.filter((block) => block.type !== 'text' || Array.isArray(block['citations']));
const webSearch: ServerTools = { provider: 'anthropic', tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 8 }] };

function parseRecorded(providerId = 'anthropic'): ChatResponse {
  return parseAnthropicResponse(JSON.parse(readAnthropicWebSearchRecording('message-web-search.json')), { providerId, headers: noResponseHeaders });
}

function decodeRecordedStream(): StreamChunk[] {
  const decoder = createAnthropicStreamDecoder({ providerId: 'anthropic', headers: noResponseHeaders });
  return readAnthropicWebSearchRecording('messages-stream-web-search.chunks.txt')
    .split('\n')
    .flatMap((data) => decoder.decode({ event: (JSON.parse(data) as { type: string }).type, data }));
}

describe("Anthropic's web search, read", () => {
  it("keeps each server tool block whole, where it stood in the text, written by the provider that answered, and counts the searches", () => {
    const response = parseRecorded();
    const text = recordedContent.filter((block) => block.type === 'text').map((block) => block.text as string);
    expect(response.content).toBe(text.join(''));
    // Two searches: each call and its result before the text that follows them (the first before any text); each cited
    // text block where its text begins.
    let textOffset = 0;
    const placed = recordedContent.flatMap((block) => {
      const at = textOffset;
      if (block.type === 'text') textOffset += (block.text as string).length;
      return block.type !== 'text' || Array.isArray(block['citations']) ? [{ textOffset: at, block }] : [];
    });
    expect(recordedCarriedBlocks).toHaveLength(7);
    expect(response.serverToolBlocks).toEqual({ provider: 'anthropic', blocks: placed });
    expect(response.usage).toEqual({ inputTokens: 27118, outputTokens: 600, totalTokens: 27718, webSearchRequests: 2 });
    expect(parseRecorded('claude-proxy').serverToolBlocks?.provider).toBe('claude-proxy');
  });

  it('tells a streamed call whole once it stops, its input put together from its deltas, and a result whole, before the text they lead to', () => {
    const chunks = decodeRecordedStream();
    const served = chunks.filter((chunk) => chunk.type === 'server-tool-block');
    const payloads = readAnthropicWebSearchRecording('messages-stream-web-search.chunks.txt')
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; content_block?: { type: string } });
    const recordedResult = payloads.find((payload) => payload.content_block?.type === 'web_search_tool_result')?.content_block;
    expect(served.slice(0, 2)).toEqual([
      {
        type: 'server-tool-block',
        provider: 'anthropic',
        block: { type: 'server_tool_use', id: 'srvtoolu_01Bj5uzzLcYG5hfueSLcDH8k', name: 'web_search', input: { query: 'tech news today September 26 2025' } },
      },
      { type: 'server-tool-block', provider: 'anthropic', block: recordedResult },
    ]);
    const types = chunks.map((chunk) => chunk.type);
    expect(types.indexOf('text-delta')).toBeGreaterThan(chunks.indexOf(served[1]!));
    // Each cited text block whole, its citations as their deltas brought them, then its text as a delta.
    const citations = payloads.flatMap((payload) => {
      const delta = (payload as { delta?: { type: string; citation?: unknown } }).delta;
      return delta?.type === 'citations_delta' ? [delta.citation] : [];
    });
    const cited = served.slice(2).map((chunk) => (chunk.type === 'server-tool-block' ? chunk.block : undefined));
    expect(cited.length).toBeGreaterThan(0);
    expect(cited.flatMap((block) => block?.['citations'] as unknown[])).toEqual(citations);
    for (const block of cited) {
      expect(block).toMatchObject({ type: 'text', text: expect.any(String) });
      const at = chunks.findIndex((chunk) => chunk.type === 'server-tool-block' && chunk.block === block);
      expect(chunks[at + 1]).toEqual({ type: 'text-delta', text: block?.['text'] });
    }
    expect(chunks.at(-2)).toEqual({ type: 'usage', usage: { inputTokens: 15665, outputTokens: 795, totalTokens: 16460, webSearchRequests: 1 } });
  });
});

describe("Anthropic's web search, sent", () => {
  const endpoint = { providerId: 'anthropic', baseUrl: 'https://api.anthropic.com', apiKey: 'sk-ant-test' };
  const bodyOf = (request: ChatRequest, providerId = 'anthropic') =>
    JSON.parse(buildAnthropicChatRequest(request, { endpoint: { ...endpoint, providerId }, stream: false }).body ?? 'null') as {
      tools?: unknown[];
      tool_choice?: unknown;
      messages: { role: string; content: string | { type: string }[] }[];
    };
  const weather = { name: 'get_weather', parameters: { type: 'object', properties: {} } };

  it('passes the server tools after the caller\'s own, as given, and a choice of one of them', () => {
    const body = bodyOf({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'Search.' }], tools: [weather], serverTools: webSearch, toolChoice: { name: 'web_search' } });
    expect(body.tools).toEqual([{ name: 'get_weather', input_schema: weather.parameters }, webSearch.tools[0]]);
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'web_search' });
    // Claude Code's WebSearch sends the server tool alone.
    expect(bodyOf({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'Search.' }], serverTools: webSearch }).tools).toEqual(webSearch.tools);
  });

  it("refuses, as the caller's argument, server tools another provider runs", () => {
    const build = () => bodyOf({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'Search.' }], serverTools: webSearch }, 'claude-proxy');
    expect(build).toThrow(InvalidArgumentError);
    expect(build).toThrow(/run by anthropic, not this provider/);
  });

  /** The conversation after the recorded answer: the answer passed back as its result gives it, then a question. */
  function nextTurn(answer: ChatResponse): Message[] {
    const assistant: Message = { role: 'assistant', content: answer.content, ...(answer.serverToolBlocks ? { serverToolBlocks: answer.serverToolBlocks } : {}) };
    return [{ role: 'user', content: 'What is the tech news today?' }, assistant, { role: 'user', content: 'And yesterday?' }];
  }

  it('sends the turn back as recorded, byte for byte: the blocks and the cited text blocks with their citations, where they stood', () => {
    const request: ChatRequest = { model: 'claude-sonnet-4-6', messages: nextTurn(parseRecorded()), serverTools: webSearch };
    const sent = bodyOf(request).messages[1]?.content;
    expect(JSON.stringify(sent)).toBe(JSON.stringify(recordedContent));
  });

  it('sends another provider the cited text as text, without its citations', () => {
    const sent = JSON.stringify(bodyOf({ model: 'claude-sonnet-4-6', messages: nextTurn(parseRecorded('claude-proxy')) }).messages[1]?.content);
    expect(sent).toContain(JSON.stringify(parseRecorded().content).slice(1, -1));
    expect(sent).not.toContain('encrypted_index');
  });

  it('sends blocks another provider wrote to no one: the turn is its text', () => {
    const sent = bodyOf({ model: 'claude-sonnet-4-6', messages: nextTurn(parseRecorded('claude-proxy')) }).messages[1]?.content;
    expect(sent).toBe(parseRecorded().content);
  });

  it("marks a breakpoint on a copy of the turn's last block, never on the caller's block", () => {
    const answer = parseRecorded();
    const lastBlockOnly = { provider: 'anthropic', blocks: answer.serverToolBlocks!.blocks.slice(0, 2) };
    const messages: Message[] = [{ role: 'user', content: 'Search.' }, { role: 'assistant', content: '', serverToolBlocks: lastBlockOnly, cacheBreakpoint: true }, { role: 'user', content: 'More.' }];
    const sent = bodyOf({ model: 'claude-sonnet-4-6', messages }).messages[1]?.content as Record<string, unknown>[];
    expect(sent[1]).toEqual({ ...recordedServerBlocks[1], cache_control: { type: 'ephemeral' } });
    expect(lastBlockOnly.blocks[1]?.block).not.toHaveProperty('cache_control');
  });
});
