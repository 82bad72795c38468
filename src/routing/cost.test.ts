import { describe, expect, it } from 'vitest';
import { defaultCatalog, type ProviderDefinition } from '../catalog.js';
import { budgetCostOf, costOf, embeddingBudgetCostOf, embeddingCostOf, unpricedModelFallbackPrice } from './cost.js';

const openai = defaultCatalog.find((definition) => definition.id === 'openai') as ProviderDefinition;
const usage = { inputTokens: 1_000_000, outputTokens: 1_000_000, totalTokens: 2_000_000 };

describe('costOf', () => {
  it('prices a model by its catalog id, and a dated id by the catalog id it starts with', () => {
    expect(costOf(openai, 'gpt-4o-mini', usage)).toBeCloseTo(0.15 + 0.6, 10);
    expect(costOf(openai, 'gpt-4o-mini-2024-07-18', usage)).toBeCloseTo(0.15 + 0.6, 10);
    expect(costOf(openai, 'gpt-4o-2024-08-06', usage)).toBeCloseTo(2.5 + 10, 10);
  });

  it('answers the same when asked again, and undefined without a price, a definition or usage', () => {
    for (let round = 0; round < 2; round += 1) {
      expect(costOf(openai, 'gpt-4o-2024-08-06', usage)).toBeCloseTo(12.5, 10);
      expect(costOf(openai, 'a-model-nobody-prices', usage)).toBeUndefined();
    }
    expect(costOf(undefined, 'gpt-4o', usage)).toBeUndefined();
    expect(costOf(openai, 'gpt-4o', undefined)).toBeUndefined();
  });

  it("prices an Anthropic model's web searches at $10 per 1,000 beside its tokens, and nothing else's", () => {
    const anthropic = defaultCatalog.find((definition) => definition.id === 'anthropic') as ProviderDefinition;
    const searched = { inputTokens: 27_118, outputTokens: 600, totalTokens: 27_718, webSearchRequests: 2 };
    const tokens = (27_118 * 3 + 600 * 15) / 1_000_000;
    expect(costOf(anthropic, 'claude-sonnet-4-6', searched)).toBeCloseTo(tokens + 0.02, 10);
    const { webSearchRequests: _searches, ...withoutSearches } = searched;
    expect(costOf(anthropic, 'claude-sonnet-4-6', withoutSearches)).toBeCloseTo(tokens, 10);
    // A price without a search price counts the tokens only.
    expect(costOf(openai, 'gpt-4o-mini', { ...usage, webSearchRequests: 5 })).toBeCloseTo(0.15 + 0.6, 10);
  });

  it('keeps each definition apart: the same model id priced by two providers', () => {
    const other: ProviderDefinition = { ...openai, id: 'other', models: [{ id: 'gpt-4o', contextWindowTokens: 1, price: { inputPerMillion: 1, outputPerMillion: 1 } }] };
    expect(costOf(openai, 'gpt-4o', usage)).toBeCloseTo(12.5, 10);
    expect(costOf(other, 'gpt-4o', usage)).toBeCloseTo(2, 10);
  });

  it("prices input read from and written to a prompt cache at the cache's prices, and at the input price without them", () => {
    const anthropic = defaultCatalog.find((definition) => definition.id === 'anthropic') as ProviderDefinition;
    // A million input tokens: 100,000 uncached, 800,000 read from the cache, 100,000 written to it.
    const cachedUsage = { inputTokens: 1_000_000, outputTokens: 0, totalTokens: 1_000_000, cachedInputTokens: 800_000, cacheWriteInputTokens: 100_000 };
    expect(costOf(anthropic, 'claude-sonnet-4-6', cachedUsage)).toBeCloseTo(0.1 * 3 + 0.8 * 0.3 + 0.1 * 3.75, 10);
    expect(costOf(openai, 'gpt-4o-mini', { inputTokens: 1_000_000, outputTokens: 0, totalTokens: 1_000_000, cachedInputTokens: 500_000 })).toBeCloseTo(
      0.5 * 0.15 + 0.5 * 0.075,
      10,
    );
    // Of the 100,000 written, 60,000 for an hour: twice the input price instead of 1.25 times.
    expect(costOf(anthropic, 'claude-sonnet-4-6', { ...cachedUsage, cacheWrite1hInputTokens: 60_000 })).toBeCloseTo(
      0.1 * 3 + 0.8 * 0.3 + 0.04 * 3.75 + 0.06 * 6,
      10,
    );
    const unpriced: ProviderDefinition = { ...openai, id: 'plain', models: [{ id: 'm', price: { inputPerMillion: 2, outputPerMillion: 0 } }] };
    expect(costOf(unpriced, 'm', cachedUsage)).toBeCloseTo(2, 10);
  });

  it("prices Google's and Groq's tier models at their published prices, a prompt cache's reads included", () => {
    const google = defaultCatalog.find((definition) => definition.id === 'google') as ProviderDefinition;
    const groq = defaultCatalog.find((definition) => definition.id === 'groq') as ProviderDefinition;
    // Half of a million input tokens read from the cache, and a million out.
    const halfCached = { inputTokens: 1_000_000, outputTokens: 1_000_000, totalTokens: 2_000_000, cachedInputTokens: 500_000 };
    expect(costOf(google, 'gemini-3.5-flash-lite', halfCached)).toBeCloseTo(0.5 * 0.3 + 0.5 * 0.03 + 2.5, 10);
    expect(costOf(google, 'gemini-3.8-flash', halfCached)).toBeCloseTo(0.5 * 0.75 + 0.5 * 0.075 + 3.75, 10);
    expect(costOf(groq, 'openai/gpt-oss-20b', halfCached)).toBeCloseTo(0.5 * 0.075 + 0.5 * 0.0375 + 0.3, 10);
    expect(costOf(groq, 'openai/gpt-oss-120b', halfCached)).toBeCloseTo(0.5 * 0.15 + 0.5 * 0.075 + 0.6, 10);
    // Google's default answers at its own price, not an estimate at its dearest model's.
    expect(budgetCostOf(google, 'gemini-3.5-flash-lite', usage)).toEqual({ usd: expect.closeTo(0.3 + 2.5, 10), estimated: false });
  });

  it("prices Anthropic's tier models, Claude Haiku 5.5 and Sonnet 5.5, at their published prices, cache reads and writes included", () => {
    const anthropic = defaultCatalog.find((definition) => definition.id === 'anthropic') as ProviderDefinition;
    // A million input tokens: 100,000 uncached, 800,000 read from the cache, 100,000 written to it (60,000 for an hour).
    const cached = { inputTokens: 1_000_000, outputTokens: 1_000_000, totalTokens: 2_000_000, cachedInputTokens: 800_000, cacheWriteInputTokens: 100_000, cacheWrite1hInputTokens: 60_000 };
    expect(costOf(anthropic, 'claude-haiku-5-5', cached)).toBeCloseTo(0.1 * 0.1 + 0.8 * 0.01 + 0.04 * 0.125 + 0.06 * 0.2 + 0.5, 10);
    // Sonnet 5.5's cache reads cost $0.10 since 2026-10-07, a twentieth of its input price, not the tenth of Anthropic's others.
    expect(costOf(anthropic, 'claude-sonnet-5-5', cached)).toBeCloseTo(0.1 * 2 + 0.8 * 0.1 + 0.04 * 2.5 + 0.06 * 4 + 10, 10);
    expect(budgetCostOf(anthropic, anthropic.defaultModel, usage)).toEqual({ usd: expect.closeTo(0.1 + 0.5, 10), estimated: false });
  });
});

