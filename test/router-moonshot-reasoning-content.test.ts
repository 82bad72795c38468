/**
 * Moonshot's kimi-k2.5 thinks by default, and then refuses a history whose assistant tool-call message has no
 * `reasoning_content` (400 invalid_request: the call fails over, or ends should a second provider refuse too). A two-turn tool conversation through the
 * library: the first answer's tool call (OpenAI's recorded one) and reasoning are passed back, and the second turn,
 * to Moonshot, is answered (its recorded success) because each tool-call message is sent `reasoning_content`:
 * its reasoning, or "" when it showed none. The test server answers Moonshot as the real one does, by the body.
 */
import { describe, expect, it } from 'vitest';
import { defaultCatalog, mergeCatalog, openAICompatibleProvider, type AssistantMessage, type Message, type ToolDefinition } from '../src/index.js';
import { answerAsThinkingKimi, missingReasoningContentMessage } from '../src/testing/moonshot-reasoning-content.test-support.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false, parallelAttempts: 1, maxRetries: 0 });

const tools: ToolDefinition[] = [
  { name: 'square_number', description: 'Square a number', parameters: { type: 'object', properties: { number: { type: 'number' } }, required: ['number'] } },
];
const question: Message = { role: 'user', content: 'What is 5 squared?' };
/** Moonshot's recorded answer (shared/fixtures/moonshot/chat-completion.docs.json). */
const moonshotAnswer = ' 你好，李雷！1+1等于2。如果你有其他问题，请随时提问！';

interface SentMessage {
  readonly role: string;
  readonly tool_calls?: unknown[];
  readonly reasoning_content?: unknown;
}

function sentMessages(provider: string): SentMessage[] {
  const request = harness.server.requests.filter((entry) => entry.provider === provider).at(-1);
  return (request?.body as { messages: SentMessage[] }).messages;
}

/** The first turn, answered by OpenAI's recorded tool call, and the history the caller builds from it. */
async function firstTurn(reasoningShown?: string): Promise<Message[]> {
  harness.server.enqueue('openai', { kind: 'success', fixture: 'chat-completion-tool-call' });
  const first = await harness.makeRouter().complete([question], { route: [{ provider: 'openai', model: 'gpt-4o-mini' }], tools });
  expect(first.toolCalls).toEqual([{ id: 'call_i6JVJ1KxX79A4WzFri98E03U', name: 'square_number', arguments: '{"number":5}' }]);
  const reasoning = reasoningShown ?? first.reasoning;
  const assistant: AssistantMessage = { role: 'assistant', content: first.content, toolCalls: first.toolCalls, ...(reasoning !== undefined && { reasoning }) };
  return [question, assistant, { role: 'tool', toolCallId: first.toolCalls[0]!.id, toolName: 'square_number', content: '25' }];
}

describe("a tool conversation's second turn to Moonshot's thinking kimi-k2.5", () => {
  it('is answered when the first answer showed no reasoning: its tool-call message is sent reasoning_content ""', async () => {
    const history = await firstTurn();
    const stop = answerAsThinkingKimi(harness.server);
    try {
      const second = await harness.makeRouter().complete(history, { route: [{ provider: 'moonshot', model: 'kimi-k2.5' }], tools });
      expect(second.content).toBe(moonshotAnswer);
      expect(second.provider).toBe('moonshot');
    } finally {
      stop();
    }
    const assistant = sentMessages('moonshot')[1];
    expect(assistant?.tool_calls).toHaveLength(1);
    expect(assistant?.reasoning_content).toBe('');
  });

  it("sends back the reasoning the first answer showed, word for word, and streams the answer", async () => {
    const reasoning = 'The user wants 5 squared; the square_number tool computes it.';
    const history = await firstTurn(reasoning);
    const stop = answerAsThinkingKimi(harness.server);
    try {
      const stream = harness.makeRouter().stream(history, { route: [{ provider: 'moonshot', model: 'kimi-k2.5' }], tools });
      let text = '';
      for await (const chunk of stream) if (chunk.type === 'text-delta') text += chunk.text;
      expect(text.length).toBeGreaterThan(0);
      expect((await stream.result).content).toBe(text);
    } finally {
      stop();
    }
    expect(sentMessages('moonshot')[1]?.reasoning_content).toBe(reasoning);
  });

  it("fails as Moonshot's 400 when the built-in Moonshot is marked not to send it (what every call did before)", async () => {
    const history = await firstTurn();
    const stop = answerAsThinkingKimi(harness.server);
    try {
      const router = harness.makeRouter({ catalog: mergeCatalog(defaultCatalog, [{ id: 'moonshot', toolCallsNeedReasoningContent: false }]) });
      await expect(router.complete(history, { route: [{ provider: 'moonshot', model: 'kimi-k2.5' }], tools })).rejects.toThrow(missingReasoningContentMessage);
    } finally {
      stop();
    }
    expect(sentMessages('moonshot')[1]).not.toHaveProperty('reasoning_content');
  });

  it('sends no reasoning_content to a provider not marked (OpenAI), even when the history carries reasoning', async () => {
    const history = await firstTurn('Square it with the tool.');
    harness.server.enqueue('openai', { kind: 'success' });
    await harness.makeRouter().complete(history, { route: [{ provider: 'openai', model: 'gpt-4o-mini' }], tools });
    const assistant = sentMessages('openai')[1];
    expect(assistant?.tool_calls).toHaveLength(1);
    expect(assistant).not.toHaveProperty('reasoning_content');
  });

  it('sends it to an own OpenAI-compatible provider marked in code (a Kimi served at another URL)', async () => {
    const history = await firstTurn();
    const kimi = openAICompatibleProvider({
      id: 'kimi-elsewhere',
      baseUrl: harness.server.baseUrlFor('moonshot'),
      apiKeyEnv: 'MOONSHOT_API_KEY',
      defaultModel: 'kimi-k2.5',
      toolCallsNeedReasoningContent: true,
    });
    const stop = answerAsThinkingKimi(harness.server);
    try {
      const router = harness.makeRouter({ catalog: mergeCatalog(defaultCatalog, [kimi]) });
      const second = await router.complete(history, { route: [{ provider: 'kimi-elsewhere', model: 'kimi-k2.5' }], tools });
      expect(second.content).toBe(moonshotAnswer);
    } finally {
      stop();
    }
  });

  it('refuses a reasoning that is not a string, or on a message that is not an assistant one, naming the field', async () => {
    const router = harness.makeRouter();
    const route = [{ provider: 'moonshot', model: 'kimi-k2.5' }];
    const notText = [question, { role: 'assistant', content: '', reasoning: 42 }] as unknown as Message[];
    await expect(router.complete(notText, { route })).rejects.toThrow('messages[1].reasoning must be a string');
    const onUser = [{ role: 'user', content: 'hi', reasoning: 'x' }] as unknown as Message[];
    await expect(router.complete(onUser, { route })).rejects.toThrow('messages[0].reasoning must be left out');
    expect(harness.server.requests).toHaveLength(0);
  });
});
