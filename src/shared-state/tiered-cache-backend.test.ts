/**
 * TieredCacheBackend: the shared suite with two memory levels on the suite's clock, and with memory in
 * front of the real Redis (real time); then how a second-level hit fills the first.
 */
import { describe, expect, it } from 'vitest';
import type { CachedCompletion } from '../cache/cache-backend.js';
import { describeCacheBackend } from '../cache/cache-backend.case.js';
import { MemoryCacheBackend } from '../cache/memory-cache-backend.js';
import { ManualClock } from '../resilience/manual-clock.js';
import { RedisCacheBackend } from './redis-cache-backend.js';
import { redisTestGate, useTestRedis } from './redis-test-gate.test-support.js';
import { fillTtlSecondsWhenUnknown, TieredCacheBackend } from './tiered-cache-backend.js';

const redis = await redisTestGate();
const testRedis = useTestRedis(redis);

function redisBackend(): RedisCacheBackend {
  return new RedisCacheBackend({ client: testRedis.client, prefix: testRedis.prefix(), operationTimeoutMs: 2_000 });
}

describeCacheBackend(
  'TieredCacheBackend (memory, memory)',
  (clock) => new TieredCacheBackend(new MemoryCacheBackend({ clock }), new MemoryCacheBackend({ clock })),
);

redis.describe('on a real Redis', () => {
  describeCacheBackend(
    'TieredCacheBackend (memory, Redis)',
    (clock) => new TieredCacheBackend(new MemoryCacheBackend({ clock }), redisBackend()),
    { ttlMode: 'real' },
  );
});

const completion: CachedCompletion = {
  provider: 'groq',
  storedAtMs: 1_700_000_000_000,
  response: { content: 'Bonjour', toolCalls: [], finishReason: 'stop', model: 'llama-3.1-8b-instant' },
};

describe('TieredCacheBackend levels', () => {
  redis.it('copies a Redis hit into memory with the TTL Redis had left, not a fresh one', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const memory = new MemoryCacheBackend({ clock });
    const second = redisBackend();
    const tiered = new TieredCacheBackend(memory, second);
    await second.set('key', completion, 30);
    expect(await memory.get('key')).toBeUndefined();
    expect(await tiered.get('key')).toEqual(completion);
    await second.delete('key');
    clock.advance(29_000);
    expect(await tiered.get('key')).toEqual(completion);
    clock.advance(1_001);
    expect(await memory.get('key')).toBeUndefined();
  });

  it(`copies a hit from a level that cannot tell its TTL for ${fillTtlSecondsWhenUnknown} s`, async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const first = new MemoryCacheBackend({ clock });
    const second = new MemoryCacheBackend({ clock });
    const tiered = new TieredCacheBackend(first, second);
    await second.set('key', completion, 600);
    expect(await tiered.get('key')).toEqual(completion);
    clock.advance(fillTtlSecondsWhenUnknown * 1_000 - 1);
    expect(await first.get('key')).toEqual(completion);
    clock.advance(1);
    expect(await first.get('key')).toBeUndefined();
  });

  it('answers from the first level without asking the second, and writes both on set', async () => {
    const clock = new ManualClock(0);
    const first = new MemoryCacheBackend({ clock });
    const second = new MemoryCacheBackend({ clock });
    const tiered = new TieredCacheBackend(first, second);
    await tiered.set('key', completion, 60);
    expect(await first.get('key')).toEqual(completion);
    expect(await second.get('key')).toEqual(completion);
    await second.delete('key');
    expect(await tiered.get('key')).toEqual(completion);
  });
});
