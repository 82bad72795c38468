/**
 * Reading a `cacheBreakpoint` mark (see `CacheBreakpoint` in types.ts): whether one is set, for how long its
 * entry is kept, and which of two marks on one message wins. Every layer that writes or reads the marks (the
 * Anthropic request, the gateway's dialects, the AI SDK adapter) reads them here.
 */
import type { CacheBreakpoint, CacheTtl } from './types.js';

/** The mark's lifetime: undefined when there is no mark, Anthropic's default five minutes for `true`. */
export function cacheTtlOf(mark: CacheBreakpoint | undefined): CacheTtl | undefined {
  if (mark === undefined || mark === false) return undefined;
  return mark === true ? '5m' : mark.ttl;
}

/** The mark for a lifetime: `true` for the default five minutes, so most marks stay the plain flag. */
export function cacheBreakpointFor(ttl: CacheTtl): CacheBreakpoint {
  return ttl === '1h' ? { ttl: '1h' } : true;
}

/** Two marks on what becomes one message: the longer lifetime wins. */
export function longerCacheBreakpoint(left: CacheBreakpoint | undefined, right: CacheBreakpoint | undefined): CacheBreakpoint | undefined {
  const leftTtl = cacheTtlOf(left);
  const rightTtl = cacheTtlOf(right);
  if (leftTtl === undefined) return rightTtl === undefined ? undefined : cacheBreakpointFor(rightTtl);
  return cacheBreakpointFor(leftTtl === '1h' || rightTtl === '1h' ? '1h' : '5m');
}

/** The lifetimes Anthropic takes in `cache_control.ttl`. */
export function isCacheTtl(value: unknown): value is CacheTtl {
  return value === '5m' || value === '1h';
}

/** Whether a value is a mark as `CacheBreakpoint` has it: true or false, or `{ ttl }` with a lifetime Anthropic takes. */
export function isCacheBreakpoint(value: unknown): value is CacheBreakpoint {
  return typeof value === 'boolean' || (typeof value === 'object' && value !== null && isCacheTtl((value as { ttl?: unknown }).ttl));
}
