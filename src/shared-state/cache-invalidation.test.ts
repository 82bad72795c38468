import { describe, expect, it } from 'vitest';
import { decodeCacheInvalidation, encodeCacheInvalidation } from './cache-invalidation.js';

describe('cache invalidation messages', () => {
  it('carry who removed what: one key, or every entry', () => {
    expect(JSON.parse(encodeCacheInvalidation('a', { key: 'bm:v1:default:abc' }))).toEqual({ v: 1, from: 'a', key: 'bm:v1:default:abc' });
    expect(decodeCacheInvalidation(encodeCacheInvalidation('a', { key: 'k' }))).toEqual({ from: 'a', invalidation: { key: 'k' } });
    expect(decodeCacheInvalidation(encodeCacheInvalidation('b', { all: true }))).toEqual({ from: 'b', invalidation: { all: true } });
  });

  it('ignore another version and anything malformed', () => {
    for (const text of ['{', '[]', '{"v":2,"from":"a","key":"k"}', '{"v":1,"key":"k"}', '{"v":1,"from":"a"}', '{"v":1,"from":"a","all":"yes"}', '{"v":1,"from":"a","key":7}']) {
      expect(decodeCacheInvalidation(text), text).toBeUndefined();
    }
  });
});
