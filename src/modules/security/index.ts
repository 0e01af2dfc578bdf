import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { Sql } from '../storage/contract.js';
import { createApiKeyStore } from './api-keys.js';
import type { Security } from './contract.js';
import { createTenantStore } from './tenants.js';

export * from './contract.js';
export { resolveMasterKeys } from './master-key-file.js';
export { securityMigrations } from './migrations.js';
export { createSecrets } from './secrets.js';

export function createSecurity(deps: { sql: Sql; ids: Ids; clock: Clock }): Security {
  const tenants = createTenantStore(deps);
  const apiKeys = createApiKeyStore(deps);
  return {
    createTenant: (input) => tenants.create(input),
    getTenant: (tenantId) => tenants.get(tenantId),
    getTenantBySlug: (slug) => tenants.getBySlug(slug),
    getTenantByWidgetKey: (widgetKey) => tenants.getByWidgetKey(widgetKey),
    createApiKey: (tenantId, input) => apiKeys.create(tenantId, input),
    authenticate: (secret) => apiKeys.authenticate(secret),
  };
}
