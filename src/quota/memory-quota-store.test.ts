import { describe, expect, it } from 'vitest';
import { MemoryQuotaStore } from './memory-quota-store.js';
import { describeQuotaStore } from './quota-store.case.js';
import { requestWindowMs } from './sliding-window.js';

describeQuotaStore('MemoryQuotaStore', () => new MemoryQuotaStore());

describe('MemoryQuotaStore, a request that comes late', () => {
  it('counts it at the latest time seen, never moving the minute back', async () => {
    const store = new MemoryQuotaStore();
    const next = requestWindowMs * 51 + 1_000;
    for (let index = 0; index < 3; index += 1) expect((await store.takeRequest('k', 3, next)).admitted).toBe(true);
    // Stamped in the window before (it read the clock, then waited): refused, the window kept.
    expect((await store.takeRequest('k', 3, requestWindowMs * 50 + 59_000)).admitted).toBe(false);
    expect((await store.takeRequest('k', 3, next + 10)).admitted).toBe(false);
    expect(await store.requestCounts('k', requestWindowMs * 50)).toEqual({ previous: 0, current: 3 });
  });
});
