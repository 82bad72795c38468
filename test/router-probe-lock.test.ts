/**
 * A half-open probe behind a cluster-wide lock (shared state), with one attempt at a time: a caller that
 * leaves while the lock is being granted must not keep the provider shut. The lock is a stub answering when
 * the test says; the provider is the test server; the breaker's clock is a manual one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupModelRouter } from '../src/routing/backup-model-router.js';
import type { ProviderStateSync } from '../src/routing/provider-state-sync.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/provider-test-server.js';

let server: ProviderTestServer;
beforeAll(async () => {
  server = await startProviderTestServer();
});
afterAll(async () => server?.close());

describe('a half-open probe whose caller left while the lock was granted', () => {
  it('is given back, so the next call may probe and recover the provider', async () => {
    const grants: ((granted: boolean) => void)[] = [];
    const sync: ProviderStateSync = {
      publish: () => undefined,
      subscribe: () => () => undefined,
      acquireProbe: () => new Promise<boolean>((resolve) => grants.push(resolve)),
      acquireHealthCheckTurn: () => Promise.resolve(true),
    };
    const clock = new ManualClock(1_000_000);
    const router = new BackupModelRouter({
      env: server.environment(['openai']),
      cacheEnabled: false,
      parallelAttempts: 1,
      clock,
      stateSync: sync,
      breaker: { consecutiveFailures: 1, failureRateThreshold: 0.01, minimumCalls: 1, openDurationMs: 50 },
    });
    const route = [{ provider: 'openai', model: 'gpt-4o-mini' }];
    try {
      server.setBehavior('openai', { kind: 'status', status: 500 });
      await expect(router.complete('One?', { route })).rejects.toThrow();
      clock.advance(100);
      server.reset();

      const controller = new AbortController();
      const left = router.complete('Two?', { route, signal: controller.signal });
      await new Promise((resolve) => setImmediate(resolve));
      expect(grants).toHaveLength(1);
      const reason = new Error('client left');
      controller.abort(reason);
      await expect(left).rejects.toBe(reason);
      // The lock is granted only now, to a call that has ended.
      grants[0]!(true);
      for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));

      const recovered = router.complete('Three?', { route });
      await new Promise((resolve) => setImmediate(resolve));
      grants.at(-1)!(true);
      await expect(recovered).resolves.toMatchObject({ provider: 'openai' });
    } finally {
      await router.close();
    }
  });
});
