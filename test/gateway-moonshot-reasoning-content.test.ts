/**
 * An agent's second turn through the gateway to Moonshot's kimi-k2.5, which thinks by default and then refuses a
 * history whose assistant tool-call message has no `reasoning_content`. The official OpenAI client sends the history
 * as it kept it: with the `reasoning_content` the gateway's answer gave it, or without (a client that drops it).
 * Either way Moonshot is sent the field (the reasoning, or "") and answers; the test server answers Moonshot as the
 * real one does, by the body: its recorded success, or its 400 with its recorded error headers.
 */
import type OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerAsThinkingKimi } from '../src/testing/moonshot-reasoning-content.test-support.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
let stopAnswering: () => void = () => undefined;
beforeAll(async () => {
  harness = await startGatewayHarness({
    yamlText: (providers) => `
cache:
  enabled: false
providers:
  kimi-elsewhere:
    protocol: openai-compatible
    baseUrl: ${providers.baseUrlFor('moonshot')}
    apiKeyEnv: MOONSHOT_API_KEY
    models: [kimi-k2.5]
    toolCallsNeedReasoningContent: true
`,
  });
  stopAnswering = answerAsThinkingKimi(harness.providers);
});
afterAll(async () => {
  stopAnswering();
  await harness?.close();
});
beforeEach(() => harness.providers.reset());

/** Moonshot's recorded answer (shared/fixtures/moonshot/chat-completion.docs.json). */
const moonshotAnswer = ' 你好，李雷！1+1等于2。如果你有其他问题，请随时提问！';
const tools: OpenAI.Chat.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'square_number', parameters: { type: 'object', properties: { number: { type: 'number' } } } } },
];

/** A history as an OpenAI client keeps it: the question, the answer's tool call (with `extra` fields), the tool's answer. */
function history(extra: Record<string, unknown>): OpenAI.Chat.ChatCompletionMessageParam[] {
  const assistant = {
    role: 'assistant',
    content: null,
    tool_calls: [{ id: 'call_i6JVJ1KxX79A4WzFri98E03U', type: 'function', function: { name: 'square_number', arguments: '{"number":5}' } }],
    ...extra,
  } as OpenAI.Chat.ChatCompletionAssistantMessageParam;
  return [{ role: 'user', content: 'What is 5 squared?' }, assistant, { role: 'tool', tool_call_id: 'call_i6JVJ1KxX79A4WzFri98E03U', content: '25' }];
}

function sentAssistantMessage(): Record<string, unknown> | undefined {
  const body = harness.providers.requests.at(-1)?.body as { messages: Record<string, unknown>[] } | undefined;
  return body?.messages[1];
}

describe("a tool conversation's second turn to Moonshot's kimi-k2.5 through the gateway", () => {
  it('is answered, with the reasoning_content the client kept sent back word for word', async () => {
    const reasoning = 'The user wants 5 squared; the square_number tool computes it.';
    const completion = await harness.client.chat.completions.create({ model: 'moonshot/kimi-k2.5', messages: history({ reasoning_content: reasoning }), tools });
    expect(completion.choices[0]?.message.content).toBe(moonshotAnswer);
    expect(sentAssistantMessage()?.reasoning_content).toBe(reasoning);
  });

  it('is answered when the client kept the reasoning as `reasoning`, streamed', async () => {
    const stream = await harness.client.chat.completions.create({ model: 'moonshot/kimi-k2.5', messages: history({ reasoning: 'Use the tool.' }), tools, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    expect(sentAssistantMessage()?.reasoning_content).toBe('Use the tool.');
  });

  it('is answered when the client kept no reasoning: Moonshot is sent reasoning_content ""', async () => {
    const completion = await harness.client.chat.completions.create({ model: 'moonshot/kimi-k2.5', messages: history({}), tools });
    expect(completion.choices[0]?.message.content).toBe(moonshotAnswer);
    expect(sentAssistantMessage()?.reasoning_content).toBe('');
  });

  it('is answered by a Kimi added in the configuration with toolCallsNeedReasoningContent', async () => {
    const completion = await harness.client.chat.completions.create({ model: 'kimi-elsewhere/kimi-k2.5', messages: history({}), tools });
    expect(completion.choices[0]?.message.content).toBe(moonshotAnswer);
    expect(sentAssistantMessage()?.reasoning_content).toBe('');
  });

  it('sends no reasoning_content to OpenAI, which is not marked', async () => {
    harness.providers.enqueue('openai', { kind: 'success' });
    await harness.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: history({ reasoning_content: 'Use the tool.' }), tools });
    const assistant = sentAssistantMessage();
    expect(assistant?.tool_calls).toHaveLength(1);
    expect(assistant).not.toHaveProperty('reasoning_content');
  });

  it('refuses a reasoning_content that is not a string with a 400 naming it', async () => {
    await expect(harness.client.chat.completions.create({ model: 'moonshot/kimi-k2.5', messages: history({ reasoning_content: 42 }), tools })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('messages[1].reasoning_content must be a string'),
    });
    expect(harness.providers.requests).toHaveLength(0);
  });
});
