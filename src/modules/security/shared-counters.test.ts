import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createMemoryKv, type Kv } from '../storage/index.js';
import { createSharedCounters } from './shared-counters.js';

const counters = (kv = createMemoryKv()) => createSharedCounters({ kv, now: () => Date.now(), onError: (error) => { throw error; } });

describe('shared counters (write-behind)', () => {
  it('counts exactly in one process, and the store catches up within a flush', async () => {
    const kv = createMemoryKv();
    const one = counters(kv);
    const seen: number[] = [];
    for (let i = 0; i < 5; i += 1) seen.push(await one.increment('k', 60_000));
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    await sleep(60);
    expect(await kv.get('k')).toBe('5');
  });

  it('adds up what several processes counted', async () => {
    const kv = createMemoryKv();
    const [a, b] = [counters(kv), counters(kv)];
    await a.increment('k', 60_000);
    await b.increment('k', 60_000);
    await a.increment('k', 60_000);
    await b.increment('k', 60_000);
    await sleep(60);
    expect(await kv.get('k')).toBe('4');
    // A flush brings back the shared total: `a` has seen at least `b`'s first count, not only its own two.
    expect(await a.increment('k', 60_000)).toBeGreaterThanOrEqual(4);
  });

  it('still counts what a flush in progress is adding to the store', async () => {
    const kv = createMemoryKv();
    const slow: Kv = { ...kv, incr: async (key, options) => { await sleep(50); return kv.incr(key, options); } };
    const c = counters(slow);
    expect(await c.increment('k', 60_000)).toBe(1);
    expect(await c.increment('k', 60_000)).toBe(2);
    await sleep(30); // the flush of the second count is now waiting for the store
    expect(await c.increment('k', 60_000)).toBe(3);
  });
});
