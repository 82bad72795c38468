/**
 * Mistral added to the gateway's configuration by base URL, answering from a reasoning model with `content` as a
 * list of chunks: the official OpenAI client reads the answer's text as `message.content` (`delta.content`) and the
 * thinking as `reasoning_content`, the field the gateway gives a model's shown reasoning, all of it before the
 * answer when streamed. Mistral's recorded answers (test/fixtures/mistral) are replayed over real HTTP.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mistralReplay, recordedMistralAnswer } from '../src/testing/mistral-recordings.test-support.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness({
    env: { MISTRAL_API_KEY: 'mistral-test-key' },
    yamlText: (providers) => `
cache:
  enabled: false
providers:
  mistral:
    protocol: openai-compatible
    baseUrl: ${providers.baseUrlFor('openai')}
    apiKeyEnv: MISTRAL_API_KEY
    models: [magistral-medium-latest]
`,
  });
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());

const model = 'mistral/magistral-medium-latest';

describe("a Mistral reasoning model's content given as chunks, through the gateway", () => {
  it('reaches an OpenAI client as the message content, with the thinking as reasoning_content', async () => {
    harness.providers.setBehavior('openai', mistralReplay('chat-completion-thinking.json'));
    const completion = await harness.client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Considering the way to cross the street, analogously, how do I cross the river?' }],
    });
    const recorded = recordedMistralAnswer('chat-completion-thinking.json');
    const message = completion.choices[0]?.message as { content: string | null; reasoning_content?: string } | undefined;
    expect(message?.content).toBe(recorded.text);
    expect(message?.content).toMatch(/^Crossing a river is quite different from crossing a street/);
    expect(message?.reasoning_content).toBe(recorded.reasoning);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 664, completion_tokens: 747, total_tokens: 1411 });
    expect(harness.providers.requests[0]?.headers.authorization).toBe('Bearer mistral-test-key');
  });

  it('streams to an OpenAI client the thinking as reasoning_content deltas, all before the content deltas', async () => {
    harness.providers.setBehavior('openai', mistralReplay('chat-stream-thinking.sse'));
    const stream = await harness.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'How do I cross the street?' }], stream: true });
    let reasoning = '';
    let text = '';
    let finishReason: string | null | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { reasoning_content?: string; content?: string | null } | undefined;
      if (delta?.reasoning_content !== undefined) expect(text).toBe('');
      reasoning += delta?.reasoning_content ?? '';
      text += delta?.content ?? '';
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
    }
    const recorded = recordedMistralAnswer('chat-stream-thinking.sse');
    expect(reasoning).toBe(recorded.reasoning);
    expect(reasoning).toMatch(/^Okay, the user is asking how to cross the street\./);
    expect(text).toBe(recorded.text);
    expect(finishReason).toBe('stop');
  });
});
