/**
 * Anthropic's `pause_turn` through the gateway's Messages endpoint, with the official Anthropic SDK: Anthropic pauses
 * a long run of server tools (web searches) with `stop_reason: "pause_turn"`, and the client is to send the turn back
 * as it is for Claude to go on ("we paused a long-running turn. You may provide the response back as-is in a
 * subsequent request to let the model continue", `StopReason` in @anthropic-ai/sdk 1.14.0). The client must be told
 * `pause_turn`, whole and streamed, and the unfinished answer must never be served again from the cache.
 * The provider test server replays Anthropic's recorded web search answers with `pause_turn` as their stop reason
 * (no recording holds one: see test/fixtures/SOURCES.md).
 */
import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anthropicWebSearchReplay, recordedWebSearchContent } from '../src/testing/anthropic-web-search-recordings.test-support.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
beforeAll(async () => {
  // The gateway's cache on (its default), so that serving a paused answer again would show.
  harness = await startGatewayHarness();
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());

const model = 'anthropic/claude-sonnet-4-6';
const webSearch: Anthropic.WebSearchTool20250305 = { type: 'web_search_20250305', name: 'web_search', max_uses: 8 };

function anthropicRequestCount(): number {
  return harness.providers.requests.filter((request) => request.provider === 'anthropic').length;
}

describe('a Messages client whose web search Anthropic paused', () => {
  it('is told pause_turn with the blocks so far, and sending the turn back asks Anthropic again rather than the cache', async () => {
    harness.providers.setBehavior('anthropic', anthropicWebSearchReplay('message-web-search.json', { stopReason: 'pause_turn' }));
    const question: Anthropic.MessageParam = { role: 'user', content: 'What is the tech news today? (paused, not streamed)' };
    const paused = await harness.anthropicClient.messages.create({ model, max_tokens: 4000, tools: [webSearch], messages: [question] });
    expect(paused.stop_reason).toBe('pause_turn');
    expect(paused.content.filter((block) => block.type !== 'text')).toEqual(recordedWebSearchContent().filter((block) => block.type !== 'text'));
    const again = await harness.anthropicClient.messages.create({ model, max_tokens: 4000, tools: [webSearch], messages: [question] });
    expect(again.stop_reason).toBe('pause_turn');
    expect(anthropicRequestCount()).toBe(2);
  });

  it('is told pause_turn at the end of a stream, and the same call streamed again reaches Anthropic again', async () => {
    harness.providers.setBehavior('anthropic', anthropicWebSearchReplay('messages-stream-web-search.chunks.txt', { stopReason: 'pause_turn' }));
    const question: Anthropic.MessageParam = { role: 'user', content: 'What is the tech news today? (paused, streamed)' };
    const stream = harness.anthropicClient.messages.stream({ model, max_tokens: 4000, tools: [webSearch], messages: [question] });
    const stopReasons: (string | null | undefined)[] = [];
    stream.on('streamEvent', (event) => {
      if (event.type === 'message_delta') stopReasons.push(event.delta.stop_reason);
    });
    const message = await stream.finalMessage();
    expect(stopReasons).toEqual(['pause_turn']);
    expect(message.stop_reason).toBe('pause_turn');
    expect(message.content.slice(0, 2).map((block) => block.type)).toEqual(['server_tool_use', 'web_search_tool_result']);
    await harness.anthropicClient.messages.stream({ model, max_tokens: 4000, tools: [webSearch], messages: [question] }).finalMessage();
    expect(anthropicRequestCount()).toBe(2);
  });

  it('(the same call answered end_turn is served from the cache the second time: the cache is on)', async () => {
    harness.providers.setBehavior('anthropic', anthropicWebSearchReplay('message-web-search.json'));
    const question: Anthropic.MessageParam = { role: 'user', content: 'What is the tech news today? (finished)' };
    const first = await harness.anthropicClient.messages.create({ model, max_tokens: 4000, tools: [webSearch], messages: [question] });
    await harness.anthropicClient.messages.create({ model, max_tokens: 4000, tools: [webSearch], messages: [question] });
    expect(first.stop_reason).toBe('end_turn');
    expect(anthropicRequestCount()).toBe(1);
  });
});
