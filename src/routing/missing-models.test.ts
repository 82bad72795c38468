import { describe, expect, it } from 'vitest';
import { MissingModels, maxMissingModelsPerProvider } from './missing-models.js';

describe('MissingModels', () => {
  it('remembers at most a bounded number of models per provider, forgetting the oldest report first', () => {
    const missing = new MissingModels({ periodMs: 3_600_000 });
    const extra = 10;
    for (let index = 0; index < maxMissingModelsPerProvider + extra; index += 1) missing.markMissing('openai', `made-up-${index}`, 1_000 + index);
    const listed = missing.listOf('openai', 2_000);
    expect(listed).toHaveLength(maxMissingModelsPerProvider);
    expect(listed[0]?.model).toBe(`made-up-${extra}`);
    expect(missing.missingUntil('openai', 'made-up-0', 2_000)).toBeUndefined();
    expect(missing.missingUntil('openai', `made-up-${maxMissingModelsPerProvider + extra - 1}`, 2_000)).toBe(1_000 + maxMissingModelsPerProvider + extra - 1 + 3_600_000);
    // Another provider's table is its own.
    missing.markMissing('groq', 'made-up-0', 2_000);
    expect(missing.listOf('groq', 2_000)).toHaveLength(1);
  });

  it('keeps a model reported again as the newest, so it is not the one forgotten', () => {
    const missing = new MissingModels({ periodMs: 3_600_000 });
    for (let index = 0; index < maxMissingModelsPerProvider; index += 1) missing.markMissing('openai', `model-${index}`, index);
    missing.markMissing('openai', 'model-0', 5_000);
    missing.markMissing('openai', 'one-more', 5_001);
    expect(missing.missingUntil('openai', 'model-0', 5_002)).toBe(5_000 + 3_600_000);
    expect(missing.missingUntil('openai', 'model-1', 5_002)).toBeUndefined();
  });
});
