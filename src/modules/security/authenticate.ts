import { timingSafeEqual } from 'node:crypto';
import type { Sql, SqlExecutor } from '../storage/contract.js';
import { hashApiKey } from './api-key-secret.js';
import type { Principal } from './contract.js';
import type { AccessTokens } from './jwt.js';
import { looksLikeJwt } from './jwt.js';
import { ROLE_PERMISSIONS } from './permissions.js';
import type { UserStore } from './users.js';

/** A login session ends early when one of its refresh tokens was reused (sessions.ts). */
async function sessionEnded(tx: SqlExecutor, tenantId: string, sessionId: string): Promise<boolean> {
  const rows = await tx.query('SELECT 1 FROM refresh_tokens WHERE tenant_id = $1 AND family_id = $2 AND reuse_detected_at IS NOT NULL LIMIT 1', [tenantId, sessionId]);
  return rows.length > 0;
}

/**
 * One bearer credential → one principal: the platform admin key, a user's access token (checked
 * against the user's current status and token version, so logout and disabling bite at once), or
 * an API key.
 */
export function createAuthenticator(deps: {
  sql: Sql;
  users: UserStore;
  tokens: AccessTokens;
  apiKeys: { authenticate(secret: string): Promise<Principal | null> };
  platformKey: string | undefined;
}) {
  const platformHash = deps.platformKey ? Buffer.from(hashApiKey(deps.platformKey), 'hex') : null;

  return async function authenticate(bearer: string): Promise<Principal | null> {
    if (platformHash && timingSafeEqual(Buffer.from(hashApiKey(bearer), 'hex'), platformHash)) {
      return { kind: 'platform', tenantId: null, permissions: ['platform:admin'] };
    }
    if (looksLikeJwt(bearer)) {
      const claims = await deps.tokens.verify(bearer);
      if (!claims) return null;
      const user = await deps.sql.withTenant(claims.tenantId, async (tx) => {
        const [tenant] = await tx.query<{ status: string }>('SELECT status FROM tenants WHERE id = $1', [claims.tenantId]);
        if (tenant?.status !== 'active' || (claims.sessionId && (await sessionEnded(tx, claims.tenantId, claims.sessionId)))) return null;
        return deps.users.byId(tx, claims.tenantId, claims.userId);
      });
      if (!user || user.status !== 'active' || user.token_version !== claims.version) return null;
      return { kind: 'user', tenantId: user.tenant_id, userId: user.id, role: user.role, permissions: ROLE_PERMISSIONS[user.role] };
    }
    return deps.apiKeys.authenticate(bearer);
  };
}
