import { adaptorsTenantData } from './modules/adaptors/index.js';
import { analyticsTenantData } from './modules/analytics/index.js';
import { chatTenantData } from './modules/chat/index.js';
import { engineTenantData } from './modules/engine/index.js';
import { knowledgeTenantData } from './modules/knowledge/index.js';
import { modelsTenantData } from './modules/models/index.js';
import { privacyTenantData } from './modules/privacy/index.js';
import { securityTenantData } from './modules/security/index.js';
import type { Sql, TenantDataPart } from './modules/storage/index.js';
import type { Logger } from './shared/logger.js';

/** Every module's share of a tenant's data, in dependency order (that of their migrations). */
export const tenantDataParts: readonly TenantDataPart[] = [
  securityTenantData, engineTenantData, chatTenantData, modelsTenantData, analyticsTenantData, adaptorsTenantData, privacyTenantData, knowledgeTenantData,
];

export interface TenantPurgeDeps {
  sql: Sql;
  parts: readonly TenantDataPart[];
  /** Deletes the tenant's keys in the shared stores (caches, counters, locks). */
  purgeKeys: (tenantId: string) => Promise<void>;
  logger: Logger;
}

/**
 * Deletes everything of a tenant: every module's rows in one transaction, in reverse dependency
 * order (the tenant itself last), so that a failure anywhere leaves the tenant whole; then its keys.
 */
export function createTenantPurge(deps: TenantPurgeDeps) {
  const reversed = [...deps.parts].reverse();
  return async function purgeTenant(tenantId: string): Promise<void> {
    await deps.sql.transaction(async (tx) => {
      for (const part of reversed) await part.purgeTenant(tx, tenantId);
    });
    try {
      await deps.purgeKeys(tenantId);
    } catch (error) {
      // The rows are gone, so a retry would find no tenant; keys left behind carry an id no request can name again.
      deps.logger.error({ err: error, tenantId }, 'tenant deletion: its rows are deleted but deleting its Redis keys failed');
    }
  };
}
