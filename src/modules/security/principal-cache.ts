import { createHash } from 'node:crypto';
import type { Clock } from '../../shared/clock.js';
import type { Principal } from './contract.js';

const CAPACITY = 10_000;

/**
 * Resolved credentials, kept for a few seconds so that a busy API key does not cost a database
 * lookup on every request. Changes made through this instance (revocation, suspension, logout,
 * role changes) evict at once; another instance sees them within `ttlMs`.
 */
export function createPrincipalCache(deps: { clock: Clock; ttlMs: number }) {
  const entries = new Map<string, { principal: Principal | null; expiresAt: number }>();
  const keyOf = (bearer: string) => createHash('sha256').update(bearer).digest('base64url');

  const evictWhere = (match: (p: Principal) => boolean) => {
    for (const [key, entry] of entries) if (entry.principal && match(entry.principal)) entries.delete(key);
  };

  return {
    async resolve(bearer: string, load: (bearer: string) => Promise<Principal | null>): Promise<Principal | null> {
      const key = keyOf(bearer);
      const hit = entries.get(key);
      if (hit && hit.expiresAt > deps.clock.now()) return hit.principal;
      const principal = await load(bearer);
      // Unknown credentials are not cached: guessing must not fill the cache.
      if (principal) {
        if (entries.size >= CAPACITY) entries.delete(entries.keys().next().value!);
        entries.set(key, { principal, expiresAt: deps.clock.now() + deps.ttlMs });
      } else entries.delete(key);
      return principal;
    },
    evictTenant: (tenantId: string) => evictWhere((p) => p.tenantId === tenantId),
    evictKey: (keyId: string) => evictWhere((p) => p.kind === 'api_key' && p.keyId === keyId),
    /** The user's tokens and the keys that answer to them (their status or role changed). */
    evictUser: (userId: string) => evictWhere((p) => (p.kind === 'user' && p.userId === userId) || (p.kind === 'api_key' && p.createdBy === userId)),
  };
}
