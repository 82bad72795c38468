/**
 * Shared-state instances for a file's tests on the real Redis: one commands connection for the test's own reads,
 * instances opened on the prefix the test has set, and after each test the instances closed and the prefix's
 * keys deleted.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createRedisClient, type RedisConnection } from './create-redis-client.js';
import { createRedisSharedState, type RedisSharedState, type RedisSharedStateOptions } from './index.js';
import { deleteKeysUnder, type RedisTestGate, testRedisUrl, waitFor, waitUntilReady } from './redis-test-gate.test-support.js';

export interface SharedStateInstances {
  /** The test's own connection (not an instance's). */
  readonly client: RedisConnection;
  /** An instance on the test's prefix, connected: options over a 1 s operation timeout. */
  open(options?: Partial<RedisSharedStateOptions>): Promise<RedisSharedState>;
  /** Closed after the test, with the instances. */
  closeAfterTest(closable: { close(): Promise<void> }): void;
}

export function useSharedStateInstances(redis: RedisTestGate, prefixOfTest: () => string | undefined): SharedStateInstances {
  let client: RedisConnection | undefined;
  let opened: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    if (redis.skip) return;
    client = createRedisClient({ url: testRedisUrl, role: 'commands', commandTimeoutMs: 2_000 });
    await waitUntilReady(client);
  });
  afterEach(async () => {
    await Promise.all(opened.map((shared) => shared.close()));
    opened = [];
    const prefix = prefixOfTest();
    if (client && prefix) await deleteKeysUnder(client, prefix);
  });
  afterAll(() => client?.disconnect(false));
  return {
    get client(): RedisConnection {
      if (!client) throw new Error('The test Redis is not connected (used outside a test, or the tests are skipped).');
      return client;
    },
    closeAfterTest(closable) {
      opened.push(closable);
    },
    async open(options = {}) {
      const prefix = prefixOfTest();
      if (prefix === undefined) throw new Error('Set the test\'s prefix before opening an instance.');
      const shared = createRedisSharedState({ url: testRedisUrl, prefix, operationTimeoutMs: 1_000, ...options });
      opened.push(shared);
      await waitFor(() => shared.isReady(), { timeoutMs: 5_000, what: 'the shared state to connect' });
      return shared;
    },
  };
}
