import { tenantTables } from '../storage/index.js';
import { RAW_TABLE_NAMES } from './raw-tables.js';

/**
 * The outbox first: deleting its rows waits for a relay that holds some of them, and the rows that
 * relay stored are then committed, so the deletes of the tables after it see them.
 */
export const analyticsTenantData = tenantTables('analytics', ['analytics_outbox', 'analytics_outbox_refused', ...RAW_TABLE_NAMES, 'conversation_analytics_hourly']);
