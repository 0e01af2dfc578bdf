import { AppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { Sql } from '../storage/contract.js';
import { formatApiKey, hashApiKey, visiblePrefix } from './api-key-secret.js';
import type { ApiKeyInfo, CreateApiKeyInput, Principal } from './contract.js';
import { PERMISSIONS, type Permission } from './permissions.js';

interface ApiKeyRow extends Record<string, unknown> {
  id: string;
  tenant_id: string;
  name: string;
  prefix: string;
  scopes: Permission[] | null;
  expires_at: string | null;
  revoked_at: string | null;
  created_at: string;
  last_used_at: string | null;
}

/** Keys made before scopes existed, or without any, carry every tenant permission. */
const TENANT_PERMISSIONS = PERMISSIONS.filter((p) => p !== 'platform:admin');

const toInfo = (row: ApiKeyRow): ApiKeyInfo => ({
  id: row.id,
  tenantId: row.tenant_id,
  name: row.name,
  prefix: row.prefix,
  scopes: row.scopes ?? TENANT_PERMISSIONS,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
});

const COLUMNS = 'id, tenant_id, name, prefix, scopes, expires_at, revoked_at, created_at, last_used_at';
const UUID = /^[0-9a-f-]{36}$/i;

/** Writing last_used_at on every request would add a write to the hot path; once a minute is enough. */
const LAST_USED_RESOLUTION_MS = 60_000;

export function createApiKeyStore(deps: { sql: Sql; ids: Ids; clock: Clock }) {
  const { sql, ids, clock } = deps;
  return {
    async create(tenantId: string, input: CreateApiKeyInput & { secret?: string }) {
      if (input.expiresAt && Date.parse(input.expiresAt) <= clock.now()) {
        throw new AppError('bad_request', 'expiresAt is in the past; give a future date or none.');
      }
      const secret = input.secret ?? formatApiKey(ids.token(24));
      const [row] = await sql.withTenant(tenantId, (tx) =>
        tx.query<ApiKeyRow>(
          `INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash, scopes, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
           RETURNING ${COLUMNS}`,
          [ids.uuid(), tenantId, input.name, visiblePrefix(secret), hashApiKey(secret), input.scopes ? JSON.stringify(input.scopes) : null, input.expiresAt ?? null],
        ),
      );
      return { key: toInfo(row!), secret };
    },

    async list(tenantId: string): Promise<ApiKeyInfo[]> {
      const rows = await sql.withTenant(tenantId, (tx) =>
        tx.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE tenant_id = $1 ORDER BY created_at`, [tenantId]),
      );
      return rows.map(toInfo);
    },

    async revoke(tenantId: string, keyId: string): Promise<ApiKeyInfo> {
      const [row] = UUID.test(keyId)
        ? await sql.withTenant(tenantId, (tx) =>
            tx.query<ApiKeyRow>(
              `UPDATE api_keys SET revoked_at = coalesce(revoked_at, $3) WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
              [tenantId, keyId, clock.isoNow()],
            ),
          )
        : [];
      if (!row) throw new AppError('not_found', `No API key with id '${keyId}' in this workspace.`);
      return toInfo(row);
    },

    /** A platform lookup: the key is what tells us the tenant, so it cannot run in a tenant scope. */
    async authenticate(secret: string): Promise<Principal | null> {
      const [row] = await sql.query<{ id: string; tenant_id: string; scopes: Permission[] | null; expires_at: string | null; last_used_at: string | null }>(
        `SELECT k.id, k.tenant_id, k.scopes, k.expires_at, k.last_used_at FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
         WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND t.status = 'active'`,
        [hashApiKey(secret)],
      );
      if (!row || (row.expires_at && Date.parse(row.expires_at) <= clock.now())) return null;
      const lastUsed = row.last_used_at ? Date.parse(row.last_used_at) : 0;
      if (clock.now() - lastUsed > LAST_USED_RESOLUTION_MS) {
        await sql.query('UPDATE api_keys SET last_used_at = $2 WHERE id = $1', [row.id, clock.isoNow()]);
      }
      return { kind: 'api_key', tenantId: row.tenant_id, keyId: row.id, permissions: row.scopes ?? TENANT_PERMISSIONS };
    },
  };
}
