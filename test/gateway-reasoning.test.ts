/**
 * How hard to reason, asked in each API's own way (`reasoning_effort`, Responses' `reasoning.effort`,
 * Messages' `thinking`) by the official clients, reaches each upstream in that upstream's own way, and only
 * the models that reason; what they report of their reasoning comes back in the client's API. The provider
 * test server replays recorded traffic and records what it was sent.
 */
import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { geminiReplay, recordedGeminiAnswer } from '../src/testing/gemini-recordings.test-support.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
let anthropicClient: Anthropic;
beforeAll(async () => {
  // No cache: every request below must reach its upstream.
  // A Gemini provider of the configuration's own, whose Gemini 3 model thinks by level (`thinkingLevels`).
  harness = await startGatewayHarness({
    env: { GEMINI_OWN_KEY: 'gemini-own-test-key' },
    yamlText: (providers) => `
cache:
  enabled: false
providers:
  gemini-own:
    protocol: gemini
    baseUrl: ${providers.baseUrlFor('google')}
    apiKeyEnv: GEMINI_OWN_KEY
    models:
      - { id: gemini-3.7-flash, reasoning: true, thinkingLevels: [low, medium, high], maxOutputTokens: 65536 }
`,
  });
  anthropicClient = harness.anthropicClient;
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());

function sentBody(): Record<string, unknown> {
  return harness.providers.requests.at(-1)?.body as Record<string, unknown>;
}

const reasoningAnswer = 'chat-completion-max_completion_tokens-o3-mini';
/** Put after Groq's recorded reasoning (the recording has none of its own: its call failed first). */
const answerText = 'Calling the tool with a missing name first.';
const question = [{ role: 'user' as const, content: 'Say hello.' }];

describe('chat completions', () => {
  it('asks a reasoning model its effort (`minimal` as the nearest every one takes), and reports its reasoning tokens', async () => {
    harness.providers.setBehavior('openai', { kind: 'success', fixture: reasoningAnswer });
    const completion = await harness.client.chat.completions.create({ model: 'openai/o3-mini', messages: question, reasoning_effort: 'minimal' });
    expect(sentBody()['reasoning_effort']).toBe('low');
    expect(completion.choices[0]?.message.content).toBe('Hello there! How can I help you today?');
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(64);
    expect(completion.usage?.completion_tokens).toBe(87);
    // `none` asks no reasoning, which o3-mini cannot be asked (it takes no `none`, and the catalog gives it no least
    // effort): it is sent no effort and reasons as it does by default.
    await harness.client.chat.completions.create({ model: 'openai/o3-mini', messages: question, reasoning_effort: 'none' as 'low' });
    expect(sentBody()).not.toHaveProperty('reasoning_effort');
  });

  it('asks a model that does not reason as always, so a call may fail over to any model', async () => {
    const completion = await harness.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question, reasoning_effort: 'high' });
    expect(sentBody()).not.toHaveProperty('reasoning_effort');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).not.toHaveProperty('completion_tokens_details');
  });

  it('gives Gemini 3.5 Flash-Lite the thinking level of the effort and Claude Sonnet 4.6 a thinking budget for it', async () => {
    await harness.client.chat.completions.create({ model: 'google/gemini-3.5-flash-lite', messages: question, reasoning_effort: 'medium', max_tokens: 500 });
    expect(sentBody()['generationConfig']).toEqual({ maxOutputTokens: 8692, thinkingConfig: { thinkingLevel: 'medium', includeThoughts: true } });
    await harness.client.chat.completions.create({ model: 'anthropic/claude-sonnet-4-6', messages: question, reasoning_effort: 'low', temperature: 0.2 });
    expect(sentBody()).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 1024 }, max_tokens: 4096 + 1024 });
    expect(sentBody()).not.toHaveProperty('temperature');
  });

  it('asks a Gemini model of the configuration its thinking level when the YAML lists its thinkingLevels', async () => {
    await harness.client.chat.completions.create({ model: 'gemini-own/gemini-3.7-flash', messages: question, reasoning_effort: 'high', max_tokens: 500 });
    expect(harness.providers.requests.at(-1)?.path).toContain('/models/gemini-3.7-flash:generateContent');
    expect(sentBody()['generationConfig']).toEqual({ maxOutputTokens: 25_076, thinkingConfig: { thinkingLevel: 'high', includeThoughts: true } });
  });

  it("returns Gemini's recorded thought summary as `reasoning_content`, apart from the answer", async () => {
    harness.providers.setBehavior('google', geminiReplay('generateContent-thought-parts.json'));
    const recorded = recordedGeminiAnswer('generateContent-thought-parts.json');
    const completion = await harness.client.chat.completions.create({ model: 'google/gemini-3.8-flash', messages: question, reasoning_effort: 'low' });
    expect(sentBody()['generationConfig']).toEqual({ thinkingConfig: { thinkingLevel: 'low', includeThoughts: true } });
    const message = completion.choices[0]?.message as { content: string | null; reasoning_content?: string } | undefined;
    expect(message?.reasoning_content).toBe(recorded.thoughts);
    expect(message?.content).toBe(recorded.text);
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(1001);
  });

  it('refuses an effort that is not one with a 400 naming the field, before any upstream call', async () => {
    const error = await harness.client.chat.completions
      .create({ model: 'openai/o3-mini', messages: question, reasoning_effort: 'extreme' as 'high' })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400, param: 'reasoning_effort' });
    expect((error as Error).message).toMatch(/reasoning_effort must be one of none, default, minimal, low, medium, high, xhigh/);
    expect(harness.providers.requests).toHaveLength(0);
  });

  it("streams Groq's recorded reasoning as `reasoning_content` deltas, then the answer, then the error that ended it", async () => {
    harness.providers.setBehavior('groq', { kind: 'success', fixture: 'chat-stream-error-tool-use-failed', text: answerText });
    const stream = await harness.client.chat.completions.create({ model: 'groq/llama-3.3-70b-versatile', messages: question, stream: true, reasoning_effort: 'low' });
    let reasoning = '';
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta as { reasoning_content?: string; content?: string } | undefined;
        // All of the reasoning comes before the answer.
        if (delta?.reasoning_content !== undefined) expect(text).toBe('');
        reasoning += delta?.reasoning_content ?? '';
        text += delta?.content ?? '';
      }
    })().catch((caught: unknown) => caught);
    expect(reasoning).toBe(recordedGroqReasoning());
    expect(text).toBe(answerText);
    expect((error as Error).message).toMatch(/Tool call validation failed/);
    // Llama does not reason: Groq was not sent the effort.
    expect(sentBody()).not.toHaveProperty('reasoning_effort');
  });
});

