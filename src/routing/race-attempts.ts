/** The attempt log entries and failure bookkeeping both ways of racing candidates share. */
import { AllProvidersFailedError, type Attempt, ProviderError } from '../errors.js';
import type { Candidate } from './select-candidates.js';

/**
 * Why an attempt was cancelled when a hedge started after it won: it had run past its provider's hedge delay (about
 * its p95) and then lost to a fresh attempt on another candidate, which says it was slow, not that it was merely
 * beaten by a faster racer started with it. Its provider's circuit counts that as a failure (see
 * `ProviderStateRegistry.recordCancelled`): a provider that hangs would otherwise be asked first on every call,
 * each call waiting out a hedge delay that its own cancelled attempts push ever later.
 */
export class OutpacedByHedge extends Error {
  constructor() {
    super('lost the race to a hedge started after it');
  }
}

export function asProviderError(error: unknown, candidate: Candidate): ProviderError {
  if (ProviderError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError({ provider: candidate.provider.id, reason: 'network', message, cause: error });
}

/**
 * The race's end when every round failed: every error, and the Retry-After of the last round's (a wait an
 * earlier round asked for has passed).
 */
export function allProvidersFailed(
  attempts: readonly Attempt[],
  failures: readonly { readonly error: ProviderError }[],
  lastRoundStartsAt: number,
): AllProvidersFailedError {
  const errors = failures.map((failure) => failure.error);
  const lastRound = errors.slice(lastRoundStartsAt);
  return new AllProvidersFailedError({ attempts, errors, retryAfterMs: minimumRetryAfter(lastRound.length > 0 ? lastRound : errors) });
}

/** The shortest Retry-After among `errors`, for the call's own. */
function minimumRetryAfter(errors: readonly ProviderError[]): number | undefined {
  let minimum: number | undefined;
  for (const error of errors) {
    if (error.retryAfterMs !== undefined) minimum = Math.min(minimum ?? Number.POSITIVE_INFINITY, error.retryAfterMs);
  }
  return minimum;
}

export function endedAttempt(
  candidate: Candidate,
  startedAtMs: number,
  nowMs: number,
  outcome: Attempt['outcome'],
  extra?: Pick<Attempt, 'reason' | 'detail' | 'statusCode'>,
): Attempt {
  const attempt: { -readonly [K in keyof Attempt]: Attempt[K] } = {
    provider: candidate.provider.id,
    model: candidate.model,
    outcome,
    startedAtMs,
    durationMs: nowMs - startedAtMs,
  };
  // Only the fields that say something: an attempt log is read by people and compared in tests.
  if (extra?.reason !== undefined) attempt.reason = extra.reason;
  if (extra?.detail !== undefined) attempt.detail = extra.detail;
  if (extra?.statusCode !== undefined) attempt.statusCode = extra.statusCode;
  return attempt;
}

export function skippedAttempt(candidate: Candidate, nowMs: number, detail: string): Attempt {
  return {
    provider: candidate.provider.id,
    model: candidate.model,
    outcome: 'skipped',
    detail,
    startedAtMs: nowMs,
    durationMs: 0,
  };
}
