/**
 * RedisCacheBackend against the real Redis on 127.0.0.1:6379: the shared CacheBackend suite (server-side
 * TTLs, so real time), then what only Redis has: the key layout, versions, TTLs, prefixes, and a Redis
 * that is not there.
 */
import { expect } from 'vitest';
import type { CachedCompletion } from '../cache/cache-backend.js';
import { describeCacheBackend } from '../cache/cache-backend.case.js';
import { InvalidArgumentError } from '../errors.js';
import { createRedisClient } from './create-redis-client.js';
import { RedisCacheBackend } from './redis-cache-backend.js';
import { redisTestGate, uniquePrefix, useTestRedis } from './redis-test-gate.test-support.js';

const redis = await redisTestGate();
const testRedis = useTestRedis(redis);
const prefixForTest = (base?: string): string => testRedis.prefix(base);

/** A generous budget: the suite checks behaviour, not speed, on a loaded two-core machine. */
function backend(prefix = prefixForTest()): RedisCacheBackend {
  return new RedisCacheBackend({ client: testRedis.client, prefix, operationTimeoutMs: 2_000 });
}

redis.describe('on a real Redis', () => {
  describeCacheBackend('RedisCacheBackend', () => backend(), { ttlMode: 'real' });
});

const completion: CachedCompletion = {
  provider: 'groq',
  storedAtMs: 1_700_000_000_000,
  response: { content: 'Bonjour', toolCalls: [], finishReason: 'stop', model: 'llama-3.1-8b-instant' },
};

redis.describe('RedisCacheBackend in Redis', () => {
  redis.it('writes <prefix>:cache:v1:<key>, a versioned value, with a TTL in milliseconds', async () => {
    const prefix = prefixForTest();
    await backend(prefix).set('bm:v1:default:abc', completion, 60);
    const raw = await testRedis.client.get(`${prefix}:cache:v1:bm:v1:default:abc`);
    expect(JSON.parse(raw ?? 'null')).toEqual({ v: 1, entry: completion });
    const ttlMs = await testRedis.client.pttl(`${prefix}:cache:v1:bm:v1:default:abc`);
    expect(ttlMs).toBeGreaterThan(55_000);
    expect(ttlMs).toBeLessThanOrEqual(60_000);
  });

  redis.it('reads a value of an unknown version as a miss', async () => {
    const prefix = prefixForTest();
    await testRedis.client.set(`${prefix}:cache:v1:key`, JSON.stringify({ v: 2, entry: completion }), 'PX', 60_000);
    expect(await backend(prefix).get('key')).toBeUndefined();
  });

  redis.it('reads the remaining TTL with the entry', async () => {
    const cache = backend();
    await cache.set('key', completion, 30);
    const found = await cache.getWithRemainingTtl('key');
    expect(found?.value).toEqual(completion);
    expect(found?.remainingTtlMs).toBeGreaterThan(25_000);
    expect(found?.remainingTtlMs).toBeLessThanOrEqual(30_000);
  });

  redis.it('clears its own prefix only: not a prefix its pattern would match, nor the state keys', async () => {
    const globby = prefixForTest(`${uniquePrefix()}*`);
    const lookalike = prefixForTest(`${globby.slice(0, -1)}x`);
    await backend(globby).set('key', completion, 60);
    await backend(lookalike).set('key', completion, 60);
    await testRedis.client.set(`${globby}:state:v1:breaker:groq`, '{}', 'PX', 60_000);
    await backend(globby).clear();
    expect(await backend(globby).get('key')).toBeUndefined();
    expect(await backend(lookalike).get('key')).toEqual(completion);
    expect(await testRedis.client.exists(`${globby}:state:v1:breaker:groq`)).toBe(1);
  });

  redis.it('with no Redis there: get misses, set and delete do nothing, none throws; clear rejects', async () => {
    const absent = createRedisClient({ url: 'redis://127.0.0.1:1', role: 'commands', commandTimeoutMs: 50, maxReconnectDelayMs: 100 });
    try {
      const cache = new RedisCacheBackend({ client: absent, prefix: uniquePrefix() });
      expect(await cache.get('key')).toBeUndefined();
      await expect(cache.set('key', completion, 60)).resolves.toBeUndefined();
      await expect(cache.delete('key')).resolves.toBeUndefined();
      await expect(cache.clear()).rejects.toThrow();
      // A caller's bug is still a typed error, Redis or not.
      await expect(cache.set('key', completion, 0)).rejects.toBeInstanceOf(InvalidArgumentError);
    } finally {
      absent.disconnect(false);
    }
  });
});
