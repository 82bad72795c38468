/**
 * One provider test server for a test file (started before its tests, reset before each, closed after them)
 * and the routers its tests make, closed after each test. Shared by test/router-*.test.ts.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { BackupModelRouter } from '../src/routing/backup-model-router.js';
import type { BackupModelRouterOptions } from '../src/routing/router-options.js';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/provider-test-server.js';

export interface RouterHarness {
  /** The provider test server, once the file's tests run. */
  readonly server: ProviderTestServer;
  /** A router on the server's environment, with the file's defaults and then `options`, closed after the test. */
  makeRouter(options?: BackupModelRouterOptions): BackupModelRouter;
}

/** Registers the file's hooks: call it once, at the top of a test file. */
export function useRouterHarness(defaults: BackupModelRouterOptions = {}): RouterHarness {
  let started: ProviderTestServer | undefined;
  const routers: BackupModelRouter[] = [];
  beforeAll(async () => {
    started = await startProviderTestServer();
  });
  afterAll(async () => {
    await started?.close();
  });
  beforeEach(() => started?.reset());
  afterEach(async () => {
    await Promise.all(routers.splice(0).map((router) => router.close()));
  });
  const harness: RouterHarness = {
    get server(): ProviderTestServer {
      if (started === undefined) throw new Error('The provider test server starts before the first test: use it inside tests and hooks.');
      return started;
    },
    makeRouter(options = {}) {
      const router = new BackupModelRouter({ env: harness.server.environment(), ...defaults, ...options });
      routers.push(router);
      return router;
    },
  };
  return harness;
}
