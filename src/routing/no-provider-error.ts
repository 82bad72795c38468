import { type Attempt, NoProviderAvailableError } from '../errors.js';
import type { Candidate, CandidateSelection } from './select-candidates.js';

/**
 * What a call races: the selected candidates; else, when every one was skipped for an open circuit, the
 * last resort alone, let through its breaker (panic mode) if no other call is trying it right now; else a
 * NoProviderAvailableError. So in a total outage one call at a time looks for a recovered provider and
 * every other call fails at once.
 */
export function candidatesToRace(options: {
  readonly selection: CandidateSelection;
  readonly nowMs: number;
  readonly acquireLastResort: (providerId: string) => boolean;
}): { readonly candidates: readonly Candidate[]; readonly lastResort: Candidate | undefined } {
  const { selection } = options;
  if (selection.candidates.length > 0) return { candidates: selection.candidates, lastResort: undefined };
  const lastResort = selection.lastResort;
  if (lastResort && options.acquireLastResort(lastResort.provider.id)) return { candidates: [lastResort], lastResort };
  throw noProviderError(selection, options.nowMs);
}

/**
 * The attempts log entries of candidates skipped before the race (circuit open, cooling down, or no key for
 * a provider the caller named). One loop: this runs on every call.
 */
export function skippedAttempts(selection: CandidateSelection, nowMs: number): Attempt[] {
  const lastResort = selection.lastResort?.provider.id;
  const attempts: Attempt[] = [];
  for (const skipped of selection.skipped) {
    if (skipped.unlisted === true || skipped.provider === lastResort) continue;
    attempts.push({
      provider: skipped.provider,
      model: skipped.model,
      outcome: 'skipped',
      detail: skipped.detail,
      startedAtMs: nowMs,
      durationMs: 0,
    });
  }
  return attempts;
}

/** Why no candidate could be tried: names the key variables to set when no provider has a key. */
export function noProviderError(selection: CandidateSelection, nowMs: number): NoProviderAvailableError {
  if (selection.skipped.length > 0 && selection.missingEnvironmentVariables.length === selection.skipped.length) {
    return new NoProviderAvailableError({
      message: `No provider has an API key. Set at least one of: ${selection.missingEnvironmentVariables.join(', ')}.`,
      missingEnvironmentVariables: selection.missingEnvironmentVariables,
      noProviderConfigured: true,
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
