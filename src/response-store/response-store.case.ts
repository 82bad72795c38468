/**
 * What every ResponseStore does, run against each (memory, Redis): texts kept and read back by name, under their
 * scope only. Expiry is each store's own test: memory's on its clock, Redis's on Redis's.
 */
import { describe, expect, it } from 'vitest';
import type { ResponseStore } from './response-store.js';

export function describeResponseStore(name: string, createStore: () => ResponseStore): void {
  describe(`ResponseStore: ${name}`, () => {
    it('reads back what it kept, in the order asked, and nothing for a name never kept', async () => {
      const store = createStore();
      await store.set('gateway-key:alpha', [{ name: 'item:msg_1', text: '{"type":"message"}' }, { name: 'item:fc_1_0', text: '{"type":"function_call"}' }], 60);
      expect(await store.get('gateway-key:alpha', ['item:fc_1_0', 'item:missing', 'item:msg_1'])).toEqual(['{"type":"function_call"}', undefined, '{"type":"message"}']);
    });

    it("keeps each scope's entries apart: a name kept under one scope is not found under another", async () => {
      const store = createStore();
      await store.set('gateway-key:alpha', [{ name: 'item:msg_1', text: 'alpha' }], 60);
      await store.set('gateway-key:bravo', [{ name: 'item:msg_2', text: 'bravo' }], 60);
      expect(await store.get('gateway-key:bravo', ['item:msg_1', 'item:msg_2'])).toEqual([undefined, 'bravo']);
      expect(await store.get('gateway-key:alpha', ['item:msg_1', 'item:msg_2'])).toEqual(['alpha', undefined]);
    });

    it('replaces an entry kept again under the same name', async () => {
      const store = createStore();
      await store.set('gateway-key:alpha', [{ name: 'response:resp_1', text: 'first' }], 60);
      await store.set('gateway-key:alpha', [{ name: 'response:resp_1', text: 'second' }], 60);
      expect(await store.get('gateway-key:alpha', ['response:resp_1'])).toEqual(['second']);
    });

    it('forgets the entries deleted, under their scope only, and takes a name never kept as done', async () => {
      const store = createStore();
      await store.set('gateway-key:alpha', [{ name: 'response:resp_1', text: 'kept' }, { name: 'item:msg_1', text: 'item' }], 60);
      await store.set('gateway-key:bravo', [{ name: 'response:resp_1', text: 'other' }], 60);
      expect(await store.delete('gateway-key:alpha', ['response:resp_1', 'item:never'])).toBe(true);
      expect(await store.get('gateway-key:alpha', ['response:resp_1', 'item:msg_1'])).toEqual([undefined, 'item']);
      expect(await store.get('gateway-key:bravo', ['response:resp_1'])).toEqual(['other']);
    });

    it('refuses a time to live that is not a positive number', async () => {
      const store = createStore();
      await expect(store.set('gateway-key:alpha', [{ name: 'item:msg_1', text: 'x' }], 0)).rejects.toThrow(/ttlSeconds/);
      await expect(store.touch('gateway-key:alpha', ['item:msg_1'], Number.NaN)).rejects.toThrow(/ttlSeconds/);
    });

    it('touches only what it keeps under the scope: a name never kept, or kept under another scope, is not made', async () => {
      const store = createStore();
      await store.set('gateway-key:alpha', [{ name: 'turn:resp_1', text: 'kept' }], 60);
      await store.touch('gateway-key:bravo', ['turn:resp_1', 'turn:never'], 60);
      await store.touch('gateway-key:alpha', ['turn:resp_1', 'turn:never'], 120);
      expect(await store.get('gateway-key:alpha', ['turn:resp_1', 'turn:never'])).toEqual(['kept', undefined]);
      expect(await store.get('gateway-key:bravo', ['turn:resp_1'])).toEqual([undefined]);
    });
  });
}
