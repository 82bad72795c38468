/**
 * Anthropic's web search through the Messages dialect, from Anthropic's recorded answers (test/fixtures/anthropic, see
 * its SOURCES.md): the server tool blocks shown to the client where they stood in the text, in answers and streams,
 * as Anthropic's own clients read them back.
 */
import { describe, expect, it } from 'vitest';
import { parseAnthropicResponse } from '../../providers/anthropic/parse-anthropic-response.js';
import type { CompletionResult } from '../../routing/router-options.js';
import { readAnthropicWebSearchRecording, recordedWebSearchContent } from '../../testing/anthropic-web-search-recordings.test-support.js';
import { assembleStreamChunks } from '../../testing/stream-chunks.test-support.js';
import type { StreamChunk } from '../../types.js';
import { completionResultOf, decodeAnthropicPayloads, encodeAsMessagesEvents } from './messages-dialect.test-support.js';
import { toAnthropicMessage } from './messages-response.js';
import { noResponseHeaders } from '../../http/response-headers.js';

function recordedAnswer(providerId: string): CompletionResult {
  return completionResultOf(parseAnthropicResponse(JSON.parse(readAnthropicWebSearchRecording('message-web-search.json')), { providerId, headers: noResponseHeaders }), providerId);
}

const decode = decodeAnthropicPayloads;
const recordedStreamChunks = (providerId = 'anthropic') => decode(readAnthropicWebSearchRecording('messages-stream-web-search.chunks.txt').split('\n'), providerId);
const encode = (chunks: readonly StreamChunk[]) => encodeAsMessagesEvents(chunks, 'anthropic/claude-sonnet-4');

describe("Anthropic's server tool blocks shown to a Messages client", () => {
  it('shows each block as recorded where it stood among the text, and the searches in the usage; Anthropic reads them back the same', () => {
    const message = toAnthropicMessage(recordedAnswer('anthropic'), { id: 'msg_test', createdSeconds: 0, model: 'm' });
    const content = message.content as Record<string, unknown>[];
    // The recorded content, block for block: the text between the blocks and the cited text blocks with their citations.
    expect(JSON.stringify(content)).toBe(JSON.stringify(recordedWebSearchContent()));
    expect(message.usage).toMatchObject({ input_tokens: 27118, output_tokens: 600, server_tool_use: { web_search_requests: 2, web_fetch_requests: 0 } });
    const readBack = parseAnthropicResponse(JSON.parse(JSON.stringify(message)), { providerId: 'anthropic', headers: noResponseHeaders });
    expect(readBack.serverToolBlocks).toEqual(recordedAnswer('anthropic').serverToolBlocks);
    expect(readBack.content).toBe(recordedAnswer('anthropic').content);
  });

  it('shows no block another provider wrote (an Anthropic-wire server the gateway calls by another name): its text only', () => {
    const message = toAnthropicMessage(recordedAnswer('claude-proxy'), { id: 'msg_test', createdSeconds: 0, model: 'm' });
    expect(message.content).toEqual([{ type: 'text', text: recordedAnswer('claude-proxy').content }]);
  });

  it('streams the call with its input as one input_json_delta and the result whole, each a block of its own before the text, as Anthropic does', () => {
    const events = encode(recordedStreamChunks());
    const starts = events.filter((event) => event.event === 'content_block_start').map((event) => (JSON.parse(event.data) as { content_block: { type: string } }).content_block);
    expect(starts.slice(0, 3).map((block) => block.type)).toEqual(['server_tool_use', 'web_search_tool_result', 'text']);
    expect(starts[0]).toEqual({ type: 'server_tool_use', id: 'srvtoolu_01Bj5uzzLcYG5hfueSLcDH8k', name: 'web_search', input: {} });
    const firstDelta = JSON.parse(events.find((event) => event.event === 'content_block_delta')?.data ?? '{}') as unknown;
    expect(firstDelta).toEqual({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"query":"tech news today September 26 2025"}' } });
    // Anthropic's own stream, read back by the decoder that reads Anthropic's: the same blocks, the same text.
    const readBack = decode(events.map((event) => event.data));
    const served = (chunks: readonly StreamChunk[]) => chunks.filter((chunk) => chunk.type === 'server-tool-block');
    expect(served(readBack)).toEqual(served(recordedStreamChunks()));
    expect(assembleStreamChunks(readBack).text).toBe(assembleStreamChunks(recordedStreamChunks()).text);
    const delta = JSON.parse(events.find((event) => event.event === 'message_delta')?.data ?? '{}') as { usage: unknown };
    expect(delta.usage).toMatchObject({ server_tool_use: { web_search_requests: 1, web_fetch_requests: 0 } });
  });

  it('streams no block another provider wrote', () => {
    const starts = encode(recordedStreamChunks('claude-proxy')).filter((event) => event.event === 'content_block_start');
    expect(starts.every((event) => (JSON.parse(event.data) as { content_block: { type: string } }).content_block.type === 'text')).toBe(true);
  });
});
