import { AppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { readThroughCache } from '../../shared/read-through-cache.js';
import type { Kv, Sql } from '../storage/contract.js';
import { createApiKeyStore } from './api-keys.js';
import { createAuditLog } from './audit.js';
import { createAuthenticator } from './authenticate.js';
import { createPrincipalCache } from './principal-cache.js';
import type { Security } from './contract.js';
import { createAccessTokens } from './jwt.js';
import { createOidcClient } from './oidc-client.js';
import type { OidcConfig } from './oidc-config.js';
import { createOidcSignIn } from './oidc-sign-in.js';
import { consumeDailyQuota, createRateLimiter } from './rate-limits.js';
import { createSessions } from './sessions.js';
import { createTenantStore } from './tenants.js';
import { createUserStore } from './users.js';

export * from './contract.js';
export { resolveMasterKeys } from './master-key-file.js';
export { securityMigrations } from './migrations.js';
export { securityTenantData } from './tenant-data.js';
export { createSecurityPersonData } from './person-data.js';
export { createSecrets, generateMasterKey, parseMasterKeys } from './secrets.js';
export { resealed } from './reseal.js';
export { checkMasterKeys } from './check-master-keys.js';
export { resolveOidcConfig, type OidcConfig } from './oidc-config.js';

/** How long a resolved credential or a tenant's quota is reused before it is read again. */
const PRINCIPAL_CACHE_MS = 5_000;

export interface SecurityDeps {
  sql: Sql;
  kv: Kv;
  ids: Ids;
  clock: Clock;
  logger: Logger;
  /** The current master key: access tokens are signed with a key derived from it. */
  masterKey: Buffer;
  /** Deletes a tenant and everything of it, in every module (the app wires every module's share). */
  purgeTenant: (tenantId: string) => Promise<void>;
  config: { accessTokenTtlSeconds: number; platformAdminKey: string | undefined; oidc?: OidcConfig | null };
}

export function createSecurity(deps: SecurityDeps): Security {
  const tenants = createTenantStore(deps);
  const apiKeys = createApiKeyStore(deps);
  const users = createUserStore(deps);
  const tokens = createAccessTokens({ masterKey: deps.masterKey, clock: deps.clock, ttlSeconds: deps.config.accessTokenTtlSeconds });
  const principals = createPrincipalCache({ clock: deps.clock, ttlMs: PRINCIPAL_CACHE_MS });
  const sessions = createSessions({ ...deps, users, tokens, onSessionRevoked: (userId) => principals.evictUser(userId) });
  const auditLog = createAuditLog(deps);
  const limiter = createRateLimiter({
    ...deps,
    onError: (error) => deps.logger.warn({ err: error }, 'security: adding rate-limit counts to the shared store failed; they are kept and retried'),
  });
  const loadPrincipal = createAuthenticator({ ...deps, users, tokens, apiKeys, platformKey: deps.config.platformAdminKey });
  const oidc = deps.config.oidc ?? null;
  const oidcClient = oidc ? createOidcClient(oidc, deps.logger) : null;
  // Discovered now rather than at the first sign-in; a provider that is down does not stop the start.
  oidcClient?.warmUp();
  const sso = oidc && oidcClient ? createOidcSignIn({ ...deps, users, tenants, sessions, audit: auditLog, client: oidcClient, config: oidc }) : null;
  const ssoOn = () => {
    if (!sso) throw new AppError('not_found', 'Single sign-on is not set up on this server; log in with your e-mail and password.');
    return sso;
  };
  const quotas = readThroughCache<{ quota: number }>({
    max: 10_000,
    ttlMs: PRINCIPAL_CACHE_MS,
    clock: deps.clock,
    load: async (tenantId) => {
      const tenant = await tenants.get(tenantId);
      return tenant ? { quota: tenant.dailyMessageQuota } : undefined;
    },
  });
  const evictTenant = (tenantId: string) => {
    principals.evictTenant(tenantId);
    quotas.delete(tenantId);
  };

  return {
    createTenant: (input) => tenants.create(input),
    listTenants: () => tenants.list(),
    updateTenant: async (tenantId, input) => {
      const tenant = await tenants.update(tenantId, input);
      evictTenant(tenantId);
      return tenant;
    },
    deleteTenant: async (tenantId) => {
      await tenants.remove(tenantId, deps.purgeTenant);
      evictTenant(tenantId);
    },
    getTenant: (tenantId) => tenants.get(tenantId),
    getTenantBySlug: (slug) => tenants.getBySlug(slug),
    getTenantByWidgetKey: (widgetKey) => tenants.getByWidgetKey(widgetKey),

    createApiKey: (tenantId, input) => apiKeys.create(tenantId, input),
    listApiKeys: (tenantId) => apiKeys.list(tenantId),
    revokeApiKey: async (tenantId, keyId) => {
      const key = await apiKeys.revoke(tenantId, keyId);
      principals.evictKey(keyId);
      return key;
    },
    authenticate: (bearer) => principals.resolve(bearer, loadPrincipal),

    login: (input) => sessions.login(input),
    refresh: (refreshToken) => sessions.refresh(refreshToken),
    ssoSettings: () => ({ enabled: oidc !== null, callbackUrl: oidc?.redirectUrl ?? null }),
    startSso: (workspace) => ssoOn().start(workspace),
    finishSso: (input) => ssoOn().finish(input),
    redeemSso: (input) => ssoOn().redeem(input),
    logout: async (tenantId, userId) => {
      await sessions.logout(tenantId, userId);
      principals.evictUser(userId);
    },
    changePassword: async (tenantId, userId, input) => {
      await sessions.changePassword(tenantId, userId, input);
      principals.evictUser(userId);
    },
    inviteUser: (tenantId, input, actor) => users.invite(tenantId, input, actor),
    acceptInvite: (input) => sessions.acceptInvite(input),
    listUsers: (tenantId) => users.list(tenantId),
    updateUser: async (tenantId, userId, input, actor) => {
      const update = await users.update(tenantId, userId, input, actor);
      principals.evictUser(userId);
      return update;
    },
    createUser: (tenantId, input) => users.create(tenantId, input),

    consumeRateLimit: (bucket, limit, windowMs) => limiter.consume(bucket, limit, windowMs),
    async consumeMessageQuota(tenantId) {
      const cached = await quotas.fetch(tenantId);
      if (!cached) throw new AppError('not_found', 'Unknown workspace.');
      await consumeDailyQuota(limiter, tenantId, cached.quota);
    },

    audit: (tenantId, actor, entry, origin) => auditLog.record(tenantId, actor, entry, origin),
    listAudit: (tenantId, query) => auditLog.list(tenantId, query),
  };
}
