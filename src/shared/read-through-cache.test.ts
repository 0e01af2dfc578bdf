import { describe, expect, it } from 'vitest';
import { readThroughCache } from './read-through-cache.js';

function manualClock() {
  let now = 1_000;
  return { now: () => now, isoNow: () => new Date(now).toISOString(), advance: (ms: number) => void (now += ms) };
}

describe('readThroughCache', () => {
  it('loads a key once for every caller that asks while it loads, and again only after it expires', async () => {
    const clock = manualClock();
    let loads = 0;
    const cache = readThroughCache<{ n: number }>({ max: 10, ttlMs: 5_000, clock, load: async () => ({ n: ++loads }) });
    const first = await Promise.all(Array.from({ length: 50 }, () => cache.fetch('tenant-a')));
    expect(first.every((v) => v?.n === 1)).toBe(true);
    clock.advance(4_999);
    expect((await cache.fetch('tenant-a'))?.n).toBe(1);
    clock.advance(2);
    const second = await Promise.all([cache.fetch('tenant-a'), cache.fetch('tenant-a')]);
    expect(second.map((v) => v?.n)).toEqual([2, 2]);
    expect(loads).toBe(2);
  });

  it('keeps nothing for a load that finds nothing or fails, and keeps keys apart', async () => {
    const clock = manualClock();
    const calls: string[] = [];
    const cache = readThroughCache<{ key: string }>({
      max: 10,
      ttlMs: 5_000,
      clock,
      load: async (key) => {
        calls.push(key);
        if (key === 'broken') throw new Error('storage is down');
        return key === 'missing' ? undefined : { key };
      },
    });
    expect(await cache.fetch('missing')).toBeUndefined();
    expect(await cache.fetch('missing')).toBeUndefined();
    await expect(cache.fetch('broken')).rejects.toThrow('storage is down');
    await expect(cache.fetch('broken')).rejects.toThrow('storage is down');
    expect(await cache.fetch('a')).toEqual({ key: 'a' });
    expect(await cache.fetch('b')).toEqual({ key: 'b' });
    expect(calls).toEqual(['missing', 'missing', 'broken', 'broken', 'a', 'b']);
  });
});
