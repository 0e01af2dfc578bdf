import { LRUCache } from 'lru-cache';
import type { Clock } from './clock.js';

/**
 * A per-key read-through cache over lru-cache: at most `max` values, each kept `ttlMs` by `clock`.
 * `fetch(key)` loads a missing or expired key once however many callers ask at the same time, so an
 * entry expiring under load costs one query, not one per request in flight. A load that returns
 * undefined, or fails, leaves nothing cached.
 */
export function readThroughCache<V extends object, Context = undefined>(options: {
  max: number;
  ttlMs: number;
  clock: Clock;
  load: (key: string, context: Context) => Promise<V | undefined>;
}): LRUCache<string, V, Context> {
  return new LRUCache<string, V, Context>({
    max: options.max,
    ttl: options.ttlMs,
    perf: { now: () => options.clock.now() },
    // Read the clock on every call: lru-cache otherwise reuses one reading for a millisecond, which a test's clock never lets pass.
    ttlResolution: 0,
    fetchMethod: (key, _stale, { context }) => options.load(key, context),
  });
}
