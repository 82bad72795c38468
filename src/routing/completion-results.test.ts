import { describe, expect, it } from 'vitest';
import { defaultCatalog, type ProviderDefinition } from '../catalog.js';
import { ManualClock } from '../resilience/manual-clock.js';
import { CompletionResults } from './completion-results.js';

const openai = defaultCatalog.find((definition) => definition.id === 'openai') as ProviderDefinition;
const usage = { inputTokens: 1_000_000, outputTokens: 1_000_000, totalTokens: 2_000_000 };
const response = { content: 'hi', toolCalls: [], finishReason: 'stop' as const, model: 'gpt-4o-mini-2024-07-18', usage, requestId: 'req_1' };

function resultsAt(nowMs: number): CompletionResults {
  return new CompletionResults({ clock: new ManualClock(nowMs), definitionById: new Map([['openai', openai]]) });
}

describe('CompletionResults', () => {
  it("prices a fresh answer from its provider's catalog, and a cached one at nothing", () => {
    const results = resultsAt(1_000);
    const completion = { provider: 'openai', response, storedAtMs: 900 };
    expect(results.of(completion, { startedAtMs: 0, attempts: [], cached: false }).costUsd).toBeCloseTo(0.15 + 0.6, 10);
    expect(results.of(completion, { startedAtMs: 0, attempts: [], cached: true }).costUsd).toBe(0);
    expect(results.costOf('unknown', 'gpt-4o-mini', usage)).toBeUndefined();
  });

  it('counts latency to endedAtMs when given, else to now', () => {
    const results = resultsAt(1_000);
    const completion = { provider: 'openai', response, storedAtMs: 900 };
    expect(results.of(completion, { startedAtMs: 100, attempts: [], cached: false, endedAtMs: 900 }).latencyMs).toBe(800);
    expect(results.of(completion, { startedAtMs: 100, attempts: [], cached: true }).latencyMs).toBe(900);
  });

  it('has reasoning, stopSequence and responseId only when the answer has them', () => {
    const results = resultsAt(0);
    const plain = results.of({ provider: 'openai', response, storedAtMs: 0 }, { startedAtMs: 0, attempts: [], cached: false });
    expect('stopSequence' in plain || 'responseId' in plain || 'reasoning' in plain).toBe(false);
    const full = results.of(
      { provider: 'openai', response: { ...response, reasoning: 'thought', stopSequence: 'END', responseId: 'chatcmpl-1' }, storedAtMs: 0 },
      { startedAtMs: 0, attempts: [], cached: false },
    );
    expect(full).toMatchObject({ reasoning: 'thought', stopSequence: 'END', responseId: 'chatcmpl-1', requestId: 'req_1', model: response.model });
  });
});
