import type { TenantDataPart } from '../storage/contract.js';
import { tenantTables } from '../storage/index.js';

const rows = tenantTables('security', ['audit_log', 'refresh_tokens', 'users', 'api_keys']);

/** Last of every module's share: the tenant itself goes once nothing of it is left. */
export const securityTenantData: TenantDataPart = {
  module: 'security',
  async purgeTenant(tx, tenantId) {
    await rows.purgeTenant(tx, tenantId);
    await tx.query('DELETE FROM tenants WHERE id = $1', [tenantId]);
  },
};
