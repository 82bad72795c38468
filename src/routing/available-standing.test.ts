import { describe, expect, it } from 'vitest';
import { ProviderError } from '../errors.js';
import { ListenerSet } from '../resilience/listener-set.js';
import { ManualClock } from '../resilience/manual-clock.js';
import { ProviderStateRegistry } from './provider-state-registry.js';
import type { RouterEvent } from './router-events.js';

function registryAt(clock: ManualClock): ProviderStateRegistry {
  return new ProviderStateRegistry({
    clock,
    breaker: { consecutiveFailures: 100 },
    credentialCooldownMs: 600_000,
    defaultRateLimitCooldownMs: 5_000,
    missingModelPeriodMs: 0,
    events: new ListenerSet<RouterEvent>(),
  });
}

const serverError = new ProviderError({ provider: 'groq', reason: 'server_error', statusCode: 500, message: 'HTTP 500' });

describe("An available provider's standing", () => {
  it('gives the figures of the moment each selection reads it, not those of an earlier one', () => {
    const clock = new ManualClock(1_000);
    const registry = registryAt(clock);
    const before = registry.standingOf('groq', clock.now());
    expect(before).toMatchObject({ available: true, successRate: 1, latencyMs: undefined });
    registry.recordSuccess('groq', 'model', 300, 'complete');
    registry.recordFailure('groq', 'model', serverError, 10, undefined);
    // Past the figures' 100 ms of freshness: the next selection sees both calls.
    clock.advance(200);
    const after = registry.standingOf('groq', clock.now());
    expect({ available: after.available, successRate: after.successRate, latencyMs: after.latencyMs }).toEqual({
      available: true,
      successRate: 0.5,
      latencyMs: 300,
    });
    // A minute on, the samples have left the window: back to no figures.
    clock.advance(60_000);
    const later = registry.standingOf('groq', clock.now());
    expect({ successRate: later.successRate, latencyMs: later.latencyMs }).toEqual({ successRate: 1, latencyMs: undefined });
  });

  it("keeps the figures in an unavailable provider's standing, which outlives the selection", () => {
    const clock = new ManualClock(1_000);
    const registry = registryAt(clock);
    registry.recordSuccess('groq', 'model', 300, 'complete');
    registry.recordFailure('groq', 'model', new ProviderError({ provider: 'groq', reason: 'rate_limit', statusCode: 429, message: 'HTTP 429', retryAfterMs: 5_000 }), 10, undefined);
    clock.advance(200);
    const cooling = registry.standingOf('groq', clock.now());
    registry.standingOf('groq', clock.now() + 120_000);
    expect(cooling).toEqual({ available: false, detail: 'cooling down after rate_limit', retryAtMs: 6_000, successRate: 0.5, latencyMs: 300 });
  });
});
