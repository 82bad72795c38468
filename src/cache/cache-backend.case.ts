/**
 * The suite every CacheBackend must pass, written once and run against each implementation
 * (like Hono's `common.case.test.ts`). Usage, in `<name>.test.ts`:
 *
 *   describeCacheBackend('MemoryCacheBackend', (clock) => new MemoryCacheBackend({ clock }));
 *   describeCacheBackend('RedisCacheBackend', () => createRedisBackend(...), { ttlMode: 'real' });
 *
 * ttlMode 'clock' (default): `createBackend` receives a ManualClock the suite advances to expire entries.
 * ttlMode 'real': the backend keeps time itself (a server-side TTL); it receives `systemClock`, and the
 * TTL test waits for real (about 1.5 s) on a 1-second TTL.
 * Each test gets a fresh backend, closed afterwards; for a shared server, make `createBackend` use a
 * unique namespace per call, since `clear()` is tested.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../clock.js';
import { InvalidArgumentError } from '../errors.js';
import { ManualClock } from '../resilience/manual-clock.js';
import type { CacheBackend, CachedCompletion } from './cache-backend.js';

export interface DescribeCacheBackendOptions {
  ttlMode?: 'clock' | 'real';
}

export function describeCacheBackend(
  name: string,
  createBackend: (clock: Clock) => Promise<CacheBackend> | CacheBackend,
  options: DescribeCacheBackendOptions = {},
): void {
  const ttlMode = options.ttlMode ?? 'clock';

  describe(`CacheBackend: ${name}`, () => {
    let opened: CacheBackend[] = [];
    afterEach(async () => {
      const backends = opened;
      opened = [];
      for (const backend of backends) await backend.close();
    });

    async function open(): Promise<{ backend: CacheBackend; clock: ManualClock | undefined }> {
      const clock = ttlMode === 'clock' ? new ManualClock(1_700_000_000_000) : undefined;
      const backend = await createBackend(clock ?? systemClock);
      opened.push(backend);
      return { backend, clock };
    }

    it('misses a key never set', async () => {
      const { backend } = await open();
      expect(await backend.get('absent')).toBeUndefined();
    });

    it('returns what was set, deeply equal: text, tool calls, usage, request id', async () => {
      const { backend } = await open();
      await backend.set('with-tools', toolCallCompletion, 60);
      await backend.set('plain', plainCompletion, 60);
      expect(await backend.get('with-tools')).toEqual(toolCallCompletion);
      expect(await backend.get('plain')).toEqual(plainCompletion);
    });

    it('replaces a value on a second set', async () => {
      const { backend } = await open();
      await backend.set('key', plainCompletion, 60);
      await backend.set('key', toolCallCompletion, 60);
      expect(await backend.get('key')).toEqual(toolCallCompletion);
    });

    it('deletes one key, leaving the others; deleting an absent key is fine', async () => {
      const { backend } = await open();
      await backend.set('a', plainCompletion, 60);
      await backend.set('b', toolCallCompletion, 60);
      await backend.delete('a');
      await backend.delete('never-set');
      expect(await backend.get('a')).toBeUndefined();
      expect(await backend.get('b')).toEqual(toolCallCompletion);
    });

    it('clears every entry and keeps working afterwards', async () => {
      const { backend } = await open();
      await backend.set('a', plainCompletion, 60);
      await backend.set('b*', toolCallCompletion, 60);
      await backend.clear();
      expect(await backend.get('a')).toBeUndefined();
      expect(await backend.get('b*')).toBeUndefined();
      await backend.set('a', plainCompletion, 60);
      expect(await backend.get('a')).toEqual(plainCompletion);
    });

    it('keeps keys with odd characters apart, exactly as given', async () => {
      const { backend } = await open();
      const keys = [
        'bm:v1:scope%2Fwith%3Aodd:0123abcd',
        'a*',
        'ab',
        'a?',
        '[a]',
        'with space',
        'line\nbreak',
        'unicode: ünïcödé 🚀 中文',
        '__proto__',
        'constructor',
        'x'.repeat(2_000),
      ];
      for (const [index, key] of keys.entries()) {
        await backend.set(key, { ...plainCompletion, storedAtMs: index }, 60);
      }
      for (const [index, key] of keys.entries()) {
        expect(await backend.get(key), key).toEqual({ ...plainCompletion, storedAtMs: index });
      }
      // A pattern-looking key deletes itself only.
      await backend.delete('a*');
      expect(await backend.get('a*')).toBeUndefined();
      expect(await backend.get('ab')).toEqual({ ...plainCompletion, storedAtMs: 2 });
    });

    it('rejects a ttlSeconds that is not a positive number', async () => {
      const { backend } = await open();
      for (const ttlSeconds of [0, -1, Number.NaN]) {
        await expect(backend.set('key', plainCompletion, ttlSeconds)).rejects.toBeInstanceOf(InvalidArgumentError);
      }
      expect(await backend.get('key')).toBeUndefined();
    });

    if (ttlMode === 'clock') {
      it('expires an entry exactly at its TTL', async () => {
        const { backend, clock } = await open();
        await backend.set('key', plainCompletion, 10);
        clock?.advance(9_999);
        expect(await backend.get('key')).toEqual(plainCompletion);
        clock?.advance(1);
        expect(await backend.get('key')).toBeUndefined();
      });

      it('restarts the TTL when a key is set again', async () => {
        const { backend, clock } = await open();
        await backend.set('key', plainCompletion, 10);
        clock?.advance(8_000);
        await backend.set('key', toolCallCompletion, 10);
        clock?.advance(8_000);
        expect(await backend.get('key')).toEqual(toolCallCompletion);
        clock?.advance(2_000);
        expect(await backend.get('key')).toBeUndefined();
      });
    } else {
      it('expires an entry after its TTL (real time)', async () => {
        const { backend } = await open();
        await backend.set('short', plainCompletion, 1);
        await backend.set('long', toolCallCompletion, 60);
        expect(await backend.get('short')).toEqual(plainCompletion);
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        expect(await backend.get('short')).toBeUndefined();
        expect(await backend.get('long')).toEqual(toolCallCompletion);
      });
    }
  });
}

/** Shapes as our converters produce them from the recorded fixtures (src/types.ts). */
const toolCallCompletion: CachedCompletion = {
  provider: 'openai',
  storedAtMs: 1_700_000_000_123,
  response: {
    content: '',
    toolCalls: [
      { id: 'call_abc123', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
      { id: 'call_def456', name: 'get_time', arguments: '{"timezone":"Europe/Paris"}' },
    ],
    finishReason: 'tool_calls',
    usage: { inputTokens: 82, outputTokens: 41, totalTokens: 123 },
    model: 'gpt-4o-mini-2024-07-18',
    requestId: 'req_0123456789abcdef',
  },
};

const plainCompletion: CachedCompletion = {
  provider: 'groq',
  storedAtMs: 1_700_000_000_000,
  response: {
    content: 'Bonjour ! « Ça va ? »\n\n```json\n{"a": [1, 2.5, null]}\n```  ',
    toolCalls: [],
    finishReason: 'stop',
    model: 'llama-3.1-8b-instant',
  },
};
