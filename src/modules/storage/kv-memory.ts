import type { Kv, SetOptions } from './contract.js';

interface Entry {
  value: string;
  /** Epoch ms; undefined when the key never expires. */
  expiresAt?: number;
}

const SWEEP_INTERVAL_MS = 30_000;

/**
 * Process-memory Kv for embedded mode, with Redis' semantics (SET replaces the TTL, INCR keeps it).
 * Expired keys vanish on read; a periodic sweep frees keys nobody reads again.
 */
export function createMemoryKv(): Kv {
  const entries = new Map<string, Entry>();

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [key, entry] of entries) if (entry.expiresAt !== undefined && entry.expiresAt <= now) entries.delete(key);
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  return {
    kind: 'memory',

    async get(key) {
      return live(key)?.value ?? null;
    },

    async set(key, value, options: SetOptions = {}) {
      if (options.ifAbsent && live(key)) return false;
      entries.set(key, options.ttlMs === undefined ? { value } : { value, expiresAt: Date.now() + options.ttlMs });
      return true;
    },

    async del(key) {
      entries.delete(key);
    },

    async incr(key, options = {}) {
      const by = options.by ?? 1;
      const entry = live(key);
      if (!entry) {
        const expiresAt = options.ttlMs === undefined ? undefined : Date.now() + options.ttlMs;
        entries.set(key, { value: String(by), expiresAt });
        return by;
      }
      const current = Number(entry.value);
      if (!Number.isSafeInteger(current)) throw new Error(`storage: kv key '${key}' does not hold an integer`);
      entry.value = String(current + by);
      return current + by;
    },

    async ttl(key) {
      const expiresAt = live(key)?.expiresAt;
      return expiresAt === undefined ? null : Math.max(0, expiresAt - Date.now());
    },

    async deleteMatching(fragment) {
      let deleted = 0;
      for (const key of [...entries.keys()]) {
        if (!key.includes(fragment) || !live(key)) continue;
        entries.delete(key);
        deleted += 1;
      }
      return deleted;
    },

    async close() {
      clearInterval(sweep);
      entries.clear();
    },
  };
}
