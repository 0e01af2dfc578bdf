import type { TenantDataPart } from './contract.js';

/**
 * A module's share of deleting a tenant when it is its tables' rows by `tenant_id`: deleted in the
 * order listed, so a table whose rows point at another's comes before it.
 */
export function tenantTables(module: string, tables: readonly string[]): TenantDataPart {
  return {
    module,
    async purgeTenant(tx, tenantId) {
      for (const table of tables) await tx.query(`DELETE FROM ${table} WHERE tenant_id = $1`, [tenantId]);
    },
  };
}
