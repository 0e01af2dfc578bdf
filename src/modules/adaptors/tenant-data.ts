import { tenantTables } from '../storage/index.js';

export const adaptorsTenantData = tenantTables('adaptors', ['integrations']);
