/**
 * A client's "no thinking" reaches the model, through each of the gateway's APIs, with the official SDKs against the
 * provider test server. Claude Desktop's auto mode asks its classifier with `thinking: {type: "disabled"}`,
 * `max_tokens: 64` and a stop sequence; a gateway that dropped the disable let an adaptive Claude think the 64 tokens
 * away and cut the answer off, which Claude Code asked again up to five times (lidge-jun/opencodex#545, fixed in #954).
 * Claude Haiku 5.5 takes the disable and is sent it with the caller's bound as it is; Claude Sonnet 5.5 refuses it
 * with a 400 (its migration guide; played by src/testing/claude-adaptive-refusals.test-support.ts with the words
 * cline/cline#13203 quotes) and is asked the least effort, `low`, its bound grown by that effort's room. OpenAI's and
 * Gemini's clients ask the same with `reasoning_effort: "none"` or `reasoning: {effort: "none"}` (Codex among them:
 * router-for-me/CLIProxyAPI#4380): each model is sent the least thinking the catalog says it takes.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { answerAsAdaptiveClaude } from '../src/testing/claude-adaptive-refusals.test-support.js';
import { useRefusingGatewayHarness } from './gateway-harness.js';

const gateway = useRefusingGatewayHarness({ yamlText: 'cache:\n  enabled: false\n' }, (providers) => answerAsAdaptiveClaude(providers));

const upstream = () => gateway.current.providers.requests.at(-1);
const upstreamBody = () => upstream()?.body as Record<string, unknown>;

/** Claude Desktop's auto-mode classifier request, in its shape as opencodex#545 captured it (the text is ours). */
const classifierRequest = (model: string): Anthropic.MessageCreateParamsNonStreaming => ({
  model,
  max_tokens: 64,
  stop_sequences: ['</block>'],
  thinking: { type: 'disabled' },
  system: [{ type: 'text', text: 'Classify the tool call. Answer <block>yes</block> or <block>no</block>.' }],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'The tool call: list the files in the project.' }] }],
});

describe("Claude Desktop's classifier, thinking disabled, through the Messages endpoint", () => {
  it('reaches Claude Haiku 5.5 with thinking disabled and its max_tokens of 64 unchanged', async () => {
    const message = await gateway.current.anthropicClient.messages.create(classifierRequest('claude-haiku-5-5'));
    expect(message.model).toBe('claude-haiku-5-5');
    expect(gateway.current.providers.requests.map((request) => [request.provider, request.status])).toEqual([['anthropic', 200]]);
    expect(upstreamBody()).toMatchObject({ model: 'claude-haiku-5-5', thinking: { type: 'disabled' }, max_tokens: 64, stop_sequences: ['</block>'] });
    expect(upstreamBody()).not.toHaveProperty('output_config');
  });

  it('streams the same: thinking disabled, max_tokens 64', async () => {
    await gateway.current.anthropicClient.messages.stream({ ...classifierRequest('anthropic/claude-haiku-5-5'), stream: true }).finalMessage();
    expect(upstreamBody()).toMatchObject({ thinking: { type: 'disabled' }, max_tokens: 64, stream: true });
  });

  it('reaches Claude Sonnet 5.5, which refuses the disable, at the least effort, its bound grown by that effort only', async () => {
    const message = await gateway.current.anthropicClient.messages.create(classifierRequest('claude-sonnet-5-5'));
    expect(message.content.some((block) => block.type === 'text')).toBe(true);
    expect(gateway.current.providers.requests.map((request) => [request.provider, request.status])).toEqual([['anthropic', 200]]);
    expect(upstreamBody()).toMatchObject({
      model: 'claude-sonnet-5-5',
      thinking: { type: 'adaptive' },
      output_config: { effort: 'low' },
      // 64 for the answer and the room of `low` (1,024) for the thinking it cannot leave out, not `high`'s 24,576.
      max_tokens: 64 + 1024,
    });
  });
});

describe('no reasoning asked through the OpenAI APIs', () => {
  it('chat completions `reasoning_effort: "none"`: gpt-6-luna is sent `none`, gpt-6.2-sol (which refuses it) `low`', async () => {
    const client = gateway.current.client;
    await client.chat.completions.create({ model: 'openai/gpt-6-luna', messages: [{ role: 'user', content: 'Hi' }], reasoning_effort: 'none' });
    expect(upstreamBody()['reasoning']).toEqual({ effort: 'none' });
    await client.chat.completions.create({ model: 'openai/gpt-6.2-sol', messages: [{ role: 'user', content: 'Hi' }], reasoning_effort: 'none' });
    expect(upstreamBody()['reasoning']).toEqual({ effort: 'low' });
  });

  it('Responses `reasoning: {effort: "none"}`: Claude Haiku 5.5 is sent thinking disabled, Gemini 3.5 Flash-Lite its least level', async () => {
    const client = gateway.current.client;
    await client.responses.create({ model: 'anthropic/claude-haiku-5-5', input: 'Hi', max_output_tokens: 64, reasoning: { effort: 'none' } });
    expect(upstreamBody()).toMatchObject({ thinking: { type: 'disabled' }, max_tokens: 64 });
    await client.responses.create({ model: 'google/gemini-3.5-flash-lite', input: 'Hi', max_output_tokens: 64, reasoning: { effort: 'none' } });
    expect(upstreamBody()['generationConfig']).toEqual({ maxOutputTokens: 64 + 1024, thinkingConfig: { thinkingLevel: 'minimal' } });
    // Gemini 3.8 Flash refuses `minimal`: its least is `low`.
    await client.responses.create({ model: 'google/gemini-3.8-flash', input: 'Hi', max_output_tokens: 64, reasoning: { effort: 'none' } });
    expect(upstreamBody()['generationConfig']).toEqual({ maxOutputTokens: 64 + 1024, thinkingConfig: { thinkingLevel: 'low' } });
  });
});
