import { tenantTables } from '../storage/index.js';

/** Terms before their chunks before their sources (each references the next). */
export const knowledgeTenantData = tenantTables('knowledge', ['knowledge_terms', 'knowledge_chunks', 'knowledge_sources']);
