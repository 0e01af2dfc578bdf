import type { PersonDataPart } from '../../shared/person-data.js';
import type { Sql } from '../storage/contract.js';
import { RAW_TABLE_NAMES } from './raw-tables.js';

/** Staged records not yet relayed to the tables are JSON text; a conversation's carry its id as a field. */
const STAGED = ['analytics_outbox', 'analytics_outbox_refused'] as const;
const stagedMatch = `EXISTS (SELECT 1 FROM unnest($2::text[]) AS c(id) WHERE position('"conversation_id":' || to_jsonb(c.id)::text IN payload) > 0)`;

/**
 * Analytics' share of a person's data: the raw rows of their conversations' turns, model calls and
 * metrics, and records still staged. Hourly rollups are counts without conversations or people,
 * so they stay, and the dashboards' totals with them.
 */
export function createAnalyticsPersonData(deps: { sql: Sql }): PersonDataPart {
  const { sql } = deps;
  return {
    module: 'analytics',
    conversationsOf: async () => [],
    async export(tenantId, conversationIds) {
      return sql.withTenant(tenantId, async (tx) => {
        const out: Record<string, unknown[]> = {};
        for (const table of RAW_TABLE_NAMES) {
          const rows = await tx.query<{ row: unknown }>(
            `SELECT to_jsonb(t) - 'tenant_id' AS row FROM ${table} t WHERE tenant_id = $1 AND conversation_id = ANY($2::text[]) ORDER BY time`,
            [tenantId, conversationIds],
          );
          out[table] = rows.map((r) => r.row);
        }
        return out;
      });
    },
    async forget(tenantId, conversationIds) {
      return sql.withTenant(tenantId, async (tx) => {
        const counts: Record<string, number> = {};
        for (const table of RAW_TABLE_NAMES) {
          counts[table] = (await tx.query(`DELETE FROM ${table} WHERE tenant_id = $1 AND conversation_id = ANY($2::text[]) RETURNING 1`, [tenantId, conversationIds])).length;
        }
        for (const table of STAGED) {
          counts[table] = (await tx.query(`DELETE FROM ${table} WHERE tenant_id = $1 AND ${stagedMatch} RETURNING 1`, [tenantId, conversationIds])).length;
        }
        return counts;
      });
    },
  };
}
