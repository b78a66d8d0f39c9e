import { describe, expect, it } from 'vitest';
import { LruCache } from '../../src/lru-cache.js';

describe('LruCache', () => {
  it('keeps at most its limit, dropping the least recently used (a read counts as a use)', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.size]).toEqual([1, 3, 2]);
    cache.set('a', 4);
    expect([cache.get('a'), cache.size]).toEqual([4, 2]);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
