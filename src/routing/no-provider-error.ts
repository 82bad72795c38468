import { type Attempt, NoProviderAvailableError } from '../errors.js';
import { type Candidate, type CandidateSelection, noImageInput, reportedMissing, runsNoServerTools } from './select-candidates.js';

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

/**
 * Why no candidate could be tried, in words that are true of this call: the key variables to set when no
 * provider has a key, the configured providers that have no model for the tier when that is why, or each
 * skipped provider's reason.
 */
export function noProviderError(selection: CandidateSelection, nowMs: number): NoProviderAvailableError {
  const { skipped, missingEnvironmentVariables, withoutModel } = selection;
  const everySkippedLacksKey = skipped.length > 0 && missingEnvironmentVariables.length === skipped.length;
  if (withoutModel !== undefined && (everySkippedLacksKey || skipped.length === 0)) {
    const keysToSet = everySkippedLacksKey ? ` Set a key for one that has: ${missingEnvironmentVariables.join(', ')}.` : '';
    return new NoProviderAvailableError({
      message: `No configured provider has ${modelWanted(withoutModel)} (configured: ${withoutModel.providers.join(', ')}).${keysToSet}`,
      missingEnvironmentVariables,
      noProviderConfigured: true,
    });
  }
  if (everySkippedLacksKey) {
    return new NoProviderAvailableError({
      message: `No provider has an API key. Set at least one of: ${missingEnvironmentVariables.join(', ')}.`,
      missingEnvironmentVariables,
      noProviderConfigured: true,
    });
  }
  const reasons = skipped.map((entry) => `${entry.provider} (${entry.detail})`).join(', ');
  // Skipped only for lacking a key or for the call's server tools: only the provider that runs them can serve it.
  const serverTools = selection.serverTools;
  if (serverTools !== undefined && withoutModel === undefined && skippedOnlyFor(skipped, runsNoServerTools)) {
    const names = serverTools.tools.map((tool) => tool.type).join(', ');
    return new NoProviderAvailableError({
      message: `No provider here can run this call's server tools (${names}): only ${serverTools.provider} runs them, on the Anthropic wire: ${reasons}. Send it to ${serverTools.provider}, or without them.`,
      missingEnvironmentVariables,
      noProviderTakesRequest: true,
      unservedPart: 'serverTools',
    });
  }
  // Skipped only for lacking a key or for the call's images: no wait brings a provider that takes them.
  if (withoutModel === undefined && skippedOnlyFor(skipped, noImageInput)) {
    return new NoProviderAvailableError({
      message: `No provider here takes this call's images: ${reasons}. Send it without images, or to a model that takes them.`,
      missingEnvironmentVariables,
      noProviderTakesRequest: true,
      unservedPart: 'images',
    });
  }
  const retryAfterMs =
    selection.earliestRetryAtMs !== undefined ? Math.max(0, selection.earliestRetryAtMs - nowMs) : undefined;
  // Skipped only for lacking a key or for a model its provider said it does not have: resending is a wasted round trip.
  const everyModelMissing =
    skipped.some((entry) => entry.detail === reportedMissing) &&
    skipped.every((entry) => entry.detail === reportedMissing || entry.detail === 'no API key' || entry.detail === 'unknown provider');
  if (everyModelMissing && withoutModel === undefined) {
    const missing = skipped.filter((entry) => entry.detail === reportedMissing).map((entry) => `${entry.provider}/${entry.model}`);
    return new NoProviderAvailableError({
      message:
        `Every model that could serve this call was reported missing by its provider (model_not_found): ${missing.join(', ')}. ` +
        'Name a model the provider serves; each is asked again after the router\'s missingModelPeriodMs, or once a health check of its provider succeeds.',
      missingEnvironmentVariables,
      everyModelMissing: true,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  const unasked =
    withoutModel === undefined ? '' : ` Configured, but without ${modelWanted(withoutModel)}: ${withoutModel.providers.join(', ')}.`;
  return new NoProviderAvailableError({
    message: `No provider can serve this call right now: ${reasons || 'none matches'}.${unasked}`,
    missingEnvironmentVariables,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/** Some candidates were skipped for `detail`, and the rest only for lacking a key or being unknown: no wait helps. */
function skippedOnlyFor(skipped: CandidateSelection['skipped'], detail: string): boolean {
  return (
    skipped.some((entry) => entry.detail === detail) &&
    skipped.every((entry) => entry.detail === detail || entry.detail === 'no API key' || entry.detail === 'unknown provider')
  );
}

/** `a tier-3 model`, or `a model for this call` for a call without a tier. */
function modelWanted(withoutModel: NonNullable<CandidateSelection['withoutModel']>): string {
  return withoutModel.tier === undefined ? 'a model for this call' : `a tier-${withoutModel.tier} model`;
}
