/**
 * Checks a behaviour when it is set, so a typo in a fixture name fails the test that wrote it, not a request
 * later on.
 */
import { InvalidArgumentError } from '../errors.js';
import type { FixtureStore } from './fixture-store.js';
import type { LatencyMs, ProviderBehavior } from './provider-behavior.js';
import { recordedPlan } from './serve-behavior.js';
import type { TestProviderSpec } from './test-providers.js';

function requireNumber(options: { readonly argument: string; readonly value: unknown; readonly minimum: number }): void {
  const { value } = options;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < options.minimum) {
    throw new InvalidArgumentError({
      argument: options.argument,
      message: `${options.argument} must be a finite number of at least ${options.minimum}, got ${String(value)}`,
    });
  }
}

function requireLatency(latencyMs: LatencyMs | undefined): void {
  if (latencyMs === undefined || typeof latencyMs === 'function') return;
  requireNumber({ argument: 'latencyMs', value: latencyMs, minimum: 0 });
}

/** The provider and the endpoints it has besides. */
function endpointsOf(provider: TestProviderSpec): TestProviderSpec[] {
  return provider.responsesEndpoint === undefined ? [provider] : [provider, provider.responsesEndpoint];
}

export function validateBehavior(options: {
  readonly store: FixtureStore;
  readonly provider: TestProviderSpec;
  readonly behavior: ProviderBehavior;
}): void {
  const { store, provider, behavior } = options;
  if (typeof behavior !== 'object' || behavior === null) {
    throw new InvalidArgumentError({ argument: 'behavior', message: 'a behaviour is an object with a kind' });
  }
  requireLatency(behavior.latencyMs);
  switch (behavior.kind) {
    case 'error':
      store.requireResponseFile(provider, behavior.fixture, false);
      if (behavior.headersFixture !== undefined && !store.read(provider.fixtureFolder, `${behavior.headersFixture}.headers.txt`)) {
        throw new InvalidArgumentError({
          argument: 'headersFixture',
          message: `no recorded headers "${behavior.headersFixture}.headers.txt" in ${provider.fixtureFolder}/`,
        });
      }
      return;
    case 'status':
      requireNumber({ argument: 'status', value: behavior.status, minimum: 100 });
      return;
    case 'stall-before-headers':
    case 'reset-before-headers':
      return;
    case 'success':
    case 'reset-after-events':
    case 'truncate-after-events':
    case 'stall-after-events':
    case 'error-event-after-events':
    case 'pings-only':
    case 'trickle':
    case 'malformed-json':
    case 'oversized':
      // A recording of any of the provider's endpoints (OpenAI's chat completions or Responses API); its requests to another fail loudly.
      const endpoints = endpointsOf(provider).filter((endpoint) => behavior.fixture === undefined || store.resolveResponseFile(endpoint, behavior.fixture, true) !== undefined);
      if (behavior.fixture !== undefined && endpoints.length === 0) store.requireResponseFile(provider, behavior.fixture, true);
      if (behavior.chunkDelayMs !== undefined) requireNumber({ argument: 'chunkDelayMs', value: behavior.chunkDelayMs, minimum: 0 });
      if (behavior.textPieces !== undefined) requireNumber({ argument: 'textPieces', value: behavior.textPieces, minimum: 1 });
      if ('events' in behavior) requireNumber({ argument: 'events', value: behavior.events, minimum: 0 });
      if ((behavior.kind === 'error-event-after-events' || behavior.kind === 'oversized') && behavior.errorFixture !== undefined) {
        store.requireResponseFile(provider, behavior.errorFixture, false);
      }
      if (behavior.text !== undefined) {
        // Build the texted response for both kinds of request now: a recording without text throws here.
        for (const endpoint of endpoints) for (const stream of [false, true]) recordedPlan({ store, provider: endpoint, route: 'chat', stream }, behavior);
      }
      if (behavior.kind === 'pings-only') requireNumber({ argument: 'intervalMs', value: behavior.intervalMs, minimum: 1 });
      if (behavior.kind === 'oversized') {
        const { announcedBytes } = behavior;
        if (announcedBytes !== undefined && announcedBytes !== 'none') requireNumber({ argument: 'announcedBytes', value: announcedBytes, minimum: 0 });
        // Nothing padded is still oversized when the announced length is the fault.
        requireNumber({ argument: 'paddingBytes', value: behavior.paddingBytes, minimum: typeof announcedBytes === 'number' ? 0 : 1 });
        if (behavior.replay !== undefined) requireNumber({ argument: 'replay.status', value: behavior.replay.status, minimum: 100 });
        if (behavior.padding !== undefined && behavior.padding !== 'line' && behavior.padding !== 'data-lines') {
          throw new InvalidArgumentError({ argument: 'padding', message: `padding must be 'line' or 'data-lines', got ${String(behavior.padding)}` });
        }
      }
      if (behavior.kind === 'trickle') {
        requireNumber({ argument: 'bytesPerWrite', value: behavior.bytesPerWrite, minimum: 1 });
        requireNumber({ argument: 'intervalMs', value: behavior.intervalMs, minimum: 0 });
      }
      return;
    default:
      throw new InvalidArgumentError({
        argument: 'behavior',
        message: `unknown behaviour kind "${String((behavior as { kind?: unknown }).kind)}"`,
      });
  }
}
