/**
 * Property tests of the router's constructor: whatever options a JavaScript caller passes, `new BackupModelRouter`
 * either makes a router or throws an InvalidArgumentError naming one of the options, never a TypeError or another
 * untyped exception; and a router it made never fails its first call on its options (a TypeError, an
 * InvalidArgumentError naming a router option, or a provider's `generation_failed` behind a TypeError). Real HTTP
 * to the provider test server. Each failure found is kept as a plain test in router-option-shapes.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AllProvidersFailedError,
  BackupModelRouter,
  type BackupModelRouterOptions,
  BackupModelsError,
  defaultCatalog,
  InvalidArgumentError,
  MemoryCacheBackend,
} from '../src/index.js';
import { systemClock } from '../src/clock.js';
import { echoProvider, sharingNothingSync } from './in-memory-router-parts.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness();

/** Every option of `BackupModelRouterOptions`. */
const optionNames = [
  'parallelAttempts', 'hedge', 'maxRetries', 'retryBaseDelayMs', 'stopAfterInvalidRequests', 'cacheEnabled', 'cacheTtlSeconds', 'cacheMaxEntries', 'cacheBackend',
  'catalog', 'extraProviders', 'env', 'clock', 'timeoutMs', 'firstTokenTimeoutMs', 'responseTimeoutMs', 'idleTimeoutMs', 'breaker',
  'credentialCooldownMs', 'defaultRateLimitCooldownMs', 'missingModelPeriodMs', 'healthCheckTimeoutMs', 'healthCheckIntervalMs', 'connectTimeoutMs', 'stateSync',
  'maxProviderResponseBytes', 'maxProviderEmbeddingResponseBytes',
] as const;
type OptionName = (typeof optionNames)[number];

const echo = echoProvider('echo');
const sync = sharingNothingSync;

const milliseconds = fc.integer({ min: 1_000, max: 5_000 });

/** A valid value of each option, bounded so that a call made with it ends quickly. */
function validValues(env: Record<string, string>): Record<OptionName, fc.Arbitrary<unknown>> {
  return {
    parallelAttempts: fc.integer({ min: 1, max: 4 }),
    hedge: fc.constantFrom<unknown>(false, { delayMs: 'auto' }, { delayMs: 0 }, { delayMs: 20 }),
    maxRetries: fc.integer({ min: 0, max: 1 }),
    retryBaseDelayMs: fc.integer({ min: 0, max: 10 }),
    stopAfterInvalidRequests: fc.integer({ min: 1, max: 3 }),
    cacheEnabled: fc.boolean(),
    cacheTtlSeconds: fc.double({ min: 0.5, max: 600, noNaN: true }),
    cacheMaxEntries: fc.integer({ min: 1, max: 100 }),
    cacheBackend: fc.constant(null).map(() => new MemoryCacheBackend()),
    catalog: fc.subarray([...defaultCatalog]),
    extraProviders: fc.constantFrom<unknown>([], [echo]),
    env: fc.constant(env),
    clock: fc.constant(systemClock),
    timeoutMs: milliseconds,
    firstTokenTimeoutMs: milliseconds,
    responseTimeoutMs: milliseconds,
    idleTimeoutMs: milliseconds,
    breaker: fc.record(
      { consecutiveFailures: fc.integer({ min: 1, max: 5 }), failureRateThreshold: fc.double({ min: 0.1, max: 1, noNaN: true }), openDurationMs: fc.integer({ min: 0, max: 5_000 }) },
      { requiredKeys: [] },
    ),
    credentialCooldownMs: fc.integer({ min: 0, max: 1_000 }),
    defaultRateLimitCooldownMs: fc.integer({ min: 0, max: 1_000 }),
    missingModelPeriodMs: fc.integer({ min: 0, max: 3_600_000 }),
    healthCheckTimeoutMs: milliseconds,
    healthCheckIntervalMs: fc.constant(60_000),
    connectTimeoutMs: milliseconds,
    stateSync: fc.constant(sync),
    // From a bound every recorded answer passes to the default.
    maxProviderResponseBytes: fc.integer({ min: 64 * 1024, max: 16 * 1024 * 1024 }),
    maxProviderEmbeddingResponseBytes: fc.integer({ min: 1, max: 256 * 1024 * 1024 }),
  };
}

