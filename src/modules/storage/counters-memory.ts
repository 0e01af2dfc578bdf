import type { Counters } from './contract.js';

interface Expiring<T> {
  value: T;
  expiresAt: number;
}

const SWEEP_INTERVAL_MS = 30_000;

/** Process-memory counters for embedded mode, with the Redis implementation's semantics. */
export function createMemoryCounters(): Counters {
  const counters = new Map<string, Expiring<number>>();
  const sets = new Map<string, Expiring<Map<string, number>>>();

  const live = <T>(map: Map<string, Expiring<T>>, key: string): T | undefined => {
    const entry = map.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      map.delete(key);
      return undefined;
    }
    return entry?.value;
  };

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const map of [counters, sets] as Map<string, Expiring<unknown>>[]) {
      for (const [key, entry] of map) if (entry.expiresAt <= now) map.delete(key);
    }
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  return {
    kind: 'memory',

    async add(changes) {
      for (const { key, by, ttlMs } of changes) counters.set(key, { value: (live(counters, key) ?? 0) + by, expiresAt: Date.now() + ttlMs });
    },

    async read(keys) {
      return keys.map((key) => live(counters, key) ?? 0);
    },

    async markSeen(key, sightings, ttlMs) {
      if (sightings.length === 0) return;
      const members = live(sets, key) ?? new Map<string, number>();
      for (const { member, at } of sightings) members.set(member, Math.max(at, members.get(member) ?? -Infinity));
      sets.set(key, { value: members, expiresAt: Date.now() + ttlMs });
    },

    async unmark(key, members) {
      const set = live(sets, key);
      for (const member of members) set?.delete(member);
      if (set?.size === 0) sets.delete(key); // as Redis drops an emptied set
    },

    async countSeenAfter(key, afterMs) {
      const set = live(sets, key);
      for (const [member, at] of set ?? []) if (at <= afterMs) set?.delete(member);
      if (set?.size === 0) sets.delete(key);
      return set?.size ?? 0;
    },

    async deleteMatching(fragment) {
      let deleted = 0;
      for (const map of [counters, sets] as Map<string, Expiring<unknown>>[]) {
        for (const key of [...map.keys()]) {
          if (!key.includes(fragment) || live(map, key) === undefined) continue;
          map.delete(key);
          deleted += 1;
        }
      }
      return deleted;
    },

    async close() {
      clearInterval(sweep);
      counters.clear();
      sets.clear();
    },
  };
}
