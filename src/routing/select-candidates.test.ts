import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../catalog.js';
import type { ModelProvider } from '../providers/model-provider.js';
import { type ProviderStanding, selectCandidates } from './select-candidates.js';
import { noProviderError, skippedAttempts } from './no-provider-error.js';

/** The catalog's providers as routing sees them; `configured` says which have a key. */
function providers(configured: readonly string[]): ModelProvider[] {
  return defaultCatalog.map(
    (definition) =>
      ({ id: definition.id, definition, isConfigured: () => configured.includes(definition.id) }) as Pick<
        ModelProvider,
        'id' | 'definition' | 'isConfigured'
      > as ModelProvider,
  );
}

const healthy: ProviderStanding = { available: true, successRate: 1, latencyMs: undefined };
const all = ['groq', 'openai', 'anthropic', 'together', 'moonshot', 'google'];

describe('selectCandidates', () => {
  it('asks only models that take images for a call with images, and no Gemini for an image it must fetch', () => {
    const withBytes = selectCandidates({ providers: providers(all), tier: 1, standingOf: () => healthy, images: { fetchesUrls: false, historyOnly: false } });
    expect(withBytes.candidates.map((candidate) => `${candidate.provider.id}/${candidate.model}`)).toEqual([
      'openai/gpt-6-luna',
      'google/gemini-3.5-flash-lite',
      'anthropic/claude-haiku-5-5',
    ]);
    // Moonshot has no tier-1 model, so it is no target at all.
    expect(withBytes.skipped.filter((entry) => entry.detail === 'takes no image input').map((entry) => entry.provider)).toEqual([
      'groq',
      'together',
    ]);
    const withUrl = selectCandidates({ providers: providers(all), tier: 1, standingOf: () => healthy, images: { fetchesUrls: true, historyOnly: false } });
    expect(withUrl.candidates.map((candidate) => candidate.provider.id)).toEqual(['openai', 'anthropic']);
    // A model the catalog does not list is the caller's choice, and is asked.
    const route = [{ provider: 'groq', model: 'llama-4-scout-17b-16e-instruct' }];
    expect(selectCandidates({ providers: providers(all), route, standingOf: () => healthy, images: { fetchesUrls: true, historyOnly: false } }).candidates).toHaveLength(1);
    // An AI SDK model is handed image bytes, never a URL it would have to fetch itself.
    const openaiDefinition = defaultCatalog.find((definition) => definition.id === 'openai')!;
    const aiSdk = { id: 'mistral', definition: { ...openaiDefinition, id: 'mistral', protocol: 'custom' as const, fetchesImageUrls: false, models: [] }, isConfigured: () => true } as unknown as ModelProvider;
    const customRoute = [{ provider: 'mistral', model: 'pixtral-large-latest' }];
    const selectWith = (fetchesUrls: boolean) =>
      selectCandidates({ providers: [aiSdk], route: customRoute, standingOf: () => healthy, images: { fetchesUrls, historyOnly: false } }).candidates.length;
    expect([selectWith(false), selectWith(true)]).toEqual([1, 0]);
  });

  it('with images only in history, keeps models without vision as a fallback that gets notes (the candidates when no other is left, a last resort in panic mode too)', () => {
    const history = { fetchesUrls: false, historyOnly: true };
    const textOnly = [
      { provider: 'groq', model: 'llama-3.1-8b-instant' },
      { provider: 'together', model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo' },
    ];
    const fallback = selectCandidates({ providers: providers(all), route: textOnly, standingOf: () => healthy, images: history });
    expect(fallback.candidates.map((entry) => [entry.provider.id, entry.imagesAsNotes])).toEqual([
      ['groq', true],
      ['together', true],
    ]);
    const withVision = selectCandidates({ providers: providers(all), route: [...textOnly, { provider: 'openai', model: 'gpt-4o-mini' }], standingOf: () => healthy, images: history });
    expect(withVision.candidates.map((entry) => [entry.provider.id, entry.imagesAsNotes])).toEqual([['openai', undefined]]);
    expect(withVision.fallback?.map((entry) => [entry.provider.id, entry.imagesAsNotes])).toEqual([
      ['groq', true],
      ['together', true],
    ]);
    expect(withVision.skipped).toEqual([]);
    expect(fallback.fallback).toBeUndefined();
    const open: ProviderStanding = { available: false, circuitOpen: true, retryAtMs: 5_000, detail: 'circuit open', successRate: 0, latencyMs: undefined };
    const panic = selectCandidates({ providers: providers(all), route: textOnly.slice(0, 1), standingOf: () => open, images: history });
    expect(panic.candidates).toEqual([]);
    expect(panic.lastResort).toMatchObject({ model: 'llama-3.1-8b-instant', imagesAsNotes: true });
  });

  it("asks only the provider that runs a call's server tools, the others skipped, and says so when it cannot be asked", () => {
    const serverTools = { provider: 'anthropic', tools: [{ type: 'web_search_20250305', name: 'web_search' }] };
    const selection = selectCandidates({ providers: providers(all), tier: 1, standingOf: () => healthy, serverTools });
    expect(selection.candidates.map((candidate) => candidate.provider.id)).toEqual(['anthropic']);
    expect(new Set(selection.skipped.map((entry) => entry.detail))).toEqual(new Set(["does not run the call's server tools"]));
    expect(skippedAttempts(selection, 0).map((attempt) => attempt.provider)).toEqual(['groq', 'openai', 'together', 'google']);
    // A provider of that name on another wire does not send them: it is skipped too.
    const anthropicDefinition = defaultCatalog.find((definition) => definition.id === 'anthropic')!;
    const elsewhere = { id: 'anthropic', definition: { ...anthropicDefinition, protocol: 'openai-compatible' as const }, isConfigured: () => true } as unknown as ModelProvider;
    expect(selectCandidates({ providers: [elsewhere], standingOf: () => healthy, serverTools }).candidates).toEqual([]);
    // Without Anthropic's key, no wait helps: the error says which tools and who runs them.
    const withoutAnthropic = selectCandidates({ providers: providers(['openai', 'groq']), tier: 1, standingOf: () => healthy, serverTools });
    const error = noProviderError(withoutAnthropic, 0);
    expect(error).toMatchObject({ noProviderTakesRequest: true, unservedPart: 'serverTools', retryAfterMs: undefined });
    expect(error.message).toContain("can run this call's server tools (web_search_20250305): only anthropic runs them");
    expect(error.message).toContain('anthropic (no API key)');
  });

  it('ranks by the seed speed ranking before any call was observed', () => {
    const selection = selectCandidates({ providers: providers(all), standingOf: () => healthy });
    expect(selection.candidates.map((candidate) => candidate.provider.id)).toEqual([
      'groq',
      'openai',
      'together',
      'google',
      'anthropic',
      'moonshot',
    ]);
    expect(selection.candidates[0]!.model).toBe('openai/gpt-oss-20b');
  });

  it('puts the preferred provider and model first, then ranks by success rate and observed latency', () => {
    const standings: Record<string, ProviderStanding> = {
      groq: { available: true, successRate: 0.5, latencyMs: 50 },
      openai: { available: true, successRate: 0.99, latencyMs: 400 },
      together: { available: true, successRate: 0.98, latencyMs: 90 },
    };
    const selection = selectCandidates({
      providers: providers(['groq', 'openai', 'together', 'anthropic']),
      preferredProvider: 'anthropic',
      preferredModel: 'claude-haiku-4-5-20251001',
      standingOf: (id) => standings[id] ?? healthy,
    });
    expect(selection.candidates.map((candidate) => `${candidate.provider.id}/${candidate.model}`)).toEqual([
      'anthropic/claude-haiku-4-5-20251001',
      'together/meta-llama/Llama-3.3-70B-Instruct-Turbo',
      'openai/gpt-6-luna',
      'groq/openai/gpt-oss-20b',
    ]);
  });

  it('skips providers without a key, without a model for the tier, or unavailable, and says why', () => {
    const selection = selectCandidates({
      providers: providers(['groq', 'openai', 'moonshot']),
      tier: 3,
      standingOf: (id) => (id === 'moonshot' ? { ...healthy, available: false, detail: 'circuit open', retryAtMs: 42 } : healthy),
    });
    expect(selection.candidates.map((candidate) => candidate.model)).toEqual(['gpt-6.2-sol']);
    expect(selection.skipped).toContainEqual({ provider: 'moonshot', model: 'kimi-k3.1-pro', detail: 'circuit open' });
    expect(selection.skipped.some((skipped) => skipped.provider === 'groq')).toBe(false);
    expect(selection.earliestRetryAtMs).toBe(42);
    // With a candidate left, the providers without a key that the call did not name are passed over, not listed.
    expect(selection.skipped.some((skipped) => skipped.detail === 'no API key')).toBe(false);
    expect(selection.missingEnvironmentVariables).toEqual([]);
  });

  it('lists every provider without a key, in the order of the targets, once no candidate is left', () => {
    const selection = selectCandidates({
      providers: providers(['groq', 'openai', 'moonshot']),
      tier: 3,
      standingOf: () => ({ ...healthy, available: false, detail: 'circuit open', circuitOpen: true, retryAtMs: 42 }),
    });
    expect(selection.candidates).toEqual([]);
    expect(selection.skipped).toEqual([
      { provider: 'openai', model: 'gpt-6.2-sol', detail: 'circuit open' },
      { provider: 'anthropic', model: 'claude-sonnet-5-5', detail: 'no API key', unlisted: true },
      { provider: 'moonshot', model: 'kimi-k3.1-pro', detail: 'circuit open' },
      { provider: 'google', model: expect.any(String) as string, detail: 'no API key', unlisted: true },
    ]);
    expect(selection.missingEnvironmentVariables).toEqual(['ANTHROPIC_API_KEY', 'GOOGLE_API_KEY']);
    expect(selection.lastResort?.provider.id).toBe('openai');
    expect(noProviderError(selection, 0).message).toBe(
      'No provider can serve this call right now: openai (circuit open), anthropic (no API key), moonshot (circuit open), ' +
        `google (no API key). Configured, but without a tier-3 model: groq.`,
    );
  });

  it("lists a provider without a key in the call's attempts only when the caller named it", () => {
    const standingOf = (id: string) => (id === 'moonshot' ? { ...healthy, available: false, detail: 'circuit open' } : healthy);
    const unnamed = selectCandidates({ providers: providers(['openai', 'moonshot']), standingOf });
    expect(skippedAttempts(unnamed, 0).map((attempt) => `${attempt.provider}: ${attempt.detail}`)).toEqual(['moonshot: circuit open']);

    const preferred = selectCandidates({ providers: providers(['openai']), preferredProvider: 'groq', standingOf });
    expect(skippedAttempts(preferred, 0).map((attempt) => `${attempt.provider}: ${attempt.detail}`)).toEqual(['groq: no API key']);

    const routed = selectCandidates({
      providers: providers(['openai']),
      route: [
        { provider: 'anthropic', model: 'claude-haiku-4-5-20251001' },
        { provider: 'openai', model: 'gpt-4o-mini' },
      ],
      standingOf,
    });
    expect(skippedAttempts(routed, 0)).toMatchObject([{ provider: 'anthropic', outcome: 'skipped', detail: 'no API key' }]);
    // With no provider able to serve, the error still names every missing key.
    expect(noProviderError(selectCandidates({ providers: providers([]), standingOf }), 0).missingEnvironmentVariables).toHaveLength(6);
  });

  it('says the configured providers have no model for the tier, not that keys are missing, when that is why', () => {
    const standingOf = () => healthy;
    const groqOnly = noProviderError(selectCandidates({ providers: providers(['groq']), tier: 3, standingOf }), 0);
    expect(groqOnly.message).toBe(
      'No configured provider has a tier-3 model (configured: groq). ' +
        'Set a key for one that has: OPENAI_API_KEY, ANTHROPIC_API_KEY, MOONSHOT_API_KEY, GOOGLE_API_KEY.',
    );
    expect(groqOnly.missingEnvironmentVariables).toEqual(['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'MOONSHOT_API_KEY', 'GOOGLE_API_KEY']);

    // With a provider of the tier cooling down, its reason comes first, then the providers that were not asked.
    const coolingDown = (id: string): ProviderStanding =>
      id === 'moonshot' ? { ...healthy, available: false, detail: 'cooling down: rate_limit', retryAtMs: 2_000 } : healthy;
    const error = noProviderError(
      selectCandidates({ providers: providers(['groq', 'together', 'moonshot']), tier: 3, standingOf: coolingDown }),
      0,
    );
    expect(error.message).toMatch(/^No provider can serve this call right now: .*moonshot \(cooling down: rate_limit\)/);
    expect(error.message).toMatch(/Configured, but without a tier-3 model: groq, together\.$/);
    expect(error.retryAfterMs).toBe(2_000);

    // No key at all: the variables to set, as before.
    expect(noProviderError(selectCandidates({ providers: providers([]), tier: 3, standingOf }), 0).message).toMatch(
      /^No provider has an API key\. Set at least one of: /,
    );
  });

  it('keeps an explicit route in its order', () => {
    const selection = selectCandidates({
      providers: providers(all),
      route: [
        { provider: 'moonshot', model: 'kimi-k3.1-pro' },
        { provider: 'groq', model: 'llama-3.3-70b-versatile' },
      ],
      standingOf: () => healthy,
    });
    expect(selection.candidates.map((candidate) => candidate.provider.id)).toEqual(['moonshot', 'groq']);
  });
});
