import { AppError, isAppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { Kv, Sql, SqlExecutor } from '../storage/contract.js';
import { hashApiKey } from './api-key-secret.js';
import type { AcceptInviteInput, ChangePasswordInput, LoginInput, Session } from './contract.js';
import type { AccessTokens } from './jwt.js';
import { createLoginThrottle } from './login-throttle.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords.js';
import { createTenantStore } from './tenants.js';
import { scopedToken, tenantOfToken, toUser, type UserRow, type UserStore } from './users.js';

const REFRESH_TTL_MS = 30 * 24 * 3600_000;
const badLogin = () => new AppError('unauthorized', 'Wrong workspace, e-mail or password.');
const badRefresh = () => new AppError('unauthorized', 'The refresh token is not valid any more; log in again.');

type RefreshOutcome = { kind: 'issued'; session: Session } | { kind: 'reused'; userId: string } | { kind: 'invalid' };

/** Login, refresh (rotating), logout and password changes: everything that issues or revokes tokens. */
export function createSessions(deps: {
  sql: Sql;
  kv: Kv;
  ids: Ids;
  clock: Clock;
  users: UserStore;
  tokens: AccessTokens;
  /** A session of this user was ended behind their back (its cached credentials must go). */
  onSessionRevoked: (userId: string) => void;
}) {
  const { sql, ids, clock, users, tokens } = deps;
  const tenants = createTenantStore(deps);
  const throttle = createLoginThrottle(deps);

  /** Tokens of a new login session, or of the next step of `sessionId`'s (a refresh). */
  async function issue(tx: SqlExecutor, user: UserRow, sessionId = ids.uuid()): Promise<Session> {
    const refreshToken = scopedToken(user.tenant_id, ids.token(32));
    await tx.query(
      'INSERT INTO refresh_tokens (id, tenant_id, user_id, token_hash, expires_at, family_id) VALUES ($1, $2, $3, $4, $5, $6)',
      [ids.uuid(), user.tenant_id, user.id, hashApiKey(refreshToken), new Date(clock.now() + REFRESH_TTL_MS).toISOString(), sessionId],
    );
    const accessToken = await tokens.issue({ userId: user.id, tenantId: user.tenant_id, version: user.token_version, sessionId });
    return { accessToken, expiresIn: tokens.ttlSeconds, refreshToken, user: toUser(user) };
  }

  async function revokeAll(tx: SqlExecutor, tenantId: string, userId: string): Promise<void> {
    await tx.query('UPDATE users SET token_version = token_version + 1 WHERE tenant_id = $1 AND id = $2', [tenantId, userId]);
    await tx.query('UPDATE refresh_tokens SET revoked_at = $3 WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL', [tenantId, userId, clock.isoNow()]);
  }

  async function attemptLogin(input: LoginInput): Promise<Session> {
    const tenant = await tenants.getBySlug(input.workspace);
    if (!tenant || tenant.status !== 'active') {
      await verifyPassword(DUMMY_HASH, input.password);
      throw badLogin();
    }
    return sql.withTenant(tenant.id, async (tx) => {
      const user = await users.byEmail(tx, tenant.id, input.email);
      const ok = await verifyPassword(user?.password_hash ?? DUMMY_HASH, input.password);
      if (!user || !ok || user.status !== 'active') throw badLogin();
      await tx.query('UPDATE users SET last_login_at = $3 WHERE tenant_id = $1 AND id = $2', [tenant.id, user.id, clock.isoNow()]);
      return issue(tx, { ...user, last_login_at: clock.isoNow() });
    });
  }

  return {
    /** Throttled per account and per workspace (login-throttle.ts); a success clears the account's failures. */
    async login(input: LoginInput): Promise<Session> {
      await throttle.check(input.workspace, input.email);
      try {
        const session = await attemptLogin(input);
        await throttle.succeeded(input.workspace, input.email);
        return session;
      } catch (error) {
        if (isAppError(error) && error.code === 'unauthorized') await throttle.failed(input.workspace, input.email);
        throw error;
      }
    },

    /**
     * Rotation: a refresh token works once; its replacement comes with the new access token. A
     * rotated (or revoked) token presented again was copied: the whole session it belongs to ends.
     */
    async refresh(refreshToken: string): Promise<Session> {
      const tenantId = tenantOfToken(refreshToken);
      if (!tenantId) throw badRefresh();
      const outcome = await sql.withTenant(tenantId, async (tx): Promise<RefreshOutcome> => {
        const [token] = await tx.query<{ id: string; user_id: string; family_id: string; revoked_at: string | null; expires_at: string }>(
          'SELECT id, user_id, family_id, revoked_at, expires_at FROM refresh_tokens WHERE tenant_id = $1 AND token_hash = $2 FOR UPDATE',
          [tenantId, hashApiKey(refreshToken)],
        );
        if (!token || Date.parse(token.expires_at) <= clock.now()) return { kind: 'invalid' };
        if (token.revoked_at) {
          await tx.query('UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, $3), reuse_detected_at = $3 WHERE tenant_id = $1 AND family_id = $2', [tenantId, token.family_id, clock.isoNow()]);
          return { kind: 'reused', userId: token.user_id };
        }
        await tx.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE id = $1', [token.id, clock.isoNow()]);
        const user = await users.byId(tx, tenantId, token.user_id);
        return user?.status === 'active' ? { kind: 'issued', session: await issue(tx, user, token.family_id) } : { kind: 'invalid' };
      });
      // Outside the transaction: the revocation must be committed, not rolled back by the refusal.
      if (outcome.kind === 'reused') deps.onSessionRevoked(outcome.userId);
      if (outcome.kind !== 'issued') throw badRefresh();
      return outcome.session;
    },

    /** A session for someone whom another proof signed in (single sign-on), like a password login's. */
    async startFor(tenantId: string, userId: string): Promise<Session> {
      return sql.withTenant(tenantId, async (tx) => {
        const user = await users.byId(tx, tenantId, userId);
        if (user?.status !== 'active') throw new AppError('unauthorized', 'This sign-in is not valid any more; sign in again.');
        await tx.query('UPDATE users SET last_login_at = $3 WHERE tenant_id = $1 AND id = $2', [tenantId, user.id, clock.isoNow()]);
        return issue(tx, { ...user, last_login_at: clock.isoNow() });
      });
    },

    async logout(tenantId: string, userId: string): Promise<void> {
      await sql.withTenant(tenantId, (tx) => revokeAll(tx, tenantId, userId));
    },

    async changePassword(tenantId: string, userId: string, input: ChangePasswordInput): Promise<void> {
      await sql.withTenant(tenantId, async (tx) => {
        const user = await users.byId(tx, tenantId, userId);
        if (!user || !(await verifyPassword(user.password_hash ?? DUMMY_HASH, input.currentPassword))) {
          throw new AppError('forbidden', 'The current password is wrong.');
        }
        await tx.query('UPDATE users SET password_hash = $3 WHERE tenant_id = $1 AND id = $2', [tenantId, userId, await hashPassword(input.newPassword)]);
        await revokeAll(tx, tenantId, userId);
      });
    },

    async acceptInvite(input: AcceptInviteInput): Promise<Session> {
      const tenantId = tenantOfToken(input.token);
      const invalid = () => new AppError('unauthorized', 'This invitation is not valid any more; ask for a new one.');
      if (!tenantId) throw invalid();
      const passwordHash = await hashPassword(input.password);
      return sql.withTenant(tenantId, async (tx) => {
        const user = await users.byInvite(tx, tenantId, input.token);
        if (!user) throw invalid();
        const [active] = await tx.query<UserRow>(
          `UPDATE users SET password_hash = $3, status = 'active', invite_hash = NULL, invite_expires_at = NULL, name = coalesce($4, name)
           WHERE tenant_id = $1 AND id = $2 RETURNING *`,
          [tenantId, user.id, passwordHash, input.name ?? null],
        );
        return issue(tx, active!);
      });
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
