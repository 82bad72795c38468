import { type Attempt, NoProviderAvailableError } from '../errors.js';
import type { CandidateSelection } from './select-candidates.js';

/** The attempts log entries of candidates skipped before the race (no key, circuit open, cooling down). */
export function skippedAttempts(selection: CandidateSelection, nowMs: number): Attempt[] {
  return selection.skipped.map((skipped) => ({
    provider: skipped.provider,
    model: skipped.model,
    outcome: 'skipped' as const,
    detail: skipped.detail,
    startedAtMs: nowMs,
    durationMs: 0,
  }));
}

/** Why no candidate could be tried: names the key variables to set when no provider has a key. */
export function noProviderError(selection: CandidateSelection, nowMs: number): NoProviderAvailableError {
  if (selection.skipped.length > 0 && selection.missingEnvironmentVariables.length === selection.skipped.length) {
    return new NoProviderAvailableError({
      message: `No provider has an API key. Set at least one of: ${selection.missingEnvironmentVariables.join(', ')}.`,
      missingEnvironmentVariables: selection.missingEnvironmentVariables,
    });
  }
  const reasons = selection.skipped.map((skipped) => `${skipped.provider} (${skipped.detail})`).join(', ');
  const retryAfterMs =
    selection.earliestRetryAtMs !== undefined ? Math.max(0, selection.earliestRetryAtMs - nowMs) : undefined;
  return new NoProviderAvailableError({
    message: `No provider can serve this call right now: ${reasons || 'none matches'}.`,
    missingEnvironmentVariables: selection.missingEnvironmentVariables,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}
