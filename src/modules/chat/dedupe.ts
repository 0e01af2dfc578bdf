import type { Kv } from '../storage/contract.js';

/**
 * Decides whether an inbound platform message is new: the first sighting of
 * `dedupe:{tenant}:{channel}:{externalId}` wins, and the key is remembered for `ttlMs`
 * (platform retries arrive within minutes to hours, so a bounded memory is enough).
 */
export function createDedupe(deps: { kv: Kv; ttlMs: number }) {
  return {
    async isFirst(tenantId: string, channel: string, externalId: string): Promise<boolean> {
      // Messages without a platform id (some voice requests) cannot be recognised again.
      if (externalId === '') return true;
      return deps.kv.set(`dedupe:${tenantId}:${channel}:${externalId}`, '1', { ttlMs: deps.ttlMs, ifAbsent: true });
    },
  };
}

export type Dedupe = ReturnType<typeof createDedupe>;
