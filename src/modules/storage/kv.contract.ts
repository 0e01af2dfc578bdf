import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Kv } from './contract.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The behaviour every Kv must share; run against each implementation by kv.int.test.ts. */
export function kvContract(name: string, create: () => Promise<{ kv: Kv; dispose: () => Promise<void> }>): void {
  describe(`Kv contract: ${name}`, () => {
    let kv: Kv;
    let dispose: () => Promise<void>;

    beforeEach(async () => {
      ({ kv, dispose } = await create());
    });
    afterEach(async () => {
      await dispose();
    });

    it('gets what was set, null for a missing key, nothing after del', async () => {
      expect(await kv.get('missing')).toBeNull();
      expect(await kv.set('a', 'one')).toBe(true);
      expect(await kv.get('a')).toBe('one');
      await kv.del('a');
      expect(await kv.get('a')).toBeNull();
      await kv.del('a');
    });

    it('set with ifAbsent only writes a new key', async () => {
      expect(await kv.set('k', 'first', { ifAbsent: true })).toBe(true);
      expect(await kv.set('k', 'second', { ifAbsent: true })).toBe(false);
      expect(await kv.get('k')).toBe('first');
    });

    it('expires keys after their TTL and reports the remaining TTL', async () => {
      await kv.set('short', 'v', { ttlMs: 80 });
      await kv.set('forever', 'v');
      const ttl = await kv.ttl('short');
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(80);
      expect(await kv.ttl('forever')).toBeNull();
      expect(await kv.ttl('missing')).toBeNull();
      await sleep(120);
      expect(await kv.get('short')).toBeNull();
      expect(await kv.ttl('short')).toBeNull();
      expect(await kv.set('short', 'again', { ifAbsent: true, ttlMs: 1000 })).toBe(true);
    });

    it('a plain set clears an earlier TTL', async () => {
      await kv.set('k', 'v', { ttlMs: 1000 });
      await kv.set('k', 'w');
      expect(await kv.ttl('k')).toBeNull();
    });

    it('incr counts, by a step, and sets the TTL only when it creates the key', async () => {
      expect(await kv.incr('n')).toBe(1);
      expect(await kv.incr('n', { by: 5 })).toBe(6);
      expect(await kv.get('n')).toBe('6');
      expect(await kv.ttl('n')).toBeNull();

      expect(await kv.incr('windowed', { ttlMs: 1000 })).toBe(1);
      const first = await kv.ttl('windowed');
      await sleep(30);
      expect(await kv.incr('windowed', { ttlMs: 1000 })).toBe(2);
      const second = await kv.ttl('windowed');
      expect(first).not.toBeNull();
      expect(second).not.toBeNull();
      expect(second ?? 0).toBeLessThan(first ?? 0);
    });

    it('incr is atomic under concurrency', async () => {
      await Promise.all(Array.from({ length: 100 }, () => kv.incr('c')));
      expect(await kv.get('c')).toBe('100');
    });

    it('deletes the keys that contain a fragment, wherever it sits, and no other', async () => {
      const mine = '4a0f8d4e-0000-4000-8000-000000000001';
      await kv.set(`conversation:${mine}:c1`, 'v');
      await kv.set(`lock:conversation:${mine}:c1`, 'v', { ttlMs: 10_000 });
      await kv.incr(`rate:${mine}`);
      await kv.set('conversation:other:c1', 'v');
      expect(await kv.deleteMatching(mine)).toBe(3);
      expect(await kv.get(`conversation:${mine}:c1`)).toBeNull();
      expect(await kv.get(`rate:${mine}`)).toBeNull();
      expect(await kv.get('conversation:other:c1')).toBe('v');
      expect(await kv.deleteMatching(mine)).toBe(0);
    });

    it('incr on a non-integer value fails', async () => {
      await kv.set('text', 'hello');
      await expect(kv.incr('text')).rejects.toThrow();
    });
  });
}
