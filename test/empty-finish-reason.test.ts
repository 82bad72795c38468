/**
 * Ollama (ollama/ollama#4357) and SGLang (sgl-project/sglang#3912) stream `"finish_reason": ""` on every chunk
 * before the last, where OpenAI sends null: an empty reason is no reason. The upstream is OpenAI's recorded
 * stream with only its null finish reasons rewritten to "", replayed by the provider test server.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BackupModelRouter } from '../src/routing/backup-model-router.js';
import { recordedFixtures } from '../src/testing/shared-fixtures.test-support.js';
import type { StreamChunk } from '../src/types.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

const recorded = recordedFixtures('openai').readFixtureText('chat-stream-include-usage.sse');
const emptyReasons = recorded.replaceAll('"finish_reason":null', '"finish_reason":""');
const recordedText = recorded
  .split('\n')
  .filter((line) => line.startsWith('data: {'))
  .map((line) => (JSON.parse(line.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '')
  .join('');

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness({ yamlText: 'cache:\n  enabled: false\n' });
});
afterAll(async () => harness?.close());
beforeEach(() => {
  harness.providers.reset();
  expect(emptyReasons).toContain('"finish_reason":""');
  expect(emptyReasons).toContain('"finish_reason":"stop"');
  harness.providers.setBehavior('openai', { kind: 'status', status: 200, body: emptyReasons, contentType: 'text/event-stream' });
});

describe('a stream whose chunks carry an empty finish reason before the last', () => {
  it('gives the library one finish, the last, after all the text', async () => {
    const router = new BackupModelRouter({ env: harness.providers.environment(), cacheEnabled: false, parallelAttempts: 1 });
    try {
      const stream = router.stream('Tell me about dogs', { preferredProvider: 'openai', preferredModel: 'gpt-4o-mini' });
      const chunks: StreamChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      const finishes = chunks.filter((chunk) => chunk.type === 'finish');
      expect(finishes).toEqual([{ type: 'finish', finishReason: 'stop' }]);
      const lastText = chunks.findLastIndex((chunk) => chunk.type === 'text-delta');
      expect(chunks.indexOf(finishes[0]!)).toBeGreaterThan(lastText);
      const result = await stream.result;
      expect(result.content).toBe(recordedText);
      expect(result.finishReason).toBe('stop');
    } finally {
      await router.close();
    }
  });

  it("reaches a chat completions client with one finish reason, stop, on the last choice chunk", async () => {
    const stream = await harness.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Tell me about dogs' }], stream: true });
    const reasons: (string | null)[] = [];
    let text = '';
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice === undefined) continue;
      text += choice.delta.content ?? '';
      if (choice.finish_reason !== null) reasons.push(choice.finish_reason);
    }
    expect(text).toBe(recordedText);
    expect(reasons).toEqual(['stop']);
  });

  it("reaches a Messages client's stream helper whole, ending for end_turn", async () => {
    const stream = harness.anthropicClient.messages.stream({ model: 'openai/gpt-4o-mini', max_tokens: 500, messages: [{ role: 'user', content: 'Tell me about dogs' }] });
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('end_turn');
    expect(message.content.map((block) => (block.type === 'text' ? block.text : '')).join('')).toBe(recordedText);
  });
});
