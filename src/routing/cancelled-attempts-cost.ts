import type { Attempt } from '../errors.js';
import type { Message } from '../types.js';
import type { AttemptCallOptions } from './attempt-call-options.js';
import type { ProviderSpending } from './provider-spending.js';
import { embeddingBudgetCostOf } from './cost.js';
import { charactersPerToken, StreamTally, unfinishedAnswerCost } from './unfinished-answer-cost.js';

/**
 * Once a call's race is over, price the attempts that ended after their requests were sent without an answer
 * the call took: those it cancelled (they lost to another's answer, or were in flight when the call ended: its
 * deadline, the caller's abort), and those one of our own timers ended (no first token within
 * `firstTokenTimeoutMs`, no answer within `responseTimeoutMs`). Their providers bill the input all the same,
 * and a stream's output so far, though nobody reads the answer. Each is estimated as a stream cut off is
 * (unfinished-answer-cost.ts), and its entry in `attempts` (`aborted`, or a `timeout` failure, which it stays
 * for the provider's health) is given the estimate as `estimatedCostUsd`, which is also added to its
 * provider's estimated spend (`HealthStatus.unansweredAttemptsCostUsd`). An attempt refused before anything
 * was sent (a circuit open, our converter's refusal, a connection refused), one that failed or answered by
 * itself (but for the texts an embedding attempt had answered, below), and one whose provider never said its
 * request was sent cost nothing. Runs on every call: with one
 * attempt that answered, it reads two fields and returns.
 */
export function priceCancelledAttempts(
  /** The call's attempt log; the race has logged every attempt it cancelled as `aborted`. */
  attempts: Attempt[],
  /** The call's newest attempt, linked to the ones before it (`previous`). */
  newest: AttemptCallOptions | undefined,
  /** What the call asked. Positional parameters: an options object would be made for every call. */
  messages: readonly Message[],
  /** Where a provider's estimated spend is counted, for its health status. */
  spending: Pick<ProviderSpending, 'recordUnansweredSpend'>,
): void {
  priceUnanswered(attempts, newest, messages, unfinishedChatCost, spending);
}

/**
 * The same for an embedding call's attempts: each one cancelled or timed out after its request was sent is billed
 * the texts sent, estimated at about four characters a token and priced at the model's embedding price (the
 * provider's dearest when it has none, as a key's budget is charged): its whole input, or, from a provider that sent
 * them in several requests (Gemini's batches of 100, `onInputsSent`), the texts of the requests that had left (those
 * answered and the one in flight; Google bills no request it was never sent). So is each one that failed after its
 * provider had answered some of its texts (a later batch failed, `onInputsAnswered`), for those texts: the provider
 * billed them, and the call took none of them.
 */
export function priceCancelledEmbeddingAttempts(
  attempts: Attempt[],
  newest: AttemptCallOptions | undefined,
  inputs: readonly string[],
  spending: Pick<ProviderSpending, 'recordUnansweredSpend'>,
): void {
  priceUnanswered(attempts, newest, inputs, sentInputsCost, spending);
  for (let attempt = newest; attempt !== undefined; attempt = attempt.previous) {
    if (!attempt.failed || attempt.answeredInputCount === 0) continue;
    const index = unpricedEntry(attempts, attempt);
    if (index === -1) continue;
    const usd = embeddingInputCost(attempt, inputs, attempt.answeredInputCount);
    if (usd === undefined || !(usd > 0)) continue;
    attempts[index] = { ...(attempts[index] as Attempt), estimatedCostUsd: usd };
    spending.recordUnansweredSpend(attempt.candidate.provider.id, usd);
  }
}

/** The loop both share: `priceOf` is a module function given the call's own `asked`, so no closure is made per call. */
function priceUnanswered<Asked>(
  attempts: Attempt[],
  newest: AttemptCallOptions | undefined,
  asked: Asked,
  priceOf: (attempt: AttemptCallOptions, asked: Asked) => number | undefined,
  spending: Pick<ProviderSpending, 'recordUnansweredSpend'>,
): void {
  for (let attempt = newest; attempt !== undefined; attempt = attempt.previous) {
    if (attempt.ended || !attempt.requestSent) continue;
    const index = unpricedEntry(attempts, attempt);
    if (index === -1) continue;
    const usd = priceOf(attempt, asked);
    if (usd === undefined || !(usd > 0)) continue;
    attempts[index] = { ...(attempts[index] as Attempt), estimatedCostUsd: usd };
    spending.recordUnansweredSpend(attempt.candidate.provider.id, usd);
  }
}

function unfinishedChatCost(attempt: AttemptCallOptions, messages: readonly Message[]): number | undefined {
  const tally = new StreamTally();
  for (const chunk of attempt.received ?? []) tally.add(chunk);
  const { candidate } = attempt;
  return unfinishedAnswerCost({ definition: candidate.provider.definition, model: candidate.model, messages, tally });
}

/** What the texts an attempt cancelled or timed out had sent cost: all of them, unless its provider told fewer. */
function sentInputsCost(attempt: AttemptCallOptions, inputs: readonly string[]): number | undefined {
  return embeddingInputCost(attempt, inputs, attempt.sentInputCount ?? inputs.length);
}

/** What the first `count` of `inputs` (sent in order) cost at the attempt's model, at about four characters a token. */
function embeddingInputCost(attempt: AttemptCallOptions, inputs: readonly string[], count: number): number | undefined {
  let characters = 0;
  const end = Math.min(count, inputs.length);
  for (let index = 0; index < end; index += 1) characters += (inputs[index] as string).length;
  const { candidate } = attempt;
  return embeddingBudgetCostOf(candidate.provider.definition, candidate.model, { inputTokens: Math.ceil(characters / charactersPerToken) })?.usd;
}

/**
 * The log entry of an attempt cancelled, timed out or failed: the newest of its provider and model not priced yet,
 * `aborted` for one cancelled, a `timeout` failure with no status for one our timer ended, any other failure for
 * one that failed by itself. A call has one
 * attempt in flight per candidate at a time, and logs each as it ends, so the entry is its own; a route naming
 * the same model twice, or a candidate that timed out before sending in a later retry round (a connect
 * timeout) after one that timed out after sending, may have its estimate on the wrong one of its entries: the
 * call's total is the same.
 */
function unpricedEntry(attempts: readonly Attempt[], attempt: AttemptCallOptions): number {
  const providerId = attempt.candidate.provider.id;
  const { model } = attempt.candidate;
  const { timedOut, failed } = attempt;
  for (let index = attempts.length - 1; index >= 0; index -= 1) {
    const entry = attempts[index] as Attempt;
    if (entry.estimatedCostUsd !== undefined || entry.provider !== providerId || entry.model !== model) continue;
    if (!timedOut && !failed) {
      if (entry.outcome === 'aborted') return index;
      continue;
    }
    if (entry.outcome !== 'failure') continue;
    if (timedOut === (entry.reason === 'timeout' && entry.statusCode === undefined)) return index;
  }
  return -1;
}
