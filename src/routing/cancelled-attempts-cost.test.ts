import { describe, expect, it } from 'vitest';
import { CancelScope } from '../cancellation.js';
import { defaultCatalog } from '../catalog.js';
import { type Attempt, ProviderError } from '../errors.js';
import { HttpClient } from '../http/http-client.js';
import { createHttpModelProvider } from '../providers/http-model-provider.js';
import { AttemptCallOptions } from './attempt-call-options.js';
import { priceCancelledAttempts } from './cancelled-attempts-cost.js';
import type { Candidate } from './select-candidates.js';

const definitionOf = (id: string) => defaultCatalog.find((definition) => definition.id === id)!;
const httpClient = new HttpClient();
const candidateOf = (id: string, model: string): Candidate => ({
  provider: createHttpModelProvider(definitionOf(id), { httpClient, env: {} }),
  model,
  contextWindowTokens: undefined,
});
const anthropic = candidateOf('anthropic', 'claude-haiku-4-5-20251001');
const openai = candidateOf('openai', 'gpt-4o-mini');

/** An attempt of `candidate`, as the race starts one, after `previous`. */
function attemptOf(candidate: Candidate, previous?: AttemptCallOptions): AttemptCallOptions {
  return new AttemptCallOptions(candidate, new CancelScope(), 30_000, 30_000, previous);
}

function entry(candidate: Candidate, outcome: Attempt['outcome']): Attempt {
  return { provider: candidate.provider.id, model: candidate.model, outcome, startedAtMs: 0, durationMs: 10 };
}

/** Where the estimates are counted: nowhere, or where a test reads them back. */
const spending = { recordUnansweredSpend: (): void => undefined };

const messages = [{ role: 'user' as const, content: 'z'.repeat(4_000) }];

describe('pricing the attempts a call cancelled', () => {
  it("prices a stream's loser at the input count its provider told before its first token, and the output it had sent", () => {
    const winner = attemptOf(openai);
    winner.requestSent = true;
    winner.ended = true;
    const loser = attemptOf(anthropic, winner);
    loser.requestSent = true;
    // Anthropic's message_start, then thinking held until the answer begins: 400 characters, about 100 tokens.
    loser.received = [
      { type: 'usage', usage: { inputTokens: 1_000, outputTokens: 1, totalTokens: 1_001 } },
      { type: 'reasoning-delta', text: 'r'.repeat(400) },
    ];
    const attempts = [entry(openai, 'success'), entry(anthropic, 'aborted')];
    priceCancelledAttempts(attempts, loser, messages, spending);
    const price = definitionOf('anthropic').models.find((model) => model.id === 'claude-haiku-4-5-20251001')!.price!;
    // Its own count, not the 1,000 tokens the 4,000 characters would be estimated at.
    expect(attempts[1]?.estimatedCostUsd).toBeCloseTo((1_000 * price.inputPerMillion + 100 * price.outputPerMillion) / 1_000_000, 12);
    expect(attempts[0]).not.toHaveProperty('estimatedCostUsd');
  });

  it('prices nothing that was not sent, nor what ended by itself, and leaves a lone answer alone', () => {
    const answered = attemptOf(openai);
    answered.requestSent = true;
    answered.ended = true;
    const lone = [entry(openai, 'success')];
    priceCancelledAttempts(lone, answered, messages, spending);
    expect(lone).toEqual([entry(openai, 'success')]);

    // Cancelled while it waited for a connection: never sent, never billed.
    const unsent = attemptOf(anthropic, answered);
    const attempts = [entry(openai, 'success'), entry(anthropic, 'aborted')];
    priceCancelledAttempts(attempts, unsent, messages, spending);
    expect(attempts[1]).not.toHaveProperty('estimatedCostUsd');
  });

  it('gives an attempt our timer ended the estimate on its timeout failure, not on an aborted entry of the same model', () => {
    const timedOut = attemptOf(openai);
    timedOut.requestSent = true;
    timedOut.fail(new ProviderError({ provider: 'openai', reason: 'timeout', message: 'no response within 500 ms' }));
    // A later attempt of the same model, in a retry round, cancelled before it was sent.
    const unsent = attemptOf(openai, timedOut);
    const attempts = [{ ...entry(openai, 'failure'), reason: 'timeout' as const }, entry(openai, 'aborted')];
    const recorded: [string, number][] = [];
    priceCancelledAttempts(attempts, unsent, messages, { recordUnansweredSpend: (providerId, usd) => recorded.push([providerId, usd]) });
    const price = definitionOf('openai').models.find((model) => model.id === 'gpt-4o-mini')!.price!;
    expect(attempts[0]?.estimatedCostUsd).toBeCloseTo((1_000 * price.inputPerMillion) / 1_000_000, 12);
    expect(attempts[1]).not.toHaveProperty('estimatedCostUsd');
    expect(recorded).toEqual([['openai', attempts[0]?.estimatedCostUsd]]);
  });

  it("takes a provider's own 504 for a failure, not one of our timers", () => {
    const answered = attemptOf(openai);
    answered.fail(new ProviderError({ provider: 'openai', reason: 'timeout', statusCode: 504, message: 'gateway timeout' }));
    expect(answered).toMatchObject({ ended: true, timedOut: false });
  });
});
