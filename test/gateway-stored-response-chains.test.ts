/**
 * The stored response chains suite (stored-response-chains.case.ts) against both stores of answered Responses items:
 * the gateway's memory, on a manual clock, and the real Redis on 127.0.0.1:6379, where time passing is Redis's own
 * time to live made shorter.
 */
import { MemoryResponseStore } from '../src/response-store/memory-response-store.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { createRedisSharedState } from '../src/shared-state/create-redis-shared-state.js';
import { redisTestGate, testRedisUrl, useTestRedis, waitFor } from '../src/shared-state/redis-test-gate.test-support.js';
import { scanKeys } from '../src/shared-state/scan-keys.js';
import { escapeGlob } from '../src/shared-state/shared-state-keys.js';
import { startGatewayHarness } from './gateway-harness.js';
import { describeStoredResponseChains } from './stored-response-chains.case.js';

const redis = await redisTestGate();
const testRedis = useTestRedis(redis);

describeStoredResponseChains('in memory', async ({ yamlText, wrap }) => {
  const clock = new ManualClock(Date.UTC(2026, 10, 27, 12));
  const memory = new MemoryResponseStore({ clock });
  const harness = await startGatewayHarness({ yamlText, providerIds: ['openai'], gatewayOptions: { clock, responseStore: wrap(memory) } });
  return {
    harness,
    keptBytes: () => Promise.resolve(memory.bytes),
    age: (ms) => Promise.resolve(clock.advance(ms)),
    close: () => harness.close(),
  };
});

redis.describe('on a real Redis', () => {
  describeStoredResponseChains('on Redis', async ({ yamlText, wrap }) => {
    const prefix = testRedis.prefix();
    const shared = createRedisSharedState({ url: testRedisUrl, prefix, operationTimeoutMs: 2_000 });
    await waitFor(() => shared.isReady(), { timeoutMs: 5_000, what: 'the shared state to connect' });
    const harness = await startGatewayHarness({ yamlText, providerIds: ['openai'], gatewayOptions: { responseStore: wrap(shared.responseStore) } });
    const eachKey = async (use: (key: string) => Promise<void>): Promise<void> => {
      const keys: string[] = [];
      await scanKeys(testRedis.client, { pattern: `${escapeGlob(prefix)}:responses:*`, batchSize: 1_000 }, (_node, found) => {
        keys.push(...found);
      });
      for (const key of keys) await use(key);
    };
    return {
      harness,
      keptBytes: async () => {
        let bytes = 0;
        await eachKey(async (key) => {
          bytes += await testRedis.client.strlen(key);
        });
        return bytes;
      },
      age: (ms) =>
        eachKey(async (key) => {
          const ttlMs = await testRedis.client.pttl(key);
          if (ttlMs > ms) await testRedis.client.pexpire(key, ttlMs - ms);
          else await testRedis.client.del(key);
        }),
      close: async () => {
        await harness.close();
        await shared.close();
      },
    };
  });
});
