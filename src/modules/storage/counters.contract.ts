import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Counters } from './contract.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The behaviour every Counters must share; run against each implementation by counters.int.test.ts. */
export function countersContract(name: string, create: () => Promise<{ counters: Counters; dispose: () => Promise<void> }>): void {
  describe(`Counters contract: ${name}`, () => {
    let counters: Counters;
    let dispose: () => Promise<void>;

    beforeEach(async () => {
      ({ counters, dispose } = await create());
    });
    afterEach(async () => {
      await dispose();
    });

    it('adds to several counters at once and reads them in the order asked, 0 when missing', async () => {
      await counters.add([]);
      await counters.add([{ key: 'a', by: 2, ttlMs: 10_000 }, { key: 'b', by: 1, ttlMs: 10_000 }, { key: 'a', by: 3, ttlMs: 10_000 }]);
      await counters.add([{ key: 'b', by: 4, ttlMs: 10_000 }]);
      expect(await counters.read(['b', 'missing', 'a'])).toEqual([5, 0, 5]);
      expect(await counters.read([])).toEqual([]);
    });

    it('adds concurrently without losing a change', async () => {
      await Promise.all(Array.from({ length: 50 }, () => counters.add([{ key: 'c', by: 1, ttlMs: 10_000 }])));
      expect(await counters.read(['c'])).toEqual([50]);
    });

    it("a counter expires by its last change's TTL", async () => {
      await counters.add([{ key: 'short', by: 1, ttlMs: 10_000 }, { key: 'long', by: 1, ttlMs: 10_000 }]);
      await counters.add([{ key: 'short', by: 1, ttlMs: 80 }]);
      await sleep(150);
      expect(await counters.read(['short', 'long'])).toEqual([0, 1]);
    });

    it('counts members seen after a time, each at its latest sighting, and drops older ones', async () => {
      await counters.markSeen('seen', [{ member: 'x', at: 100 }, { member: 'y', at: 200 }, { member: 'z', at: 300 }], 10_000);
      await counters.markSeen('seen', [{ member: 'x', at: 400 }, { member: 'z', at: 50 }], 10_000);
      await counters.markSeen('seen', [], 10_000);
      expect(await counters.countSeenAfter('seen', 250)).toBe(2); // x at 400, z stays at 300
      expect(await counters.countSeenAfter('seen', 200)).toBe(2); // y, at 200 exactly, was dropped
      expect(await counters.countSeenAfter('seen', 350)).toBe(1);
      expect(await counters.countSeenAfter('seen', 0)).toBe(1); // z went with the last count
      expect(await counters.countSeenAfter('missing', 0)).toBe(0);
    });

    it('unmarks members', async () => {
      await counters.markSeen('seen', [{ member: 'x', at: 100 }, { member: 'y', at: 100 }], 10_000);
      await counters.unmark('seen', ['x', 'absent']);
      await counters.unmark('seen', []);
      await counters.unmark('missing', ['x']);
      expect(await counters.countSeenAfter('seen', 0)).toBe(1);
    });

    it('a set expires its TTL after its last sighting', async () => {
      await counters.markSeen('short', [{ member: 'x', at: 100 }], 80);
      await sleep(120);
      expect(await counters.countSeenAfter('short', 0)).toBe(0);
    });

    it('deletes the counters and sets whose key contains a fragment, and no other', async () => {
      const mine = '4a0f8d4e-0000-4000-8000-000000000001';
      await counters.add([{ key: `live:${mine}:1`, by: 1, ttlMs: 10_000 }, { key: 'live:other:1', by: 1, ttlMs: 10_000 }, { key: `end:${mine}`, by: 1, ttlMs: 10_000 }]);
      await counters.markSeen(`active:${mine}`, [{ member: 'x', at: 100 }], 10_000);
      await counters.markSeen('active:other', [{ member: 'x', at: 100 }], 10_000);
      expect(await counters.deleteMatching(mine)).toBe(3);
      expect(await counters.read([`live:${mine}:1`, 'live:other:1', `end:${mine}`])).toEqual([0, 1, 0]);
      expect([await counters.countSeenAfter(`active:${mine}`, 0), await counters.countSeenAfter('active:other', 0)]).toEqual([0, 1]);
      expect(await counters.deleteMatching(mine)).toBe(0);
    });
  });
}
