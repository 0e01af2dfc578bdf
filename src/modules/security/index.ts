import { AppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { Kv, Sql } from '../storage/contract.js';
import { createApiKeyStore } from './api-keys.js';
import { createAuditLog } from './audit.js';
import { createAuthenticator } from './authenticate.js';
import type { Security } from './contract.js';
import { createAccessTokens } from './jwt.js';
import { consumeDailyQuota, createRateLimiter } from './rate-limits.js';
import { createSessions } from './sessions.js';
import { createTenantStore } from './tenants.js';
import { createUserStore } from './users.js';

export * from './contract.js';
export { resolveMasterKeys } from './master-key-file.js';
export { securityMigrations } from './migrations.js';
export { createSecrets, generateMasterKey, parseMasterKeys } from './secrets.js';
export { resealed } from './reseal.js';

export interface SecurityDeps {
  sql: Sql;
  kv: Kv;
  ids: Ids;
  clock: Clock;
  /** The current master key: access tokens are signed with a key derived from it. */
  masterKey: Buffer;
  config: { accessTokenTtlSeconds: number; platformAdminKey: string | undefined };
}

export function createSecurity(deps: SecurityDeps): Security {
  const tenants = createTenantStore(deps);
  const apiKeys = createApiKeyStore(deps);
  const users = createUserStore(deps);
  const tokens = createAccessTokens({ masterKey: deps.masterKey, clock: deps.clock, ttlSeconds: deps.config.accessTokenTtlSeconds });
  const sessions = createSessions({ ...deps, users, tokens });
  const auditLog = createAuditLog(deps);
  const limiter = createRateLimiter(deps);

  return {
    createTenant: (input) => tenants.create(input),
    listTenants: () => tenants.list(),
    updateTenant: (tenantId, input) => tenants.update(tenantId, input),
    deleteTenant: (tenantId) => tenants.remove(tenantId),
    getTenant: (tenantId) => tenants.get(tenantId),
    getTenantBySlug: (slug) => tenants.getBySlug(slug),
    getTenantByWidgetKey: (widgetKey) => tenants.getByWidgetKey(widgetKey),

    createApiKey: (tenantId, input) => apiKeys.create(tenantId, input),
    listApiKeys: (tenantId) => apiKeys.list(tenantId),
    revokeApiKey: (tenantId, keyId) => apiKeys.revoke(tenantId, keyId),
    authenticate: createAuthenticator({ ...deps, users, tokens, apiKeys, platformKey: deps.config.platformAdminKey }),

    login: (input) => sessions.login(input),
    refresh: (refreshToken) => sessions.refresh(refreshToken),
    logout: (tenantId, userId) => sessions.logout(tenantId, userId),
    changePassword: (tenantId, userId, input) => sessions.changePassword(tenantId, userId, input),
    inviteUser: (tenantId, input) => users.invite(tenantId, input),
    acceptInvite: (input) => sessions.acceptInvite(input),
    listUsers: (tenantId) => users.list(tenantId),
    updateUser: (tenantId, userId, input) => users.update(tenantId, userId, input),
    createUser: (tenantId, input) => users.create(tenantId, input),

    consumeRateLimit: (bucket, limit, windowMs) => limiter.consume(bucket, limit, windowMs),
    async consumeMessageQuota(tenantId) {
      const tenant = await tenants.get(tenantId);
      if (!tenant) throw new AppError('not_found', 'Unknown workspace.');
      await consumeDailyQuota(limiter, tenantId, tenant.dailyMessageQuota);
    },

    audit: (tenantId, actor, entry, origin) => auditLog.record(tenantId, actor, entry, origin),
    listAudit: (tenantId, query) => auditLog.list(tenantId, query),
  };
}
