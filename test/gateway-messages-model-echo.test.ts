/**
 * A Messages answer names the model as the client asked it, whole and streamed (`message_start.message.model`), whoever
 * served it: a catalog id, `provider/model`, a route alias, or a call that failed over to another model. Claude Code
 * sends back an earlier answer's thinking blocks only when that answer's `model` is the model of the request it is
 * building (a `[1m]` or `[2m]` suffix aside), and strips every history thinking block otherwise
 * (musistudio/claude-code-router#1629, captured both ways; farion1231/cc-switch#5578): an answer naming
 * `anthropic/claude-sonnet-4-6` to a client that asked `claude-sonnet-4-6` lost its thinking from the second turn on.
 * Who served the call stays in the `x-backup-models-provider` and `-model` headers and on the log line. The official
 * Anthropic SDK against the gateway; the provider test server answers as Anthropic does with its recorded signed
 * thinking (src/testing/anthropic-thinking-recordings.test-support.ts), the other providers with their recordings.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerAsThinkingClaude } from '../src/testing/anthropic-thinking-recordings.test-support.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
let stopAnswering: () => void = () => undefined;
beforeAll(async () => {
  harness = await startGatewayHarness({
    yamlText: [
      'cache:',
      '  enabled: false',
      'routes:',
      // A route alias of the kind a Claude Code user points ANTHROPIC_MODEL at.
      '  claude-code-main:',
      '    targets: [anthropic/claude-sonnet-4-6, openai/gpt-4o-mini]',
      '    parallelAttempts: 1',
      '  claude-code-fast:',
      '    targets: [groq/llama-3.1-8b-instant, openai/gpt-4o-mini]',
      '    parallelAttempts: 1',
      '',
    ].join('\n'),
  });
  stopAnswering = answerAsThinkingClaude(harness.providers);
});
afterAll(async () => {
  stopAnswering();
  await harness?.close();
});
beforeEach(() => harness.providers.reset());

const thinking = { type: 'enabled', budget_tokens: 1024 } as const;
const tools: Anthropic.Tool[] = [{ name: 'checkSandboxErrors', input_schema: { type: 'object', properties: {} } }];
const question: Anthropic.MessageParam = { role: 'user', content: 'Check the sandbox for errors.' };

/** A model id as Claude Code compares it: without the `[1m]` or `[2m]` suffix of its long-context variants. */
const withoutContextSuffix = (model: string): string => model.replace(/\[[12]m\]$/i, '');

/**
 * The next request's history as Claude Code builds it (claude-code-router#1629): the answer's content blocks as they
 * came when the answer's `model` is the model asked now, else every thinking block stripped; then the tool's result.
 */
function claudeCodeNextTurn(answer: Anthropic.Message, model: string): Anthropic.MessageParam[] {
  const keepsThinking = withoutContextSuffix(answer.model) === withoutContextSuffix(model);
  const content = (answer.content as Anthropic.ContentBlockParam[]).filter((block) => keepsThinking || (block.type !== 'thinking' && block.type !== 'redacted_thinking'));
  const toolUse = answer.content.find((block) => block.type === 'tool_use');
  return [question, { role: 'assistant', content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse?.id ?? '', content: 'No errors.' }] }];
}

interface SentBody {
  readonly thinking?: unknown;
  readonly messages: readonly { readonly role: string; readonly content: string | readonly { readonly type: string }[] }[];
}

const sentToAnthropic = (): SentBody[] => harness.providers.requests.filter((request) => request.provider === 'anthropic').map((request) => request.body as SentBody);

describe("a Messages answer's model is the model the client asked", () => {
  it.each(['claude-sonnet-4-6', 'anthropic/claude-sonnet-4-6', 'claude-code-main'])(
    'asked %s, whole: so Claude Code sends the thinking block back and the next call thinks',
    async (model) => {
      const client = harness.anthropicClient;
      const { data: first, response } = await client.messages.create({ model, max_tokens: 2048, thinking, tools, messages: [question] }).withResponse();
      expect(first.model).toBe(model);
      expect(response.headers.get('x-backup-models-provider')).toBe('anthropic');
      expect(response.headers.get('x-backup-models-model')).toBe('claude-sonnet-4-6');
      expect(first.content.map((block) => block.type)).toEqual(['thinking', 'tool_use']);

      await client.messages.create({ model, max_tokens: 2048, thinking, tools, messages: claudeCodeNextTurn(first, model) });
      const [, second] = sentToAnthropic();
      expect(second?.thinking).toEqual(thinking);
      expect((second?.messages[1]?.content as readonly { type: string }[]).map((block) => block.type)).toEqual(['thinking', 'tool_use']);
    },
  );

  it('asked a route alias, streamed: message_start names it, and the log line the model that served it', async () => {
    const stream = harness.anthropicClient.messages.stream({ model: 'claude-code-main', max_tokens: 2048, thinking, messages: [{ role: 'user', content: 'What is 925 divided by 5?' }] });
    let opening: string | undefined;
    stream.on('streamEvent', (event) => {
      if (event.type === 'message_start') opening = event.message.model;
    });
    const message = await stream.finalMessage();
    expect(opening).toBe('claude-code-main');
    expect(message.model).toBe('claude-code-main');
    expect(message.content[0]?.type).toBe('thinking');
    const logged = harness.logLines.findLast((line) => line['msg'] === 'messages');
    expect(logged).toMatchObject({ requestedModel: 'claude-code-main', provider: 'anthropic', model: 'claude-sonnet-4-6' });
  });

  it('failed over to another model, whole and streamed: still the model asked, the headers naming who served it', async () => {
    harness.providers.setBehavior('groq', { kind: 'status', status: 503 });
    const { data, response } = await harness.anthropicClient.messages
      .create({ model: 'claude-code-fast', max_tokens: 100, messages: [{ role: 'user', content: 'Say hello.' }] })
      .withResponse();
    expect(data.model).toBe('claude-code-fast');
    expect(response.headers.get('x-backup-models-provider')).toBe('openai');
    // The snapshot OpenAI's recorded answer names.
    expect(response.headers.get('x-backup-models-model')).toBe('gpt-4o-mini-2024-07-18');

    const stream = harness.anthropicClient.messages.stream({ model: 'claude-code-fast', max_tokens: 100, messages: [{ role: 'user', content: 'Say hello again.' }] });
    let opening: string | undefined;
    stream.on('streamEvent', (event) => {
      if (event.type === 'message_start') opening = event.message.model;
    });
    const message = await stream.finalMessage();
    expect(opening).toBe('claude-code-fast');
    expect(message.model).toBe('claude-code-fast');
    expect((await stream.withResponse()).response.headers.get('x-backup-models-provider')).toBe('openai');
  });
});
