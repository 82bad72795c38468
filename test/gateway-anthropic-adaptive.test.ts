/**
 * Claude Code's adaptive thinking through the gateway's Messages endpoint, with the official Anthropic SDK, to Claude
 * models that think adaptively and no other way: the catalog's Claude Haiku 5.5, and the same model given to a provider
 * of the configuration's own in YAML (`anthropicThinking: adaptive`). Claude Code's newer versions send
 * `thinking: {type: "adaptive"}` with `output_config.effort` on every request (anthropics/claude-code#68551); it reaches
 * the model as adaptive thinking and the effort (`xhigh` as `high`), never a budget, which these models refuse
 * (src/testing/claude-adaptive-refusals.test-support.ts), and the model is sent none of the client's sampling.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerAsAdaptiveClaude } from '../src/testing/claude-adaptive-refusals.test-support.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
let stopAnswering: () => void = () => undefined;
beforeAll(async () => {
  harness = await startGatewayHarness({
    env: { CLAUDE_TEAM_KEY: 'claude-team-test-key' },
    yamlText: (providers) => `
cache:
  enabled: false
providers:
  claude-team:
    protocol: anthropic
    baseUrl: ${providers.url}/anthropic
    apiKeyEnv: CLAUDE_TEAM_KEY
    models:
      - { id: claude-haiku-5-5, reasoning: true, anthropicThinking: adaptive, fixedSampling: true, maxOutputTokens: 128000 }
`,
  });
  stopAnswering = answerAsAdaptiveClaude(harness.providers);
});
afterAll(async () => {
  stopAnswering();
  await harness?.close();
});
beforeEach(() => harness.providers.reset());

const sentBodies = () => harness.providers.requests.filter((request) => request.provider === 'anthropic').map((request) => request.body as Record<string, unknown>);

/** Claude Code's request: adaptive thinking, its effort beside it, and a temperature of its own. */
const claudeCodeRequest = (model: string) => ({
  model,
  max_tokens: 32_000,
  temperature: 0.5,
  messages: [{ role: 'user' as const, content: 'Say hello.' }],
  ...({ thinking: { type: 'adaptive' }, output_config: { effort: 'xhigh' } } as object),
});

describe("Claude Code's adaptive thinking through the Messages endpoint, to a Claude model that thinks adaptively", () => {
  it.each(['anthropic/claude-haiku-5-5', 'claude-team/claude-haiku-5-5'])('reaches %s as adaptive thinking and the effort, no budget and no sampling', async (model) => {
    const message = await harness.anthropicClient.messages.create(claudeCodeRequest(model));
    expect(message.content.some((block) => block.type === 'text')).toBe(true);
    expect(harness.providers.requests.map((request) => request.status)).toEqual([200]);
    const [body] = sentBodies();
    expect(body).toMatchObject({
      model: 'claude-haiku-5-5',
      thinking: { type: 'adaptive', display: 'summarized' },
      output_config: { effort: 'high' },
      // The client's bound, grown by the room a budget of the same effort would have, within the model's 128,000.
      max_tokens: 32_000 + 24_576,
    });
    expect(body?.['thinking']).not.toHaveProperty('budget_tokens');
    expect(body).not.toHaveProperty('temperature');
  });
});
