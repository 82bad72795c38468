/**
 * TieredCacheBackend between instances on the real Redis: a delete or a clear on one drops the entry from the
 * others' in-memory level too, a message missed while disconnected costs the whole memory level, and close()
 * closes the subscription. Each instance has connections of its own, as separate processes would.
 */
import { cachedContent } from '../cache/cached-content.test-support.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { CacheBackend, CacheEntry, CachedCompletion } from '../cache/cache-backend.js';
import { MemoryCacheBackend } from '../cache/memory-cache-backend.js';
import { ManualClock } from '../resilience/manual-clock.js';
import { createRedisClient, type RedisConnection } from './create-redis-client.js';
import { createRedisSharedState } from './create-redis-shared-state.js';
import { RedisCacheBackend } from './redis-cache-backend.js';
import { redisTestGate, testRedisUrl, useTestRedis, waitFor, waitUntilReady } from './redis-test-gate.test-support.js';
import { TieredCacheBackend } from './tiered-cache-backend.js';

const redis = await redisTestGate();
const testRedis = useTestRedis(redis);
const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});
afterAll(async () => {
  for (const close of closing.splice(0)) await close();
});

const completion = (content: string): CachedCompletion => ({
  provider: 'groq',
  storedAtMs: 1_700_000_000_000,
  response: { content, toolCalls: [], finishReason: 'stop', model: 'llama-3.1-8b-instant' },
});

/** One instance: memory in front of Redis, on connections of its own (commands and subscriber), which it closes. */
async function instance(prefix: string): Promise<{ tiered: TieredCacheBackend; memory: MemoryCacheBackend; subscriber: RedisConnection }> {
  const client = createRedisClient({ url: testRedisUrl, role: 'commands', commandTimeoutMs: 2_000 });
  const subscriber = createRedisClient({ url: testRedisUrl, role: 'subscriber' });
  const memory = new MemoryCacheBackend();
  const tiered = new TieredCacheBackend(memory, new RedisCacheBackend({ client, subscriber, prefix, operationTimeoutMs: 2_000, ownsClient: true }));
  closing.push(() => tiered.close());
  await Promise.all([waitUntilReady(client), waitUntilReady(subscriber)]);
  await waitForSubscribers(prefix, 'at least', 1);
  return { tiered, memory, subscriber };
}

async function subscribers(prefix: string): Promise<number> {
  return ((await testRedis.client.pubsub('NUMSUB', `${prefix}:cache:v1`)) as [string, number])[1];
}

async function waitForSubscribers(prefix: string, relation: 'at least' | 'exactly', count: number): Promise<void> {
  await waitFor(async () => (relation === 'exactly' ? (await subscribers(prefix)) === count : (await subscribers(prefix)) >= count), {
    timeoutMs: 5_000,
    what: `${relation} ${count} subscribers to the cache channel`,
  });
}

/** Set on A, read on B: B's memory level holds the entry now. */
async function cachedOnBoth(a: CacheBackend, b: { tiered: CacheBackend; memory: MemoryCacheBackend }, keys: readonly string[]): Promise<void> {
  for (const key of keys) await a.set(key, completion(`answer ${key}`), 600);
  for (const key of keys) expect(cachedContent(await b.tiered.get(key))).toBe(`answer ${key}`);
  for (const key of keys) expect(await b.memory.get(key)).toBeDefined();
}

