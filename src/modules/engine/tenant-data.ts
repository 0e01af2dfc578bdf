import { tenantTables } from '../storage/index.js';

/** Versions before their flows (they reference them). */
export const engineTenantData = tenantTables('engine', ['turn_traces', 'conversation_contexts', 'flow_versions', 'flows']);
