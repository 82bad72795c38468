import type { Attempt } from '../errors.js';
import type { Message } from '../types.js';
import type { AttemptCallOptions } from './attempt-call-options.js';
import { StreamTally, unfinishedAnswerCost } from './unfinished-answer-cost.js';

/**
 * Once a call's race is over, price the attempts it cancelled after their requests were sent: those that lost
 * to another's answer, and those in flight when the call ended (its deadline, the caller's abort). Their
 * providers bill the input all the same, and a stream's output so far, though nobody reads the answer. Each is
 * estimated as a stream cut off is (unfinished-answer-cost.ts), and its `aborted` entry in `attempts` is given
 * the estimate as `estimatedCostUsd`. An attempt refused before anything was sent (a circuit open, our
 * converter's refusal, a connection refused), one that failed or answered by itself, and one whose provider
 * never said its request was sent cost nothing. Runs on every call: with one attempt that answered, it reads
 * two fields and returns.
 */
export function priceCancelledAttempts(
  /** The call's attempt log; the race has logged every attempt it cancelled as `aborted`. */
  attempts: Attempt[],
  /** The call's newest attempt, linked to the ones before it (`previous`). */
  newest: AttemptCallOptions | undefined,
  /** What the call asked. Positional parameters: an options object would be made for every call. */
  messages: readonly Message[],
): void {
  for (let attempt = newest; attempt !== undefined; attempt = attempt.previous) {
    if (attempt.ended || !attempt.requestSent) continue;
    const index = unpricedCancelledEntry(attempts, attempt);
    if (index === -1) continue;
    const tally = new StreamTally();
    for (const chunk of attempt.received ?? []) tally.add(chunk);
    const { candidate } = attempt;
    const usd = unfinishedAnswerCost({ definition: candidate.provider.definition, model: candidate.model, messages, tally });
    if (usd === undefined || !(usd > 0)) continue;
    attempts[index] = { ...(attempts[index] as Attempt), estimatedCostUsd: usd };
  }
}

/**
 * The log entry of a cancelled attempt: the newest `aborted` one of its provider and model not priced yet. Only
 * attempts in flight as the race ended are cancelled, and a call has one in flight per candidate at a time, so
 * the entry is its own (a route naming the same model twice may have its two estimates swapped).
 */
function unpricedCancelledEntry(attempts: readonly Attempt[], attempt: AttemptCallOptions): number {
  const providerId = attempt.candidate.provider.id;
  const { model } = attempt.candidate;
  for (let index = attempts.length - 1; index >= 0; index -= 1) {
    const entry = attempts[index] as Attempt;
    if (entry.outcome === 'aborted' && entry.estimatedCostUsd === undefined && entry.provider === providerId && entry.model === model) return index;
  }
  return -1;
}
