import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../catalog.js';
import { StreamTally, unfinishedAnswerCost } from './unfinished-answer-cost.js';

const openai = defaultCatalog.find((definition) => definition.id === 'openai');

describe('the price of a stream that ended before its usage', () => {
  it('counts about four characters a token of what was asked and what was relayed', () => {
    const tally = new StreamTally();
    tally.add({ type: 'text-delta', text: 'x'.repeat(400) });
    tally.add({ type: 'tool-call-delta', index: 0, name: 'f', argumentsDelta: 'y'.repeat(399) });
    const cost = unfinishedAnswerCost({ definition: openai, model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'z'.repeat(4000) }], tally });
    // gpt-4o-mini: 0.15 USD a million input tokens, 0.60 a million output tokens.
    expect(cost).toBeCloseTo((1000 * 0.15 + 200 * 0.6) / 1_000_000, 12);
  });

  it("takes the provider's own counts where a usage came before the end", () => {
    const tally = new StreamTally();
    tally.add({ type: 'usage', usage: { inputTokens: 50, outputTokens: 7, totalTokens: 57 } });
    tally.add({ type: 'text-delta', text: 'ab' });
    const cost = unfinishedAnswerCost({ definition: openai, model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'z'.repeat(4000) }], tally });
    expect(cost).toBeCloseTo((50 * 0.15 + 7 * 0.6) / 1_000_000, 12);
    // A model without a price is charged at its provider's dearest, never nothing (budgetCostOf).
    const dearest = openai!.models.flatMap((model) => (model.price ? [model.price] : [])).reduce((a, b) => (b.outputPerMillion > a.outputPerMillion ? b : a));
    expect(unfinishedAnswerCost({ definition: openai, model: 'unpriced-model', messages: [], tally })).toBeCloseTo(
      (50 * dearest.inputPerMillion + 7 * dearest.outputPerMillion) / 1_000_000,
      12,
    );
    // What the usage said of the prompt cache is kept: cached input at the cache's price.
    const cached = new StreamTally();
    cached.add({ type: 'usage', usage: { inputTokens: 1000, cachedInputTokens: 800, outputTokens: 0, totalTokens: 1000 } });
    const cachedCost = unfinishedAnswerCost({ definition: openai, model: 'gpt-4o-mini', messages: [], tally: cached });
    expect(cachedCost).toBeCloseTo((200 * 0.15 + 800 * 0.075) / 1_000_000, 12);
  });
});
