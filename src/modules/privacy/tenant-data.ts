import { tenantTables } from '../storage/index.js';

export const privacyTenantData = tenantTables('privacy', ['data_policies']);
