import { AppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { Sql, SqlExecutor } from '../storage/contract.js';
import { isUniqueViolation } from '../storage/index.js';
import { hashApiKey } from './api-key-secret.js';
import type { InviteUserInput, Principal, UpdateUserInput, User, UserUpdate } from './contract.js';
import { passwordProblem } from './password-strength.js';
import { hashPassword } from './passwords.js';
import type { Role } from './permissions.js';
import { assertMayGrant, assertMayUpdate } from './role-grants.js';

export interface UserRow extends Record<string, unknown> {
  id: string;
  tenant_id: string;
  email: string;
  name: string | null;
  password_hash: string | null;
  role: Role;
  status: User['status'];
  token_version: number;
  created_at: string;
  last_login_at: string | null;
}

export const toUser = (row: UserRow): User => ({
  id: row.id,
  tenantId: row.tenant_id,
  email: row.email,
  name: row.name,
  role: row.role,
  status: row.status,
  createdAt: row.created_at,
  lastLoginAt: row.last_login_at,
});

const INVITE_TTL_MS = 7 * 24 * 3600_000;
const notFound = (userId: string) => new AppError('not_found', `No user with id '${userId}' in this workspace.`);

/** Opaque tokens carry their tenant in front, so they can be looked up inside that tenant's scope. */
export const scopedToken = (tenantId: string, random: string) => `${tenantId}.${random}`;
export function tenantOfToken(token: string): string | null {
  const tenantId = token.split('.', 1)[0] ?? '';
  return /^[0-9a-f-]{36}$/i.test(tenantId) ? tenantId : null;
}

/**
 * The active owners are locked, not counted: two owners demoting each other at once must not both
 * see the other one still there.
 */
async function assertAnotherOwner(tx: SqlExecutor, tenantId: string): Promise<void> {
  const owners = await tx.query(`SELECT id FROM users WHERE tenant_id = $1 AND role = 'owner' AND status = 'active' FOR UPDATE`, [tenantId]);
  if (owners.length <= 1) throw new AppError('conflict', 'A workspace needs at least one active owner; promote another owner first.');
}

export function createUserStore(deps: { sql: Sql; ids: Ids; clock: Clock }) {
  const { sql, ids, clock } = deps;

  async function insert(tx: SqlExecutor, tenantId: string, fields: Record<string, unknown>): Promise<UserRow> {
    try {
      const [row] = await tx.query<UserRow>(
        `INSERT INTO users (id, tenant_id, email, name, password_hash, role, status, invite_hash, invite_expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
        [ids.uuid(), tenantId, fields.email, fields.name ?? null, fields.passwordHash ?? null, fields.role, fields.status, fields.inviteHash ?? null, fields.inviteExpiresAt ?? null],
      );
      return row!;
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('conflict', `${String(fields.email)} is already a member of this workspace.`);
      throw error;
    }
  }

  async function byId(tx: SqlExecutor, tenantId: string, userId: string): Promise<UserRow | null> {
    if (!/^[0-9a-f-]{36}$/i.test(userId)) return null;
    const [row] = await tx.query<UserRow>('SELECT * FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, userId]);
    return row ?? null;
  }

  return {
    byId,

    async create(tenantId: string, input: { email: string; password: string; role: Role; name?: string }): Promise<User> {
      const problem = passwordProblem(input.password, [input.email]);
      if (problem) throw new AppError('bad_request', `Invalid password: ${problem}.`);
      const passwordHash = await hashPassword(input.password);
      return toUser(await sql.withTenant(tenantId, (tx) => insert(tx, tenantId, { ...input, email: input.email.toLowerCase(), passwordHash, status: 'active' })));
    },

    async invite(tenantId: string, input: InviteUserInput, actor: Principal): Promise<{ user: User; inviteToken: string }> {
      assertMayGrant(actor, input.role, 'give');
      const inviteToken = scopedToken(tenantId, ids.token(24));
      const row = await sql.withTenant(tenantId, (tx) =>
        insert(tx, tenantId, {
          ...input,
          status: 'invited',
          inviteHash: hashApiKey(inviteToken),
          inviteExpiresAt: new Date(clock.now() + INVITE_TTL_MS).toISOString(),
        }),
      );
      return { user: toUser(row), inviteToken };
    },

    async byEmail(tx: SqlExecutor, tenantId: string, email: string): Promise<UserRow | null> {
      const [row] = await tx.query<UserRow>('SELECT * FROM users WHERE tenant_id = $1 AND email = $2', [tenantId, email.toLowerCase()]);
      return row ?? null;
    },

    /** A member created by a single sign-on: no password, they sign in through the provider. */
    provision: (tx: SqlExecutor, tenantId: string, input: { email: string; name: string | null; role: Role }) =>
      insert(tx, tenantId, { ...input, status: 'active' }),

    /** An invited person who proved their address another way (single sign-on) becomes a member. */
    async activateInvited(tx: SqlExecutor, tenantId: string, userId: string): Promise<UserRow> {
      const [row] = await tx.query<UserRow>(
        `UPDATE users SET status = 'active', invite_hash = NULL, invite_expires_at = NULL WHERE tenant_id = $1 AND id = $2 RETURNING *`,
        [tenantId, userId],
      );
      if (!row) throw notFound(userId);
      return row;
    },

    async byInvite(tx: SqlExecutor, tenantId: string, inviteToken: string): Promise<UserRow | null> {
      const [row] = await tx.query<UserRow>(
        `SELECT * FROM users WHERE tenant_id = $1 AND invite_hash = $2 AND status = 'invited' AND invite_expires_at > $3`,
        [tenantId, hashApiKey(inviteToken), clock.isoNow()],
      );
      return row ?? null;
    },

    async list(tenantId: string): Promise<User[]> {
      const rows = await sql.withTenant(tenantId, (tx) => tx.query<UserRow>('SELECT * FROM users WHERE tenant_id = $1 ORDER BY created_at, email', [tenantId]));
      return rows.map(toUser);
    },

    /** Disabling a user or changing their role bumps their token version: their tokens stop working at once. */
    async update(tenantId: string, userId: string, input: UpdateUserInput, actor: Principal): Promise<UserUpdate> {
      return sql.withTenant(tenantId, async (tx) => {
        const current = await byId(tx, tenantId, userId);
        if (!current) throw notFound(userId);
        assertMayUpdate(actor, current.role, input.role);
        if (current.role === 'owner' && (input.status === 'disabled' || (input.role && input.role !== 'owner'))) await assertAnotherOwner(tx, tenantId);
        const [row] = await tx.query<UserRow>(
          `UPDATE users SET role = coalesce($3, role), status = coalesce($4, status), token_version = token_version + 1
           WHERE tenant_id = $1 AND id = $2 RETURNING *`,
          [tenantId, userId, input.role ?? null, input.status ?? null],
        );
        return { user: toUser(row!), previous: { role: current.role, status: current.status } };
      });
    },
  };
}

export type UserStore = ReturnType<typeof createUserStore>;
