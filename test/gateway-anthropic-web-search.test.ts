/**
 * Anthropic's web search through the gateway's Messages endpoint, with the official Anthropic SDK: the server tool
 * reaches Anthropic as the client wrote it, the answer's `server_tool_use` and `web_search_tool_result` blocks reach
 * the client whole and streamed, and a later turn carries them back to Anthropic unchanged; a call that only another
 * provider could serve is refused, and a history holding them that goes to another provider carries a note instead.
 * The provider test server replays Anthropic's recorded web search answers (test/fixtures/anthropic, see SOURCES.md).
 */
import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anthropicWebSearchReplay, readAnthropicWebSearchRecording, recordedWebSearchContent } from '../src/testing/anthropic-web-search-recordings.test-support.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness({ yamlText: 'cache:\n  enabled: false\n' });
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());

const model = 'anthropic/claude-sonnet-4-6';
const webSearch: Anthropic.WebSearchTool20250305 = { type: 'web_search_20250305', name: 'web_search', max_uses: 8 };
const question: Anthropic.MessageParam = { role: 'user', content: 'What is the tech news today?' };

interface SentBody {
  readonly tools?: unknown;
  readonly messages: readonly { readonly role: string; readonly content: unknown }[];
}

function sentBodies(provider = 'anthropic'): SentBody[] {
  return harness.providers.requests.filter((request) => request.provider === provider).map((request) => request.body as SentBody);
}

describe('a Messages client searching the web through the gateway', () => {
  it("gets Anthropic's answer as recorded: its server_tool_use and web_search_tool_result blocks where they stood in the text, the cited text blocks with their citations, and the searches counted", async () => {
    harness.providers.setBehavior('anthropic', anthropicWebSearchReplay('message-web-search.json'));
    const { data, response } = await harness.anthropicClient.messages.create({ model, max_tokens: 4000, tools: [webSearch], messages: [question] }).withResponse();
    expect(response.headers.get('x-backup-models-provider')).toBe('anthropic');
    expect(data.content).toEqual(recordedWebSearchContent());
    expect(data.usage.server_tool_use).toEqual({ web_search_requests: 2, web_fetch_requests: 0 });
    expect(sentBodies()[0]?.tools).toEqual([webSearch]);
  });

  it('gets them streamed, which the SDK puts together in its final message: the call with its input, then the result whole', async () => {
    harness.providers.setBehavior('anthropic', anthropicWebSearchReplay('messages-stream-web-search.chunks.txt'));
    const message = await harness.anthropicClient.messages.stream({ model, max_tokens: 4000, tools: [webSearch], messages: [question] }).finalMessage();
    const [call, result, text] = message.content;
    expect(call).toEqual({ type: 'server_tool_use', id: 'srvtoolu_01Bj5uzzLcYG5hfueSLcDH8k', name: 'web_search', input: { query: 'tech news today September 26 2025' } });
    const recordedResult = readAnthropicWebSearchRecording('messages-stream-web-search.chunks.txt')
      .split('\n')
      .map((line) => JSON.parse(line) as { content_block?: { type: string } })
      .find((payload) => payload.content_block?.type === 'web_search_tool_result')?.content_block;
    expect(result).toEqual(recordedResult);
    expect(text).toMatchObject({ type: 'text', text: expect.stringMatching(/^Based on my search results, here are the key tech news/) });
    // Each cited text block with its citations, as Anthropic's citations_delta events brought them.
    const recordedCitations = readAnthropicWebSearchRecording('messages-stream-web-search.chunks.txt')
      .split('\n')
      .flatMap((line) => {
        const delta = (JSON.parse(line) as { delta?: { type: string; citation?: unknown } }).delta;
        return delta?.type === 'citations_delta' ? [delta.citation] : [];
      });
    expect(recordedCitations.length).toBeGreaterThan(0);
    expect(message.content.flatMap((block) => (block.type === 'text' ? (block.citations ?? []) : []))).toEqual(recordedCitations);
    expect(message.usage.server_tool_use).toEqual({ web_search_requests: 1, web_fetch_requests: 0 });
  });

  it("sends a later turn's history back to Anthropic as recorded, byte for byte: the blocks and the cited text blocks where they stood", async () => {
    harness.providers.setBehavior('anthropic', anthropicWebSearchReplay('message-web-search.json'));
    const first = await harness.anthropicClient.messages.create({ model, max_tokens: 4000, tools: [webSearch], messages: [question] });
    await harness.anthropicClient.messages.create({
      model,
      max_tokens: 4000,
      tools: [webSearch],
      messages: [question, { role: 'assistant', content: first.content as Anthropic.ContentBlockParam[] }, { role: 'user', content: 'And yesterday?' }],
    });
    expect(JSON.stringify(sentBodies()[1]?.messages[1]?.content)).toBe(JSON.stringify(recordedWebSearchContent()));
  });

  it('is refused with a 400 naming the tool when the model asked is not Anthropic, before any upstream call', async () => {
    const refused = await harness.anthropicClient.messages
      .create({ model: 'openai/gpt-4o-mini', max_tokens: 4000, tools: [webSearch], messages: [question] })
      .catch((caught: unknown) => caught);
    expect(refused).toMatchObject({ status: 400, error: { type: 'error', error: { type: 'invalid_request_error' } } });
    expect(String((refused as Error).message)).toContain("can run this call's server tools (web_search_20250305): only anthropic runs them");
    expect(harness.providers.requests).toHaveLength(0);
  });

  it("goes to a provider that did not search with a note in each search's place, and no block of Anthropic's", async () => {
    harness.providers.setBehavior('anthropic', anthropicWebSearchReplay('message-web-search.json'));
    const first = await harness.anthropicClient.messages.create({ model, max_tokens: 4000, tools: [webSearch], messages: [question] });
    harness.providers.setBehavior('openai', { kind: 'success', fixture: 'chat-completion' });
    const answer = await harness.anthropicClient.messages.create({
      model: 'openai/gpt-4o-mini',
      max_tokens: 400,
      messages: [question, { role: 'assistant', content: first.content as Anthropic.ContentBlockParam[] }, { role: 'user', content: 'Summarise it.' }],
    });
    expect(answer.content[0]?.type).toBe('text');
    const sent = JSON.stringify(sentBodies('openai')[0]?.messages[1]);
    expect(sent).toContain('[web_search {\\"query\\":\\"tech news today September 26 2024\\"} was run by anthropic; its result is left out here]');
    expect(sent).toContain('Let me search for more specific tech news from today (September 26, 2024).');
    expect(sent).not.toContain('srvtoolu_');
    expect(sent).not.toContain('encrypted_content');
    expect(sent).not.toContain('encrypted_index');
    expect(sent).toContain('Anthropic has launched a Chrome extension');
  });
});
