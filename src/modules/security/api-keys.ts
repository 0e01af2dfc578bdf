import { AppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { Sql } from '../storage/contract.js';
import { formatApiKey, hashApiKey, visiblePrefix } from './api-key-secret.js';
import type { ApiKeyInfo, CreateApiKeyInput, Principal } from './contract.js';
import { PERMISSIONS, type Permission, ROLE_PERMISSIONS, type Role } from './permissions.js';

interface ApiKeyRow extends Record<string, unknown> {
  id: string;
  tenant_id: string;
  name: string;
  prefix: string;
  scopes: Permission[] | null;
  created_by: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  created_at: string;
  last_used_at: string | null;
}

interface AuthRow extends Record<string, unknown> {
  id: string;
  tenant_id: string;
  scopes: Permission[] | null;
  created_by: string | null;
  expires_at: string | null;
  last_used_at: string | null;
  creator_role: Role | null;
  creator_status: string | null;
}

/** Keys made before scopes existed, or without any, carry every tenant permission. */
const TENANT_PERMISSIONS = PERMISSIONS.filter((p) => p !== 'platform:admin');

const toInfo = (row: ApiKeyRow): ApiKeyInfo => ({
  id: row.id,
  tenantId: row.tenant_id,
  name: row.name,
  prefix: row.prefix,
  scopes: row.scopes ?? TENANT_PERMISSIONS,
  createdBy: row.created_by,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
});

const COLUMNS = 'id, tenant_id, name, prefix, scopes, created_by, expires_at, revoked_at, created_at, last_used_at';
const UUID = /^[0-9a-f-]{36}$/i;

/** Writing last_used_at on every request would add a write to the hot path; once a minute is enough. */
const LAST_USED_RESOLUTION_MS = 60_000;

export function createApiKeyStore(deps: { sql: Sql; ids: Ids; clock: Clock }) {
  const { sql, ids, clock } = deps;
  return {
    async create(tenantId: string, input: CreateApiKeyInput & { secret?: string; createdBy?: string }) {
      if (input.expiresAt && Date.parse(input.expiresAt) <= clock.now()) {
        throw new AppError('bad_request', 'expiresAt is in the past; give a future date or none.');
      }
      const secret = input.secret ?? formatApiKey(ids.token(24));
      const [row] = await sql.withTenant(tenantId, (tx) =>
        tx.query<ApiKeyRow>(
          `INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash, scopes, expires_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           RETURNING ${COLUMNS}`,
          [ids.uuid(), tenantId, input.name, visiblePrefix(secret), hashApiKey(secret), input.scopes ? JSON.stringify(input.scopes) : null, input.expiresAt ?? null, input.createdBy ?? null],
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

    /**
     * A platform lookup: the key is what tells us the tenant, so it cannot run in a tenant scope. A
     * key that answers to a person works only while that person is active, and only within their
     * current role (a demoted admin's keys lose what the new role lacks).
     */
    async authenticate(secret: string): Promise<Principal | null> {
      const [row] = await sql.query<AuthRow>(
        `SELECT k.id, k.tenant_id, k.scopes, k.created_by, k.expires_at, k.last_used_at, u.role AS creator_role, u.status AS creator_status
         FROM api_keys k JOIN tenants t ON t.id = k.tenant_id LEFT JOIN users u ON u.tenant_id = k.tenant_id AND u.id::text = k.created_by
         WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND t.status = 'active'`,
        [hashApiKey(secret)],
      );
      if (!row || (row.expires_at && Date.parse(row.expires_at) <= clock.now())) return null;
      if (row.created_by && row.creator_status !== 'active') return null;
      const lastUsed = row.last_used_at ? Date.parse(row.last_used_at) : 0;
      if (clock.now() - lastUsed > LAST_USED_RESOLUTION_MS) {
        await sql.query('UPDATE api_keys SET last_used_at = $2 WHERE id = $1', [row.id, clock.isoNow()]);
      }
      const scopes = row.scopes ?? TENANT_PERMISSIONS;
      const permissions = row.creator_role ? scopes.filter((p) => ROLE_PERMISSIONS[row.creator_role!].includes(p)) : scopes;
      return { kind: 'api_key', tenantId: row.tenant_id, keyId: row.id, createdBy: row.created_by, permissions };
    },
  };
}
