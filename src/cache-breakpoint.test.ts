import { describe, expect, it } from 'vitest';
import { cacheBreakpointFor, cacheTtlOf, isCacheBreakpoint, isCacheTtl, longerCacheBreakpoint } from './cache-breakpoint.js';

describe('cache breakpoints', () => {
  it('read a lifetime from each form of the mark', () => {
    expect([undefined, false, true, { ttl: '5m' as const }, { ttl: '1h' as const }].map(cacheTtlOf)).toEqual([undefined, undefined, '5m', '5m', '1h']);
    expect(cacheBreakpointFor('5m')).toBe(true);
    expect(cacheBreakpointFor('1h')).toEqual({ ttl: '1h' });
    expect(['5m', '1h', '2h', 300, undefined].map(isCacheTtl)).toEqual([true, true, false, false, false]);
  });

  it('tell a mark from any other value', () => {
    expect([true, false, { ttl: '5m' }, { ttl: '1h' }].map(isCacheBreakpoint)).toEqual([true, true, true, true]);
    expect([undefined, null, 'x', 1, {}, { ttl: '2h' }, [], ['1h']].map(isCacheBreakpoint)).toEqual([false, false, false, false, false, false, false, false]);
  });

  it('keep the longer lifetime when two marks land on one message', () => {
    expect(longerCacheBreakpoint(undefined, undefined)).toBeUndefined();
    expect(longerCacheBreakpoint(false, true)).toBe(true);
    expect(longerCacheBreakpoint(true, { ttl: '1h' })).toEqual({ ttl: '1h' });
    expect(longerCacheBreakpoint({ ttl: '1h' }, undefined)).toEqual({ ttl: '1h' });
    expect(longerCacheBreakpoint({ ttl: '5m' }, true)).toBe(true);
  });
});
