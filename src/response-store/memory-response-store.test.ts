import { describe, expect, it } from 'vitest';
import { ManualClock } from '../resilience/manual-clock.js';
import { MemoryResponseStore } from './memory-response-store.js';
import { describeResponseStore } from './response-store.case.js';

describeResponseStore('memory', () => new MemoryResponseStore());

describe('MemoryResponseStore', () => {
  it('forgets an entry once its time to live has passed on its clock', async () => {
    const clock = new ManualClock(1_000_000);
    const store = new MemoryResponseStore({ clock });
    await store.set('gateway-key:alpha', [{ name: 'item:msg_1', text: 'kept' }], 60);
    clock.advance(59_999);
    expect(await store.get('gateway-key:alpha', ['item:msg_1'])).toEqual(['kept']);
    clock.advance(1);
    expect(await store.get('gateway-key:alpha', ['item:msg_1'])).toEqual([undefined]);
    expect(store.bytes).toBe(0);
  });

  it('keeps a touched entry its time to live again from the touch, on its clock; one expired is not brought back', async () => {
    const clock = new ManualClock(1_000_000);
    const store = new MemoryResponseStore({ clock });
    await store.set('s', [{ name: 'turn:resp_1', text: 'start' }, { name: 'turn:resp_2', text: 'gone' }], 60);
    clock.advance(50_000);
    await store.touch('s', ['turn:resp_1'], 60);
    clock.advance(50_000);
    expect(await store.get('s', ['turn:resp_1', 'turn:resp_2'])).toEqual(['start', undefined]);
    await store.touch('s', ['turn:resp_2'], 60);
    expect(await store.get('s', ['turn:resp_2'])).toEqual([undefined]);
    clock.advance(10_000);
    expect(await store.get('s', ['turn:resp_1'])).toEqual([undefined]);
    expect(store.bytes).toBe(0);
  });

  it('evicts a touched entry last: a conversation still going keeps its start past maxBytes', async () => {
    const store = new MemoryResponseStore({ maxBytes: 8 });
    await store.set('s', [{ name: 'a', text: '1234' }, { name: 'b', text: '5678' }], 60);
    await store.touch('s', ['a'], 60);
    await store.set('s', [{ name: 'c', text: '90' }], 60);
    expect(await store.get('s', ['a', 'b', 'c'])).toEqual(['1234', undefined, '90']);
  });

  it('lets the least recently kept or read go past maxBytes, and keeps no entry larger than that on its own', async () => {
    const store = new MemoryResponseStore({ maxBytes: 10 });
    await store.set('s', [{ name: 'a', text: '1234' }, { name: 'b', text: '5678' }], 60);
    await store.set('s', [{ name: 'c', text: 'é90' }], 60);
    // 'é' is two bytes: 4 + 4 + 4 is past 10, so the oldest, a, goes.
    expect(await store.get('s', ['a', 'b', 'c'])).toEqual([undefined, '5678', 'é90']);
    expect(store.bytes).toBe(8);
    await store.set('s', [{ name: 'd', text: '12345678901' }], 60);
    expect(await store.get('s', ['b', 'c', 'd'])).toEqual(['5678', 'é90', undefined]);
    // b was read after c was kept: c is now the least recently used, and goes first.
    await store.get('s', ['b']);
    await store.set('s', [{ name: 'e', text: '123' }], 60);
    expect(await store.get('s', ['b', 'c', 'e'])).toEqual(['5678', undefined, '123']);
  });

  it('refuses a size bound that is not a positive integer', () => {
    expect(() => new MemoryResponseStore({ maxBytes: 0 })).toThrow(/maxBytes/);
  });
});
