import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../catalog.js';
import { type Attempt, ProviderError } from '../errors.js';
import type { ModelProvider } from '../providers/model-provider.js';
import { ManualClock } from '../resilience/manual-clock.js';
import { RetryRounds } from './retry-rounds.js';
import { type ProviderStanding, selectCandidates } from './select-candidates.js';

/** Groq and OpenAI as routing sees them, both with a key. */
const providers = defaultCatalog
  .filter((definition) => definition.id === 'groq' || definition.id === 'openai')
  .map((definition) => ({ id: definition.id, definition, isConfigured: () => true }) as Pick<ModelProvider, 'id' | 'definition' | 'isConfigured'> as ModelProvider);

const healthy: ProviderStanding = { available: true, successRate: 1, latencyMs: undefined };
const messages = [{ role: 'user' as const, content: 'hi' }];
const deadline = { remainingMs: () => 60_000 };

function retryRounds(standings: Map<string, ProviderStanding>, routerOptions: { maxRetries?: number } = { maxRetries: 1 }) {
  const clock = new ManualClock(1_000);
  const standingOf = (providerId: string): ProviderStanding => standings.get(providerId) ?? healthy;
  const rounds = new RetryRounds({
    clock,
    registry: { standingOf },
    routerOptions,
    select: (options, nowMs) => selectCandidates({ providers, tier: options.tier, standingOf, nowMs, images: undefined }),
  });
  return { clock, rounds };
}

describe('RetryRounds', () => {
  it('makes no rounds when the call allows none (the default) or races a last resort', () => {
    const { rounds } = retryRounds(new Map(), {});
    expect(rounds.of({ tier: 1 }, messages, deadline, [], false)).toBeUndefined();
    const allowing = retryRounds(new Map()).rounds;
    expect(allowing.of({ tier: 1 }, messages, deadline, [], true)).toBeUndefined();
    expect(allowing.of({ tier: 1, maxRetries: 0 }, messages, deadline, [], false)).toBeUndefined();
    expect(allowing.of({ tier: 1 }, messages, deadline, [], false)).toBeTypeOf('function');
  });

  it('asks again only the candidates whose failure may pass, chosen when the wait is over', () => {
    const standings = new Map<string, ProviderStanding>();
    const { rounds } = retryRounds(standings);
    const attempts: Attempt[] = [];
    const nextRound = rounds.of({ tier: 1 }, messages, deadline, attempts, false)!;
    const [groq, openai] = ['groq', 'openai'].map(
      (id) => selectCandidates({ providers, tier: 1, standingOf: () => healthy, nowMs: 0, images: undefined }).candidates.find((candidate) => candidate.provider.id === id)!,
    );
    const round = nextRound(
      [
        { candidate: groq!, error: new ProviderError({ provider: 'groq', reason: 'server_error', message: '500' }) },
        { candidate: openai!, error: new ProviderError({ provider: 'openai', reason: 'invalid_request', message: '400' }) },
      ],
      2,
    )!;
    expect(round.delayMs).toBeGreaterThanOrEqual(375);
    expect(round.delayMs).toBeLessThanOrEqual(500);
    expect(round.candidates().map((candidate) => candidate.provider.id)).toEqual(['groq']);
    expect(attempts).toEqual([]);
    // Groq's circuit opened during the wait: it is left out of the round, and logged as skipped.
    standings.set('groq', { available: false, detail: 'circuit open', circuitOpen: true, successRate: 0, latencyMs: undefined });
    expect(round.candidates()).toEqual([]);
    expect(attempts).toMatchObject([{ provider: 'groq', outcome: 'skipped', detail: 'circuit open' }]);
  });
});
