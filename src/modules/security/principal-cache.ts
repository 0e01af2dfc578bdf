import { createHash } from 'node:crypto';
import type { Clock } from '../../shared/clock.js';
import { readThroughCache } from '../../shared/read-through-cache.js';
import type { Principal } from './contract.js';

const CAPACITY = 10_000;

/**
 * Resolved credentials, kept for a few seconds so that a busy API key does not cost a database
 * lookup on every request. Changes made through this instance (revocation, suspension, logout,
 * role changes) evict at once; another instance sees them within `ttlMs`. Unknown credentials are
 * not cached: guessing must not fill the cache.
 */
export function createPrincipalCache(deps: { clock: Clock; ttlMs: number }) {
  const entries = readThroughCache<Principal, () => Promise<Principal | null>>({
    max: CAPACITY,
    ttlMs: deps.ttlMs,
    clock: deps.clock,
    load: async (_key, load) => (await load()) ?? undefined,
  });
  const keyOf = (bearer: string) => createHash('sha256').update(bearer).digest('base64url');

  const evictWhere = (match: (p: Principal) => boolean) => {
    for (const [key, principal] of [...entries.entries()]) if (match(principal)) entries.delete(key);
  };

  return {
    async resolve(bearer: string, load: (bearer: string) => Promise<Principal | null>): Promise<Principal | null> {
      return (await entries.fetch(keyOf(bearer), { context: () => load(bearer) })) ?? null;
    },
    evictTenant: (tenantId: string) => evictWhere((p) => p.tenantId === tenantId),
    evictKey: (keyId: string) => evictWhere((p) => p.kind === 'api_key' && p.keyId === keyId),
    /** The user's tokens and the keys that answer to them (their status or role changed). */
    evictUser: (userId: string) => evictWhere((p) => (p.kind === 'user' && p.userId === userId) || (p.kind === 'api_key' && p.createdBy === userId)),
  };
}