describe('responses', () => {
  it('asks reasoning.effort, echoes it, and reports the reasoning tokens', async () => {
    harness.providers.setBehavior('openai', { kind: 'success', fixture: reasoningAnswer });
    const response = await harness.client.responses.create({ model: 'openai/o3-mini', input: 'Say hello.', reasoning: { effort: 'high', summary: 'auto' } });
    expect(sentBody()['reasoning_effort']).toBe('high');
    expect(response.output_text).toBe('Hello there! How can I help you today?');
    expect(response.usage?.output_tokens_details.reasoning_tokens).toBe(64);
    expect(response.reasoning).toEqual({ effort: 'high', summary: 'auto' });
  });

  it("streams Groq's recorded reasoning as a reasoning item of reasoning_text, which the client's stream helper assembles", async () => {
    harness.providers.setBehavior('groq', { kind: 'success', fixture: 'chat-stream-error-tool-use-failed', text: answerText });
    const stream = harness.client.responses.stream({ model: 'groq/llama-3.3-70b-versatile', input: 'Call the tool.' });
    const types: string[] = [];
    let deltas = '';
    let failed: { output: unknown[]; status: string } | undefined;
    await (async () => {
      for await (const event of stream) {
        types.push(event.type);
        if (event.type === 'response.reasoning_text.delta') deltas += event.delta;
        if (event.type === 'response.failed') failed = event.response as never;
      }
    })().catch(() => undefined);
    const reasoning = recordedGroqReasoning();
    expect(deltas).toBe(reasoning);
    expect(types.slice(0, 4)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    const reasoningDone = types.indexOf('response.reasoning_text.done');
    expect(types.slice(reasoningDone, reasoningDone + 4)).toEqual(['response.reasoning_text.done', 'response.content_part.done', 'response.output_item.done', 'response.output_item.added']);
    expect(types.at(-1)).toBe('response.failed');
    // The failed response keeps what came: the reasoning whole, in the item the API defines for it, and the text.
    expect(failed?.status).toBe('failed');
    expect(failed?.output[0]).toEqual({ type: 'reasoning', id: expect.stringMatching(/^rs_/), summary: [], content: [{ type: 'reasoning_text', text: reasoning }], status: 'completed' });
    expect(failed?.output[1]).toMatchObject({ type: 'message', status: 'incomplete', content: [{ type: 'output_text', text: answerText }] });
  });

  it('refuses a reasoning that is not an object, naming it', async () => {
    const error = await harness.client.responses
      .create({ model: 'openai/o3-mini', input: 'Hi', reasoning: 'high' as never })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400, param: 'reasoning' });
  });
});