describe('budgetCostOf', () => {
  it("charges a priced model its price, and one without a price its provider's dearest, marked estimated", () => {
    expect(budgetCostOf(openai, 'gpt-4o-mini', usage)).toEqual({ usd: expect.closeTo(0.75, 10), estimated: false });
    const dearest = openai.models.flatMap((model) => (model.price ? [model.price] : [])).reduce((a, b) => (b.outputPerMillion > a.outputPerMillion ? b : a));
    expect(budgetCostOf(openai, 'a-model-nobody-prices', usage)).toEqual({
      usd: expect.closeTo(dearest.inputPerMillion + dearest.outputPerMillion, 10),
      estimated: true,
    });
  });

  it('charges a provider with no priced model at all the fallback price, and nothing without usage', () => {
    const unpriced: ProviderDefinition = { ...openai, id: 'self-hosted', models: [{ id: 'llama', contextWindowTokens: 8192 }] };
    expect(budgetCostOf(unpriced, 'llama', usage)).toEqual({
      usd: expect.closeTo(unpricedModelFallbackPrice.inputPerMillion + unpricedModelFallbackPrice.outputPerMillion, 10),
      estimated: true,
    });
    expect(budgetCostOf(unpriced, 'llama', undefined)).toBeUndefined();
  });
});

describe('a provider that reports negative or non-finite token counts', () => {
  // A server's usage is read as it says (prompt_tokens: -1000000 is a finite number): priced, it must cost nothing
  // rather than credit a key's budget or spread NaN through its spend.
  const google = defaultCatalog.find((definition) => definition.id === 'google') as ProviderDefinition;
  it.each([-1_000_000, Number.NaN, Number.POSITIVE_INFINITY])('prices a count of %d as none: never a negative or NaN cost', (count) => {
    const costs = [
      costOf(openai, 'gpt-4o-mini', { inputTokens: count, outputTokens: count, totalTokens: count, cachedInputTokens: count, webSearchRequests: count }),
      budgetCostOf(openai, 'a-model-nobody-prices', { inputTokens: count, outputTokens: count, totalTokens: count })?.usd,
      embeddingCostOf(openai, 'text-embedding-3-small', { inputTokens: count }),
      embeddingBudgetCostOf(google, 'an-unpriced-embedding-model', { inputTokens: count })?.usd,
    ];
    for (const usd of costs) expect(usd).toBe(0);
    // The counts it did report sensibly are still charged.
    expect(costOf(openai, 'gpt-4o-mini', { inputTokens: 1_000_000, outputTokens: count, totalTokens: count })).toBeCloseTo(0.15, 10);
  });
});
