import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { Sql } from '../storage/contract.js';
import { formatApiKey, hashApiKey, visiblePrefix } from './api-key-secret.js';
import { type ApiKeyInfo, PERMISSIONS, type Principal } from './contract.js';

interface ApiKeyRow extends Record<string, unknown> {
  id: string;
  tenant_id: string;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
}

const toInfo = (row: ApiKeyRow): ApiKeyInfo => ({
  id: row.id,
  tenantId: row.tenant_id,
  name: row.name,
  prefix: row.prefix,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
});

/** Writing last_used_at on every request would add a write to the hot path; once a minute is enough. */
const LAST_USED_RESOLUTION_MS = 60_000;

export function createApiKeyStore(deps: { sql: Sql; ids: Ids; clock: Clock }) {
  const { sql, ids, clock } = deps;
  return {
    async create(tenantId: string, input: { name: string; secret?: string }) {
      const secret = input.secret ?? formatApiKey(ids.token(24));
      const [row] = await sql.withTenant(tenantId, (tx) =>
        tx.query<ApiKeyRow>(
          `INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash) VALUES ($1, $2, $3, $4, $5)
           RETURNING id, tenant_id, name, prefix, created_at, last_used_at`,
          [ids.uuid(), tenantId, input.name, visiblePrefix(secret), hashApiKey(secret)],
        ),
      );
      return { key: toInfo(row!), secret };
    },

    /** A platform lookup: the key is what tells us the tenant, so it cannot run in a tenant scope. */
    async authenticate(secret: string): Promise<Principal | null> {
      const [row] = await sql.query<{ id: string; tenant_id: string; last_used_at: string | null }>(
        `SELECT k.id, k.tenant_id, k.last_used_at FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
         WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND t.status = 'active'`,
        [hashApiKey(secret)],
      );
      if (!row) return null;
      const lastUsed = row.last_used_at ? Date.parse(row.last_used_at) : 0;
      if (clock.now() - lastUsed > LAST_USED_RESOLUTION_MS) {
        await sql.query('UPDATE api_keys SET last_used_at = $2 WHERE id = $1', [row.id, clock.isoNow()]);
      }
      return { tenantId: row.tenant_id, kind: 'api_key', keyId: row.id, permissions: PERMISSIONS };
    },
  };
}