describe('messages', () => {
  it("reads thinking's budget as an effort: Claude is asked to think, and an OpenAI reasoning model too", async () => {
    await anthropicClient.messages.create({
      model: 'anthropic/claude-sonnet-4-6',
      max_tokens: 300,
      // Claude Code sends temperature 1 beside thinking; this client's types leave it out.
      ...({ temperature: 1 } as object),
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: question,
    });
    expect(sentBody()).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 1024 }, max_tokens: 300 + 1024 });
    expect(sentBody()).not.toHaveProperty('temperature');
    harness.providers.setBehavior('openai', { kind: 'success', fixture: reasoningAnswer });
    const message = await anthropicClient.messages.create({
      model: 'openai/o3-mini',
      max_tokens: 20_000,
      thinking: { type: 'enabled', budget_tokens: 16_384 },
      messages: question,
    });
    expect(sentBody()['reasoning_effort']).toBe('high');
    expect(message.content).toEqual([{ type: 'text', text: 'Hello there! How can I help you today?' }]);
  });

  it("reads Claude Code's adaptive thinking by output_config.effort, Anthropic's default high without one", async () => {
    // Claude Code's newer versions send `thinking: {type: 'adaptive'}` on every request, with the effort beside it
    // (anthropics/claude-code#68551), some with a budget_tokens of 0 (routatic/proxy#171). Read as no thinking at all,
    // a reasoning model was asked for none.
    harness.providers.setBehavior('openai', { kind: 'success', fixture: reasoningAnswer });
    const adaptive = (effort?: string) =>
      anthropicClient.messages.create({
        model: 'openai/o3-mini',
        max_tokens: 20_000,
        messages: question,
        ...({ thinking: { type: 'adaptive', budget_tokens: 0 }, ...(effort !== undefined ? { output_config: { effort } } : {}) } as object),
      });
    const message = await adaptive('medium');
    expect(sentBody()['reasoning_effort']).toBe('medium');
    expect(message.content).toEqual([{ type: 'text', text: 'Hello there! How can I help you today?' }]);
    harness.providers.setBehavior('openai', { kind: 'success', fixture: reasoningAnswer });
    await adaptive('xhigh');
    expect(sentBody()['reasoning_effort']).toBe('high');
    harness.providers.setBehavior('openai', { kind: 'success', fixture: reasoningAnswer });
    await adaptive();
    expect(sentBody()['reasoning_effort']).toBe('high');
    await anthropicClient.messages.create({
      model: 'anthropic/claude-sonnet-4-6',
      max_tokens: 300,
      messages: question,
      ...({ thinking: { type: 'adaptive' }, output_config: { effort: 'low' } } as object),
    });
    expect(sentBody()).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 1024 }, max_tokens: 300 + 1024 });
  });

  it("asks Claude Code's tool turns without thinking, whose signed blocks Anthropic would require, and answers them", async () => {
    const message = await anthropicClient.messages.create({
      model: 'anthropic/claude-sonnet-4-6',
      max_tokens: 32_000,
      thinking: { type: 'enabled', budget_tokens: 31_999 },
      tools: [{ name: 'Read', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }],
      messages: [
        { role: 'user', content: 'Read the README.' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01', name: 'Read', input: { path: 'README.md' } }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_01', content: '# backup-models' },
            { type: 'text', text: '<system-reminder>Keep going.</system-reminder>' },
          ],
        },
      ],
    });
    expect(message.type).toBe('message');
    expect(sentBody()).not.toHaveProperty('thinking');
    expect(sentBody()['max_tokens']).toBe(32_000);
  });

  it('passes thinking disabled on, the bound as asked, and refuses a budget that is not a positive integer', async () => {
    await anthropicClient.messages.create({ model: 'anthropic/claude-sonnet-4-6', max_tokens: 300, thinking: { type: 'disabled' }, messages: question });
    expect(sentBody()['thinking']).toEqual({ type: 'disabled' });
    expect(sentBody()['max_tokens']).toBe(300);
    harness.providers.reset();
    const error = await anthropicClient.messages
      .create({ model: 'anthropic/claude-sonnet-4-6', max_tokens: 300, thinking: { type: 'enabled', budget_tokens: -5 }, messages: question })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400 });
    expect((error as Error).message).toMatch(/thinking\.budget_tokens must be a positive integer/);
    expect(harness.providers.requests).toHaveLength(0);
  });
});

/** Every `delta.reasoning` of the recording, joined: read off the file here, not by the code under test. */
function recordedGroqReasoning(): string {
  const text = readFileSync(`${harness.providers.fixturesDirectory}/groq/chat-stream-error-tool-use-failed.sse`, 'utf8');
  let reasoning = '';
  for (const line of text.split('\n')) {
    if (!line.startsWith('data: {')) continue;
    const payload = JSON.parse(line.slice('data: '.length)) as { choices?: { delta?: { reasoning?: string } }[] };
    reasoning += payload.choices?.[0]?.delta?.reasoning ?? '';
  }
  return reasoning;
}
