import { describe, expect, it } from 'vitest';
import { LabelSets } from './label-sets.js';

describe('LabelSets', () => {
  it('finds the same set for the same values, makes each new one once, and keeps them in the order met', () => {
    let made = 0;
    const sets = new LabelSets<'provider' | 'outcome', { labels: Record<string, string>; hits: number }>(['provider', 'outcome'], (labels) => {
      made += 1;
      return { labels, hits: 0 };
    });
    sets.find('openai', 'success').hits += 1;
    sets.find('groq', 'failure').hits += 1;
    sets.find('openai', 'success').hits += 1;
    sets.find('openai', 'failure').hits += 1;
    expect(made).toBe(3);
    expect(sets.all.map((set) => [set.labels, set.hits])).toEqual([
      [{ provider: 'openai', outcome: 'success' }, 2],
      [{ provider: 'groq', outcome: 'failure' }, 1],
      [{ provider: 'openai', outcome: 'failure' }, 1],
    ]);
    sets.clear();
    expect(sets.all).toEqual([]);
    sets.find('openai', 'success');
    expect(made).toBe(4);
  });

  it('takes one to three labels', () => {
    expect(() => new LabelSets([], () => ({}))).toThrow('one to three labels');
    expect(() => new LabelSets(['a', 'b', 'c', 'd'], () => ({}))).toThrow('one to three labels');
  });
});
