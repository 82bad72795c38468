/**
 * The router's response cache end to end: its settings, a cache backend that fails, and callers sharing one
 * upstream call (single-flight) while each keeps its own deadline and abort. Real HTTP to the provider test
 * server; deadlines run on a ManualClock.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BackupModelRouter, type BackupModelRouterOptions, InvalidArgumentError } from '../src/index.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/provider-test-server.js';

let server: ProviderTestServer;
let routers: BackupModelRouter[] = [];

beforeAll(async () => {
  server = await startProviderTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());
afterEach(async () => {
  await Promise.all(routers.map((router) => router.close()));
  routers = [];
});

function makeRouter(options: BackupModelRouterOptions = {}): BackupModelRouter {
  const router = new BackupModelRouter({ env: server.environment(), parallelAttempts: 1, ...options });
  routers.push(router);
  return router;
}

describe('cache settings', () => {
  it('refuses a TTL that could store nothing when the router is made, before any call is paid for', () => {
    for (const cacheTtlSeconds of [0, -1, Number.POSITIVE_INFINITY, Number.NaN]) {
      const made = () => new BackupModelRouter({ env: server.environment(), cacheTtlSeconds });
      expect(made).toThrow(InvalidArgumentError);
      expect(made).toThrow(expect.objectContaining({ argument: 'cacheTtlSeconds' }));
    }
    expect(() => new BackupModelRouter({ env: server.environment(), cacheMaxEntries: 0 })).toThrow(
      expect.objectContaining({ name: 'InvalidArgumentError', argument: 'cacheMaxEntries' }),
    );
    expect(server.requests).toHaveLength(0);
  });

  it('keeps a fractional TTL, and answers the second call from the cache', async () => {
    const router = makeRouter({ cacheTtlSeconds: 0.5, clock: new ManualClock(Date.UTC(2026, 0, 1)) });
    await router.complete('Short-lived');
    expect((await router.complete('Short-lived')).cached).toBe(true);
    expect(server.requests).toHaveLength(1);
  });
});