redis.describe('TieredCacheBackend between instances', () => {
  it("drops an entry another instance deleted from this one's memory level", async () => {
    const prefix = testRedis.prefix();
    const a = await instance(prefix);
    const b = await instance(prefix);
    await waitForSubscribers(prefix, 'exactly', 2);
    await cachedOnBoth(a.tiered, b, ['deleted', 'kept']);

    await a.tiered.delete('deleted');
    await waitFor(async () => (await b.memory.get('deleted')) === undefined, { timeoutMs: 2_000, what: "B's memory level to drop the entry" });
    expect(await b.tiered.get('deleted')).toBeUndefined();
    expect(await b.memory.get('kept')).toBeDefined();
  });

  it("empties this one's memory level when another instance clears the cache", async () => {
    const prefix = testRedis.prefix();
    const a = await instance(prefix);
    const b = await instance(prefix);
    await waitForSubscribers(prefix, 'exactly', 2);
    await cachedOnBoth(a.tiered, b, ['one', 'two']);

    await a.tiered.clear();
    await waitFor(async () => (await b.memory.get('one')) === undefined && (await b.memory.get('two')) === undefined, {
      timeoutMs: 2_000,
      what: "B's memory level to empty",
    });
    expect(await b.tiered.get('one')).toBeUndefined();
    expect(await b.tiered.get('two')).toBeUndefined();
  });

  it("keeps out of its memory level a value read while its own clear was still removing entries from Redis", async () => {
    const prefix = testRedis.prefix();
    const a = await instance(prefix);
    const b = await instance(prefix);
    await waitForSubscribers(prefix, 'exactly', 2);
    // In Redis only, as another instance's answer is: A's memory level does not hold it.
    await b.tiered.set('read during the clear', completion('before the clear'), 600);
    expect(await a.memory.get('read during the clear')).toBeUndefined();

    // The clear takes round trips (SCAN, then UNLINK); the read's GET goes out between them, on the same
    // connection, so it finds the entry still there. Redis then drops it; A must not keep it in memory.
    const clearing = a.tiered.clear();
    const reading = a.tiered.get('read during the clear');
    await Promise.all([clearing, reading]);
    expect(await testRedis.client.exists(`${prefix}:cache:v1:read during the clear`)).toBe(0);
    expect(await a.memory.get('read during the clear')).toBeUndefined();
    expect(await a.tiered.get('read during the clear')).toBeUndefined();
  });

  it('empties its memory level when it subscribes again: what it missed meanwhile cannot be told apart', async () => {
    const prefix = testRedis.prefix();
    const a = await instance(prefix);
    const b = await instance(prefix);
    await waitForSubscribers(prefix, 'exactly', 2);
    await cachedOnBoth(a.tiered, b, ['deleted while away', 'untouched']);

    b.subscriber.disconnect(false);
    await waitForSubscribers(prefix, 'exactly', 1);
    await a.tiered.delete('deleted while away');
    // While cut off, B's memory level still answers: it keeps reads fast, and cannot know.
    expect(await b.memory.get('deleted while away')).toBeDefined();
    void b.subscriber.connect().catch(() => undefined);
    await waitFor(async () => (await b.memory.get('deleted while away')) === undefined, { timeoutMs: 5_000, what: 'B to subscribe again' });
    expect(await b.memory.get('untouched')).toBeUndefined();
    expect(await b.tiered.get('deleted while away')).toBeUndefined();
    expect(cachedContent(await b.tiered.get('untouched'))).toBe('answer untouched');
  });

  it('closes the subscriber it owns on close(), and unsubscribes from a shared one it does not own', async () => {
    const prefix = testRedis.prefix();
    const owner = await instance(prefix);
    await owner.tiered.close();
    await waitFor(() => owner.subscriber.status === 'end', { timeoutMs: 2_000, what: 'the subscriber to close' });
    await waitForSubscribers(prefix, 'exactly', 0);

    // createRedisSharedState: one subscriber for the cache and the provider state, closed by the shared state.
    const shared = createRedisSharedState({ url: testRedisUrl, prefix, operationTimeoutMs: 2_000 });
    closing.push(() => shared.close());
    await waitFor(() => shared.isReady(), { timeoutMs: 5_000, what: 'the shared state to connect' });
    await waitForSubscribers(prefix, 'exactly', 1);
    await shared.cacheBackend.close();
    await waitForSubscribers(prefix, 'exactly', 0);
    expect(((await testRedis.client.pubsub('NUMSUB', `${prefix}:state:v1`)) as [string, number])[1]).toBe(1);
    await shared.close();
    await waitFor(async () => ((await testRedis.client.pubsub('NUMSUB', `${prefix}:state:v1`)) as [string, number])[1] === 0, {
      timeoutMs: 2_000,
      what: 'the shared subscriber to close',
    });
  });
});

/** A level whose gets wait until the test lets them answer: what a slow Redis does to a read in flight. */
class HeldReads implements CacheBackend {
  readonly #inner: MemoryCacheBackend;
  readonly #held: (() => void)[] = [];

  constructor(inner: MemoryCacheBackend) {
    this.#inner = inner;
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    const value = await this.#inner.get(key);
    await new Promise<void>((resolve) => this.#held.push(resolve));
    return value;
  }

  get heldCount(): number {
    return this.#held.length;
  }

  release(): void {
    for (const resolve of this.#held.splice(0)) resolve();
  }

  set = (key: string, value: CacheEntry, ttlSeconds: number): Promise<void> => this.#inner.set(key, value, ttlSeconds);
  delete = (key: string): Promise<void> => this.#inner.delete(key);
  clear = (): Promise<void> => this.#inner.clear();
  close = (): Promise<void> => this.#inner.close();
}

describe('TieredCacheBackend with a read in flight', () => {
  for (const removal of ['delete', 'clear'] as const) {
    it(`does not copy into the first level a value read before a ${removal}`, async () => {
      const clock = new ManualClock(1_700_000_000_000);
      const first = new MemoryCacheBackend({ clock });
      const second = new HeldReads(new MemoryCacheBackend({ clock }));
      const tiered = new TieredCacheBackend(first, second);
      await second.set('key', completion('before'), 600);
      const reading = tiered.get('key');
      await waitFor(() => second.heldCount === 1, { timeoutMs: 1_000, what: 'the read to reach the second level' });
      await (removal === 'delete' ? tiered.delete('key') : tiered.clear());
      second.release();
      // The caller asked before the removal: it may have the old value; the first level must not keep it.
      expect(cachedContent(await reading)).toBe('before');
      expect(await first.get('key')).toBeUndefined();
    });
  }
});
