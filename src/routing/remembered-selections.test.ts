import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../catalog.js';
import { ProviderError } from '../errors.js';
import type { ModelProvider } from '../providers/model-provider.js';
import { ListenerSet } from '../resilience/listener-set.js';
import { ManualClock } from '../resilience/manual-clock.js';
import { ProviderStateRegistry } from './provider-state-registry.js';
import { RememberedSelections, type SelectionPreference } from './remembered-selections.js';
import type { RouterEvent } from './router-events.js';
import { type CandidateSelection, selectCandidates } from './select-candidates.js';

/** The catalog's providers as routing sees them; a provider has a key while `keys` holds its id. */
function providersWithKeys(keys: Set<string>): ModelProvider[] {
  return defaultCatalog.map(
    (definition) =>
      ({ id: definition.id, definition, isConfigured: () => keys.has(definition.id) }) as Pick<
        ModelProvider,
        'id' | 'definition' | 'isConfigured'
      > as ModelProvider,
  );
}

/** Selection as the router makes it for a call without a route: the remembered one when it still holds. */
function selector(keys: Set<string>) {
  const clock = new ManualClock(1_000_000);
  const registry = new ProviderStateRegistry({
    clock,
    breaker: { consecutiveFailures: 3 },
    credentialCooldownMs: 600_000,
    defaultRateLimitCooldownMs: 5_000,
    missingModelPeriodMs: 3_600_000,
    events: new ListenerSet<RouterEvent>(),
  });
  const providers = providersWithKeys(keys);
  const standingOf = (providerId: string, nowMs: number | undefined) => registry.standingOf(providerId, nowMs);
  const missingUntil = (providerId: string, model: string, nowMs: number | undefined) =>
    registry.missingModels.isEmpty ? undefined : registry.missingModels.missingUntil(providerId, model, nowMs ?? clock.now());
  const remembered = new RememberedSelections({ clock, providers, standingOf, missingUntil });
  const select = (preference: SelectionPreference = {}): CandidateSelection => {
    const nowMs = clock.now();
    const found = remembered.find(preference, nowMs);
    if (found !== undefined) return found;
    const selection = selectCandidates({ providers, ...preference, standingOf, missingUntil, nowMs });
    remembered.remember(preference, nowMs, selection);
    return selection;
  };
  return { clock, registry, select };
}

const order = (selection: CandidateSelection): string[] => selection.candidates.map((candidate) => `${candidate.provider.id}/${candidate.model}`);
const serverError = (provider: string) => new ProviderError({ provider, reason: 'server_error', statusCode: 500, message: 'HTTP 500' });

describe('RememberedSelections', () => {
  it('gives a call the selection made for an earlier call of the same preference, while nothing it read has changed', () => {
    const { select } = selector(new Set(['groq', 'openai']));
    const first = select({ tier: 1 });
    expect(order(first)).toEqual(['groq/openai/gpt-oss-20b', 'openai/gpt-6-luna']);
    expect(select({ tier: 1 })).toBe(first);
    const preferred = select({ preferredProvider: 'openai', preferredModel: 'gpt-4o-mini' });
    expect(preferred).not.toBe(first);
    expect(order(preferred)[0]).toBe('openai/gpt-4o-mini');
    expect(select({ preferredProvider: 'openai', preferredModel: 'gpt-4o-mini' })).toBe(preferred);
  });

  it('sees a key set or removed since', () => {
    const keys = new Set(['groq']);
    const { select } = selector(keys);
    expect(order(select())).toEqual(['groq/openai/gpt-oss-20b']);
    keys.add('together');
    expect(order(select())).toEqual(['groq/openai/gpt-oss-20b', 'together/meta-llama/Llama-3.3-70B-Instruct-Turbo']);
    keys.delete('groq');
    expect(order(select())).toEqual(['together/meta-llama/Llama-3.3-70B-Instruct-Turbo']);
  });

  it('sees a circuit opening, a cooldown and a model reported missing', () => {
    const { registry, select } = selector(new Set(['groq', 'openai']));
    expect(order(select({ tier: 1 }))).toHaveLength(2);
    for (let failure = 0; failure < 3; failure += 1) registry.recordFailure('groq', 'openai/gpt-oss-20b', serverError('groq'), 10, undefined);
    const circuitOpen = select({ tier: 1 });
    expect(order(circuitOpen)).toEqual(['openai/gpt-6-luna']);
    expect(circuitOpen.skipped).toEqual([{ provider: 'groq', model: 'openai/gpt-oss-20b', detail: 'circuit open' }]);

    const cooling = selector(new Set(['groq', 'openai']));
    expect(order(cooling.select({ tier: 1 }))).toHaveLength(2);
    const rateLimit = new ProviderError({ provider: 'openai', reason: 'rate_limit', statusCode: 429, message: 'HTTP 429', retryAfterMs: 5_000 });
    cooling.registry.recordFailure('openai', 'gpt-6-luna', rateLimit, 10, undefined);
    expect(order(cooling.select({ tier: 1 }))).toEqual(['groq/openai/gpt-oss-20b']);

    const missing = selector(new Set(['groq', 'openai']));
    expect(order(missing.select({ tier: 1 }))).toHaveLength(2);
    const notFound = new ProviderError({ provider: 'openai', reason: 'model_not_found', statusCode: 404, message: 'HTTP 404' });
    missing.registry.recordFailure('openai', 'gpt-6-luna', notFound, 10, undefined);
    expect(order(missing.select({ tier: 1 }))).toEqual(['groq/openai/gpt-oss-20b']);
  });

  it('ranks again once the figures the candidates were ranked by have moved', () => {
    const { clock, registry, select } = selector(new Set(['groq', 'openai']));
    expect(order(select({ tier: 1 }))).toEqual(['groq/openai/gpt-oss-20b', 'openai/gpt-6-luna']);
    // Groq fails one call in two (not enough to open its circuit), OpenAI none: past the figures' 100 ms, OpenAI leads.
    registry.recordSuccess('groq', 'openai/gpt-oss-20b', 100, 'complete');
    registry.recordFailure('groq', 'openai/gpt-oss-20b', serverError('groq'), 10, undefined);
    registry.recordSuccess('openai', 'gpt-6-luna', 300, 'complete');
    clock.advance(200);
    const reranked = select({ tier: 1 });
    expect(order(reranked)).toEqual(['openai/gpt-6-luna', 'groq/openai/gpt-oss-20b']);
    expect(select({ tier: 1 })).toBe(reranked);
  });
});
