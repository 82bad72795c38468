/**
 * Groq's built-in tiers (openai/gpt-oss-20b for tier 1, openai/gpt-oss-120b for tier 2: src/catalog.ts) through the
 * router, end to end over HTTP to the provider test server replaying Groq's recorded answer: both are reasoning
 * models, asked `max_completion_tokens`, and a bound past the 65,536 tokens either may write (Groq's models page)
 * is lowered to it rather than sent for Groq to refuse.
 */
import { describe, expect, it } from 'vitest';
import type { Tier } from '../src/index.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false, parallelAttempts: 1 });
const groqOnly = () => harness.makeRouter({ env: harness.server.environment(['groq']) });
const sentToGroq = () => harness.server.requests.filter((request) => request.provider === 'groq').map((request) => request.body as Record<string, unknown>);

describe("Groq's tiers", () => {
  it.each([
    [1, 'openai/gpt-oss-20b'],
    [2, 'openai/gpt-oss-120b'],
  ] as const)('answers tier %i with %s, a bound past its 65,536 output tokens lowered to them', async (tier: Tier, model: string) => {
    const result = await groqOnly().complete('Say hello.', { tier, maxTokens: 100_000 });
    expect(result.provider).toBe('groq');
    expect(result.content.length).toBeGreaterThan(0);
    expect(sentToGroq()).toHaveLength(1);
    expect(sentToGroq()[0]).toMatchObject({ model, max_completion_tokens: 65_536 });
    expect(sentToGroq()[0]).not.toHaveProperty('max_tokens');
  });
});
