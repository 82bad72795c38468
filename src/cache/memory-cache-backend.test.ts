import { cachedContent } from './cached-content.test-support.js';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { ManualClock } from '../resilience/manual-clock.js';
import { describeCacheBackend } from './cache-backend.case.js';
import type { CachedCompletion } from './cache-backend.js';
import { MemoryCacheBackend } from './memory-cache-backend.js';

describeCacheBackend('MemoryCacheBackend', (clock) => new MemoryCacheBackend({ clock }));

function completion(content: string): CachedCompletion {
  return {
    provider: 'groq',
    storedAtMs: 0,
    response: { content, toolCalls: [], finishReason: 'stop', model: 'llama-3.1-8b-instant' },
  };
}

describe('MemoryCacheBackend LRU', () => {
  it('evicts the least recently set entry when full', async () => {
    const cache = new MemoryCacheBackend({ clock: new ManualClock(), maxEntries: 3 });
    for (const key of ['a', 'b', 'c', 'd']) await cache.set(key, completion(key), 60);
    expect(cache.size).toBe(3);
    expect(await cache.get('a')).toBeUndefined();
    expect(cachedContent(await cache.get('b'))).toBe('b');
  });

  it('a read makes an entry most recent, so the next eviction spares it', async () => {
    const cache = new MemoryCacheBackend({ clock: new ManualClock(), maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) await cache.set(key, completion(key), 60);
    await cache.get('a');
    await cache.set('d', completion('d'), 60); // evicts b, now the least recent
    expect(await cache.get('b')).toBeUndefined();
    expect(cachedContent(await cache.get('a'))).toBe('a');
    await cache.set('b', completion('b'), 60); // evicts c
    await cache.set('a', completion('a2'), 60); // overwrite refreshes recency too
    await cache.set('e', completion('e'), 60); // evicts d
    expect(await cache.get('c')).toBeUndefined();
    expect(await cache.get('d')).toBeUndefined();
    expect(cachedContent(await cache.get('a'))).toBe('a2');
  });

  it('drops an expired entry when read, freeing its slot', async () => {
    const clock = new ManualClock();
    const cache = new MemoryCacheBackend({ clock, maxEntries: 2 });
    await cache.set('short', completion('short'), 1);
    await cache.set('long', completion('long'), 60);
    clock.advance(1_000);
    expect(await cache.get('short')).toBeUndefined();
    expect(cache.size).toBe(1);
    await cache.set('next', completion('next'), 60);
    expect(cachedContent(await cache.get('long'))).toBe('long');
  });

  it('defaults to 1000 entries and rejects a bad maxEntries', async () => {
    const cache = new MemoryCacheBackend({ clock: new ManualClock() });
    for (let index = 0; index < 1_001; index++) await cache.set(`k${index}`, completion('x'), 60);
    expect(cache.size).toBe(1_000);
    expect(await cache.get('k0')).toBeUndefined();
    expect(() => new MemoryCacheBackend({ maxEntries: 0 })).toThrow(InvalidArgumentError);
  });
});
