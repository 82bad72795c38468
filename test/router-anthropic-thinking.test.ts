/**
 * An agent's tool loop on Claude with thinking, through the library. Claude thinks and calls a tool; the caller
 * passes the answer back in the history as the result gives it (`signedReasoning` with the tool calls), and the next
 * call thinks too, its thinking block sent back first in the tool-call turn, as Anthropic requires. The provider test
 * server answers as Anthropic does, by the body (src/testing/anthropic-thinking-recordings.test-support.ts): its
 * recorded answers with signed thinking blocks (test/fixtures/anthropic), or its 400 when a thinking call's last
 * tool-call turn does not start with its thinking block.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CompletionResult, Message, ToolDefinition } from '../src/index.js';
import { answerAsThinkingClaude, readAnthropicThinkingRecording } from '../src/testing/anthropic-thinking-recordings.test-support.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false, parallelAttempts: 1 });
let stopAnswering: () => void = () => undefined;
beforeEach(() => {
  stopAnswering = answerAsThinkingClaude(harness.server);
});
afterEach(() => stopAnswering());

const model = 'claude-sonnet-4-6';
const route = [{ provider: 'anthropic', model }];
const tools: ToolDefinition[] = [{ name: 'checkSandboxErrors', parameters: { type: 'object', properties: {} } }];
const recorded = JSON.parse(readAnthropicThinkingRecording('message-thinking-tool-use.json')) as { content: { thinking: string; signature: string }[] };
const recordedThinking = recorded.content[0]!;

interface SentBody {
  readonly thinking?: unknown;
  readonly messages: readonly { readonly role: string; readonly content: string | readonly { readonly type: string }[] }[];
}

function sentBodies(): SentBody[] {
  return harness.server.requests.filter((request) => request.provider === 'anthropic').map((request) => request.body as SentBody);
}

/** The history after `answer`, passed back as a caller keeps it: the result's fields on the assistant message, the tool's answer after. */
function historyAfter(answer: CompletionResult, keep: { signedReasoning: boolean }): Message[] {
  const assistant: Message = {
    role: 'assistant',
    content: answer.content,
    toolCalls: answer.toolCalls,
    ...(answer.reasoning === undefined ? {} : { reasoning: answer.reasoning }),
    ...(keep.signedReasoning && answer.signedReasoning !== undefined ? { signedReasoning: answer.signedReasoning } : {}),
  };
  const answers: Message[] = answer.toolCalls.map((call) => ({ role: 'tool', toolCallId: call.id, toolName: call.name, content: 'No errors.' }));
  return [{ role: 'user', content: 'Check the sandbox for errors.' }, assistant, ...answers];
}

describe("a tool loop on Claude with thinking, Anthropic's signed thinking passed back", () => {
  it("thinks in the turn after the tool call, the recorded thinking block sent back first in the tool-call turn, byte for byte", async () => {
    const router = harness.makeRouter();
    const first = await router.complete('Check the sandbox for errors.', { route, tools, reasoningEffort: 'low' });
    expect(first.signedReasoning).toEqual({ provider: 'anthropic', blocks: [{ type: 'thinking', thinking: recordedThinking.thinking, signature: recordedThinking.signature }] });
    expect(first.toolCalls.map((call) => call.name)).toEqual(['checkSandboxErrors']);

    const second = await router.complete(historyAfter(first, { signedReasoning: true }), { route, tools, reasoningEffort: 'low' });
    expect(second.provider).toBe('anthropic');
    const [, sent] = sentBodies();
    expect(sent?.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(sent?.messages[1]?.content).toEqual([
      { type: 'thinking', thinking: recordedThinking.thinking, signature: recordedThinking.signature },
      { type: 'tool_use', id: 'toolu_017R7ACrx7NF7sLDDtvdQ1u9', name: 'checkSandboxErrors', input: {} },
    ]);
  });

  it('asks the turn after without thinking, as before, when the caller drops the signed block, and is answered', async () => {
    const router = harness.makeRouter();
    const first = await router.complete('Check the sandbox for errors.', { route, tools, reasoningEffort: 'low' });
    const second = await router.complete(historyAfter(first, { signedReasoning: false }), { route, tools, reasoningEffort: 'low' });
    expect(second.provider).toBe('anthropic');
    const [, sent] = sentBodies();
    expect(sent).not.toHaveProperty('thinking');
    expect(JSON.stringify(sent)).not.toContain(recordedThinking.signature);
  });

  it('carries a streamed answer\'s signed block to the stream\'s result, and sends it back to Anthropic alone', async () => {
    const router = harness.makeRouter();
    const stream = router.stream('What is 925 divided by 5?', { route, reasoningEffort: 'low' });
    const blocks: unknown[] = [];
    for await (const chunk of stream) if (chunk.type === 'signed-reasoning-block') blocks.push(chunk.block);
    const result = await stream.result;
    expect(result.reasoning).toBe('The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185');
    expect(result.signedReasoning).toEqual({ provider: 'anthropic', blocks });
    expect(blocks).toEqual([{ type: 'thinking', thinking: result.reasoning, signature: expect.stringMatching(/^EvQBCkYICxgCKkAxhD4N.*BgB$/) }]);

    // The same history to OpenAI: no block, no signature; only text it can read.
    const history: Message[] = [
      { role: 'user', content: 'What is 925 divided by 5?' },
      { role: 'assistant', content: result.content, reasoning: result.reasoning!, signedReasoning: result.signedReasoning! },
      { role: 'user', content: 'And by 25?' },
    ];
    await router.complete(history, { route: [{ provider: 'openai', model: 'gpt-4o-mini' }] });
    const toOpenAI = harness.server.requests.find((request) => request.provider === 'openai')?.body;
    expect(JSON.stringify(toOpenAI)).not.toContain('EvQBCkYICxgCKkAxhD4N');
    expect(JSON.stringify(toOpenAI)).not.toContain('"thinking"');
  });

  it('refuses signed reasoning of the wrong shape, or on a message that is not an assistant one, naming the field', async () => {
    const router = harness.makeRouter();
    const question: Message = { role: 'user', content: 'Check the sandbox for errors.' };
    const unsigned = [question, { role: 'assistant', content: 'Done.', signedReasoning: { provider: 'anthropic', blocks: [{ type: 'thinking', thinking: 'x' }] } }];
    await expect(router.complete(unsigned as unknown as Message[], { route })).rejects.toThrow('messages[1].signedReasoning must be');
    const onUser = [{ ...question, signedReasoning: { provider: 'anthropic', blocks: [] } }];
    await expect(router.complete(onUser as unknown as Message[], { route })).rejects.toThrow('messages[0].signedReasoning must be left out');
    expect(sentBodies()).toEqual([]);
  });
});
