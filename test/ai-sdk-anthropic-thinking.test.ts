/**
 * The AI SDK's tool loop over the router, Claude thinking: the real `ai` package keeps each step's reasoning parts
 * with their metadata and sends them back in the next step's prompt. Anthropic's signed thinking reaches the AI SDK
 * as reasoning parts whose metadata holds the signature, as `@ai-sdk/anthropic` gives them, and comes back to
 * Anthropic first in the tool-call turn, so the step after the tool call thinks too. The provider test server
 * answers as Anthropic does, by the body (src/testing/anthropic-thinking-recordings.test-support.ts).
 */
import { generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBackupModels } from '../src/ai-sdk/index.js';
import { BackupModelRouter } from '../src/routing/backup-model-router.js';
import { answerAsThinkingClaude, readAnthropicThinkingRecording } from '../src/testing/anthropic-thinking-recordings.test-support.js';
import { type ProviderTestServer, startProviderTestServer } from '../src/testing/index.js';

let server: ProviderTestServer;
let router: BackupModelRouter;
let stopAnswering: () => void = () => undefined;
beforeEach(async () => {
  server = await startProviderTestServer();
  router = new BackupModelRouter({ env: server.environment(), cacheEnabled: false });
  stopAnswering = answerAsThinkingClaude(server);
});
afterEach(async () => {
  stopAnswering();
  await router.close();
  await server.close();
});

const recorded = JSON.parse(readAnthropicThinkingRecording('message-thinking-tool-use.json')) as { content: { thinking: string; signature: string }[] };
const recordedThinking = recorded.content[0]!;
const tools = {
  checkSandboxErrors: tool({ inputSchema: jsonSchema<Record<string, never>>({ type: 'object', properties: {} }), execute: async () => 'No errors.' }),
};
const providerOptions = { anthropic: { thinking: { type: 'enabled', budgetTokens: 1024 } } };

interface SentBody {
  readonly thinking?: unknown;
  readonly messages: readonly { readonly role: string; readonly content: string | readonly { readonly type: string }[] }[];
}

function sentBodies(): SentBody[] {
  return server.requests.filter((request) => request.provider === 'anthropic' && request.route === 'chat').map((request) => request.body as SentBody);
}

describe("the AI SDK's tool loop on Claude with thinking, through the router", () => {
  it('gives the signed block as a reasoning part with its signature, and the step after the tool call thinks with it sent back first', async () => {
    const backupModels = createBackupModels({ router });
    const result = await generateText({
      model: backupModels('anthropic/claude-sonnet-4-6'),
      prompt: 'Check the sandbox for errors.',
      tools,
      providerOptions,
      stopWhen: stepCountIs(2),
    });
    const [first] = result.steps;
    const reasoning = first?.content.find((part) => part.type === 'reasoning');
    expect(reasoning).toMatchObject({ text: recordedThinking.thinking, providerMetadata: { anthropic: { signature: recordedThinking.signature } } });
    const [, second] = sentBodies();
    expect(second?.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(second?.messages[1]?.content).toEqual([
      { type: 'thinking', thinking: recordedThinking.thinking, signature: recordedThinking.signature },
      { type: 'tool_use', id: 'toolu_017R7ACrx7NF7sLDDtvdQ1u9', name: 'checkSandboxErrors', input: {} },
    ]);
  });

  it("streams the block's text as reasoning, the signature on the reasoning part when it ends", async () => {
    const backupModels = createBackupModels({ router });
    const result = streamText({ model: backupModels('anthropic/claude-sonnet-4-6'), prompt: 'What is 925 divided by 5?', providerOptions });
    const content = await result.content;
    const reasoning = content.filter((part) => part.type === 'reasoning');
    expect(reasoning).toHaveLength(1);
    expect(reasoning[0]).toMatchObject({
      text: 'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185',
      providerMetadata: { anthropic: { signature: expect.stringMatching(/^EvQBCkYICxgCKkAxhD4N.*BgB$/) }, backupModels: { signedBy: 'anthropic' } },
    });
  });
});
