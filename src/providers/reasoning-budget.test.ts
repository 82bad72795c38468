import { describe, expect, it } from 'vitest';
import { reasoningAllowance, reasoningBudgetTokens } from './reasoning-budget.js';

describe('reasoningAllowance', () => {
  it("adds the effort's budget to the answer's tokens when the model has room", () => {
    expect(reasoningAllowance('low', 4096, 64_000)).toEqual({ budgetTokens: 1024, maxTokens: 5120 });
    expect(reasoningAllowance('medium', 4096, 64_000)).toEqual({ budgetTokens: 8192, maxTokens: 12_288 });
    expect(reasoningAllowance('high', 4096, undefined)).toEqual({ budgetTokens: reasoningBudgetTokens.high, maxTokens: 4096 + 24_576 });
  });

  it("keeps the bound within the model's limit, thinking taking what is left but at least half", () => {
    // 60,000 of answer on a 64,000 model: 4,000 left is less than half, so thinking gets half the bound.
    expect(reasoningAllowance('high', 60_000, 64_000)).toEqual({ budgetTokens: 24_576, maxTokens: 64_000 });
    expect(reasoningAllowance('high', 20_000, 32_000)).toEqual({ budgetTokens: 16_000, maxTokens: 32_000 });
    expect(reasoningAllowance('medium', 30_000, 32_000)).toEqual({ budgetTokens: 8192, maxTokens: 32_000 });
  });

  it('asks for no thinking when the least budget cannot fit below the bound', () => {
    expect(reasoningAllowance('low', 1500, 1500)).toBeUndefined();
    expect(reasoningAllowance('high', 2000, 2047)).toBeUndefined();
  });
});