/** Throws unless the router's making refused these options as the caller's error, naming one of them. */
function expectRefusalNamingAnOption(error: unknown): void {
  if (!(error instanceof InvalidArgumentError)) throw error;
  const option = /^[A-Za-z]+/.exec(error.argument)?.[0];
  expect([...optionNames, 'options']).toContain(option);
}

/** Throws when a call failed on the router's options instead of answering or failing as a call may. */
function expectCallNotFailedByOptions(error: unknown): void {
  if (error === undefined) return;
  if (!BackupModelsError.isInstance(error) || error instanceof InvalidArgumentError) throw error;
  if (!AllProvidersFailedError.isInstance(error)) return;
  for (const failure of error.errors) {
    if (failure.reason === 'generation_failed' && !BackupModelsError.isInstance(failure.cause)) throw failure.cause;
  }
}

/** Makes a router of `options` (on the test server's environment unless they say otherwise), then one call. */
async function makeAndCall(generated: Record<string, unknown>): Promise<void> {
  // Never the process's own environment: a call must reach the test server and nothing else.
  const options = { ...generated, env: generated.env === undefined ? harness.server.environment() : generated.env };
  let router: BackupModelRouter;
  try {
    router = new BackupModelRouter(options as BackupModelRouterOptions);
  } catch (error) {
    expectRefusalNamingAnOption(error);
    return;
  }
  try {
    const refusal = await router.complete('Hi', { timeoutMs: 3_000, maxRetries: 0 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expectCallNotFailedByOptions(refusal);
  } finally {
    await router.close();
  }
}

describe("the router's constructor, on any options", () => {
  it('makes a router or throws InvalidArgumentError, for options of any value', async () => {
    // Every option, each present or not: most such objects hold some option of the wrong value; so also a few only.
    const everyOption = fc.record(Object.fromEntries(optionNames.map((name) => [name, fc.anything()])), { requiredKeys: [] });
    const fewOptions = fc.uniqueArray(fc.constantFrom(...optionNames), { minLength: 1, maxLength: 2 }).chain((names) =>
      fc.tuple(...names.map(() => fc.anything())).map((values) => Object.fromEntries(names.map((name, index) => [name, values[index]]))),
    );
    const anyOptions = fc.oneof(everyOption, fewOptions);
    await fc.assert(fc.asyncProperty(anyOptions, makeAndCall), { numRuns: 300 });
  });

  it('makes a router that calls without failing on its options, or throws InvalidArgumentError, for a few options each valid or any value', async () => {
    const valid = validValues(harness.server.environment());
    const someOptions = fc.uniqueArray(fc.constantFrom(...optionNames), { maxLength: 3 }).chain((names) =>
      fc
        .tuple(...names.map((name) => fc.oneof({ weight: 2, arbitrary: valid[name] }, { weight: 1, arbitrary: fc.anything() })))
        .map((values) => Object.fromEntries(names.map((name, index) => [name, values[index]]))),
    );
    const options = fc.oneof({ weight: 8, arbitrary: someOptions }, { weight: 1, arbitrary: fc.anything() });
    await fc.assert(
      fc.asyncProperty(options, (generated) =>
        typeof generated === 'object' && generated !== null && !Array.isArray(generated)
          ? makeAndCall(generated as Record<string, unknown>)
          : expectRefusalOfNonObject(generated),
      ),
      { numRuns: 300 },
    );
  });
});

async function expectRefusalOfNonObject(value: unknown): Promise<void> {
  if (value === undefined) return;
  expect(() => new BackupModelRouter(value as BackupModelRouterOptions)).toThrow(InvalidArgumentError);
}
