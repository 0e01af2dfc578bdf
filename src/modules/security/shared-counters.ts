import type { Kv } from '../storage/contract.js';

interface Counter {
  /** The shared count as the store last reported it (this process's flushed counts included). */
  known: number;
  /** Counted here since the last flush. */
  unsent: number;
  /** Being added to the store by the flush in progress. */
  sending: number;
  ttlMs: number;
  /** When the store forgets the key, and this process may too. */
  expiresAt: number;
  /** Until the store first answered for this key: later counts wait for it. */
  ready: Promise<void>;
}

/** How long counts may wait here before they are added to the shared store. */
const FLUSH_MS = 20;

/**
 * Counters shared by every instance through the key-value store, counted write-behind: the first
 * count of a key asks the store (so a process knows the shared total), later ones are counted here
 * and added to the store in one batch every few milliseconds, off the request's path. One process
 * is therefore exact; several may together admit a few more than a limit within one flush
 * interval, which rate limits and quotas (abuse protection) can afford.
 */
export function createSharedCounters(deps: { kv: Kv; now: () => number; onError: (error: unknown) => void }) {
  const counters = new Map<string, Counter>();
  let timer: NodeJS.Timeout | null = null;

  async function flush(): Promise<void> {
    timer = null;
    const now = deps.now();
    for (const [key, c] of counters) if (c.unsent === 0 && c.sending === 0 && c.expiresAt <= now) counters.delete(key);
    await Promise.all(
      [...counters].map(async ([key, c]) => {
        const n = c.unsent;
        if (n === 0) return;
        c.unsent = 0;
        c.sending += n;
        try {
          c.known = await deps.kv.incr(key, { by: n, ttlMs: c.ttlMs });
        } catch (error) {
          c.unsent += n;
          deps.onError(error);
        } finally {
          c.sending -= n;
        }
      }),
    );
  }

  function scheduleFlush(): void {
    timer ??= setTimeout(() => void flush(), FLUSH_MS);
    timer.unref();
  }

  return {
    /** Adds one to `key` (created with `ttlMs`) and returns the shared total as far as it is known. */
    async increment(key: string, ttlMs: number): Promise<number> {
      const c = counters.get(key);
      if (!c) {
        const created: Counter = { known: 0, unsent: 0, sending: 0, ttlMs, expiresAt: deps.now() + ttlMs, ready: Promise.resolve() };
        created.ready = deps.kv.incr(key, { ttlMs }).then(
          (value) => {
            created.known = value;
          },
          (error: unknown) => {
            counters.delete(key);
            throw error;
          },
        );
        counters.set(key, created);
        await created.ready;
        return created.known;
      }
      await c.ready;
      c.unsent += 1;
      scheduleFlush();
      return c.known + c.sending + c.unsent;
    },
  };
}
