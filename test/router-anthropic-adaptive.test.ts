/**
 * Anthropic's built-in tiers (claude-haiku-5-5 for tiers 1 and 2, claude-sonnet-5-5 for tier 3: src/catalog.ts) through
 * the router, end to end over HTTP to the provider test server, which answers as these models do
 * (src/testing/claude-adaptive-refusals.test-support.ts): a thinking budget, a temperature or top_p, and a prefill are
 * each a 400 invalid_request_error (a round trip lost before the call fails over, or its end should a second provider
 * refuse too). They think adaptively, by an effort, so a caller's
 * `reasoningEffort` reaches them as `thinking: {type: "adaptive"}` and `output_config.effort`, never a budget; they are
 * sent no sampling; the blocks Anthropic signed go back in every later turn (they think unasked); a prefill, and on
 * Sonnet 5.5 a forced tool choice, are not sent to them but fail over. No answer of these models is recorded: the
 * server replays Anthropic's recorded answers of older Claude models under the new ids.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CompletionResult, Message, StreamChunk, Tier, ToolDefinition } from '../src/index.js';
import { readAnthropicThinkingRecording } from '../src/testing/anthropic-thinking-recordings.test-support.js';
import { answerAsAdaptiveClaude } from '../src/testing/claude-adaptive-refusals.test-support.js';
import { useRouterHarness } from './router-harness.js';
import { defaultAnthropicMaxTokens } from '../src/providers/anthropic/build-anthropic-request.js';

const harness = useRouterHarness({ cacheEnabled: false, parallelAttempts: 1 });
let stopAnswering: () => void = () => {};
afterEach(() => stopAnswering());
const answerAsTheModels = (options: { thinkingAnswers?: boolean } = {}) => {
  stopAnswering = answerAsAdaptiveClaude(harness.server, options);
};

const anthropicOnly = () => harness.makeRouter({ env: harness.server.environment(['anthropic']) });
const sentToAnthropic = () => harness.server.requests.filter((request) => request.provider === 'anthropic').map((request) => request.body as Record<string, unknown>);
const recordedAnswer = () =>
  (JSON.parse(readFileSync(join(harness.server.fixturesDirectory, 'anthropic', 'message.json'), 'utf8')) as { content: { text: string }[] }).content[0]!.text;
const sampling = { temperature: 0.7, topP: 0.9, maxTokens: 256 };
const tools: ToolDefinition[] = [{ name: 'checkSandboxErrors', parameters: { type: 'object', properties: {} } }];

describe("Anthropic's tiers, Claude Haiku 5.5 and Sonnet 5.5, which think adaptively", () => {
  it.each([
    [1, 'claude-haiku-5-5'],
    [2, 'claude-haiku-5-5'],
    [3, 'claude-sonnet-5-5'],
  ] as const)('answers tier %i with %s, asked adaptive thinking at the effort asked, no budget and no sampling', async (tier: Tier, model) => {
    answerAsTheModels();
    const result = await anthropicOnly().complete('Say hello.', { tier, reasoningEffort: 'medium', ...sampling });
    expect(result.provider).toBe('anthropic');
    expect(result.content).toBe(recordedAnswer());
    expect(harness.server.requests.map((request) => request.status)).toEqual([200]);
    const [body] = sentToAnthropic();
    expect(body).toMatchObject({ model, thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: 'medium' }, max_tokens: 256 + 8192 });
    expect(body?.['thinking']).not.toHaveProperty('budget_tokens');
    for (const field of ['temperature', 'top_p', 'top_k']) expect(body).not.toHaveProperty(field);
  });

  it('streams a default-tier call with a temperature and no effort: neither is sent, the model thinks at its own default', async () => {
    answerAsTheModels();
    const chunks: StreamChunk[] = [];
    for await (const chunk of anthropicOnly().stream('Say hello.', { temperature: 0.2 })) chunks.push(chunk);
    expect(chunks.some((chunk) => chunk.type === 'text-delta')).toBe(true);
    expect(harness.server.requests.map((request) => request.status)).toEqual([200]);
    const [body] = sentToAnthropic();
    // Its bound is the answer's room (the wire's default) and the room of the highest default effort: the thinking it does unasked does not eat the answer.
    expect(body).toMatchObject({ model: 'claude-haiku-5-5', stream: true, max_tokens: defaultAnthropicMaxTokens + 24_576 });
    for (const field of ['temperature', 'thinking', 'output_config']) expect(body).not.toHaveProperty(field);
  });

  it('sends the signed thinking block back first in the tool-call turn, no effort asked, since the model thinks unasked', async () => {
    answerAsTheModels({ thinkingAnswers: true });
    const router = anthropicOnly();
    const first = await router.complete('Check the sandbox for errors.', { tools });
    expect(first.toolCalls.map((call) => call.name)).toEqual(['checkSandboxErrors']);
    const recorded = JSON.parse(readAnthropicThinkingRecording('message-thinking-tool-use.json')) as { content: { thinking: string; signature: string }[] };
    const block = { type: 'thinking', thinking: recorded.content[0]!.thinking, signature: recorded.content[0]!.signature };
    expect(first.signedReasoning).toEqual({ provider: 'anthropic', blocks: [block] });

    const second = await router.complete(historyAfter(first), { tools });
    expect(second.provider).toBe('anthropic');
    expect(harness.server.requests.map((request) => request.status)).toEqual([200, 200]);
    const [, sent] = sentToAnthropic();
    expect(sent).toMatchObject({ model: 'claude-haiku-5-5' });
    expect((sent?.['messages'] as { content: unknown[] }[])[1]?.content[0]).toEqual(block);
  });

  it('does not send a prefill, which the model refuses: the call fails over, nothing sent to Anthropic', async () => {
    answerAsTheModels();
    const prefill: Message[] = [
      { role: 'user', content: 'Name a colour.' },
      { role: 'assistant', content: 'The colour is' },
    ];
    const route = [
      { provider: 'anthropic', model: 'claude-haiku-5-5' },
      { provider: 'openai', model: 'gpt-4o-mini' },
    ];
    const result = await harness.makeRouter().complete(prefill, { route });
    expect(result.provider).toBe('openai');
    expect(result.attempts[0]).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-5-5', outcome: 'failure', reason: 'generation_failed' });
    expect(sentToAnthropic()).toEqual([]);
  });

  it("does not send Sonnet 5.5 a forced tool choice: the call fails over; Haiku 5.5 takes it", async () => {
    answerAsTheModels();
    harness.server.setBehavior('openai', { kind: 'success', fixture: 'chat-completion-tool-call' });
    const forced = { tools, toolChoice: 'required' } as const;
    const route = [
      { provider: 'anthropic', model: 'claude-sonnet-5-5' },
      { provider: 'openai', model: 'gpt-4o-mini' },
    ];
    const result = await harness.makeRouter().complete('Check the sandbox for errors.', { route, ...forced });
    expect(result.provider).toBe('openai');
    expect(result.attempts[0]).toMatchObject({ model: 'claude-sonnet-5-5', outcome: 'failure', reason: 'generation_failed' });
    expect(sentToAnthropic()).toEqual([]);

    await harness.makeRouter().complete('Check the sandbox for errors.', { route: [{ provider: 'anthropic', model: 'claude-haiku-5-5' }], ...forced });
    expect(sentToAnthropic()[0]).toMatchObject({ model: 'claude-haiku-5-5', tool_choice: { type: 'any' } });
  });

  it('is refused by Anthropic when the model is not marked adaptive: the budget it is sent ends a call with no other model', async () => {
    answerAsTheModels();
    const router = harness.makeRouter({
      catalog: [
        {
          id: 'anthropic-unmarked',
          displayName: 'Anthropic, Haiku 5.5 unmarked',
          protocol: 'anthropic',
          apiKeyEnv: 'ANTHROPIC_UNMARKED_KEY',
          baseUrl: harness.server.baseUrlFor('anthropic'),
          defaultModel: 'claude-haiku-5-5',
          modelsByTier: { 1: 'claude-haiku-5-5' },
          models: [{ id: 'claude-haiku-5-5', reasoning: true }],
          speedRank: 1,
          quality: 3,
        },
      ],
      env: { ...harness.server.environment([]), ANTHROPIC_UNMARKED_KEY: 'anthropic-unmarked-key' },
    });
    const error = await router.complete('Say hello.', { reasoningEffort: 'low' }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(String(error)).toContain('"thinking.type.enabled" is not supported for this model');
    expect(harness.server.requests.map((request) => request.status)).toEqual([400]);
    expect(sentToAnthropic()[0]).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 1024 } });
  });
});

/** The history after `answer`, as a caller keeps it: its tool calls and signed reasoning, then the tool's answer. */
function historyAfter(answer: CompletionResult): Message[] {
  const assistant: Message = { role: 'assistant', content: answer.content, toolCalls: answer.toolCalls, signedReasoning: answer.signedReasoning! };
  const results: Message[] = answer.toolCalls.map((call) => ({ role: 'tool', toolCallId: call.id, toolName: call.name, content: 'No errors.' }));
  return [{ role: 'user', content: 'Check the sandbox for errors.' }, assistant, ...results];
}
