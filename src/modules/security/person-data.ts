import type { PersonDataPart } from '../../shared/person-data.js';
import type { Sql } from '../storage/contract.js';

/**
 * Security's share: audit entries whose target is one of the person's conversations (a reset, an
 * agent's reply). The log keeps that something was done, not to whom: the target is erased.
 */
export function createSecurityPersonData(deps: { sql: Sql }): PersonDataPart {
  const { sql } = deps;
  return {
    module: 'security',
    conversationsOf: async () => [],
    async export(tenantId, conversationIds) {
      const rows = await sql.withTenant(tenantId, (tx) =>
        tx.query(`SELECT at, action, target, actor_type AS "actorType" FROM audit_log WHERE tenant_id = $1 AND target = ANY($2::text[]) ORDER BY at`, [tenantId, conversationIds]),
      );
      return { audit: rows };
    },
    async forget(tenantId, conversationIds) {
      const rows = await sql.withTenant(tenantId, (tx) =>
        tx.query(`UPDATE audit_log SET target = 'erased', details = '{}'::jsonb WHERE tenant_id = $1 AND target = ANY($2::text[]) RETURNING 1`, [tenantId, conversationIds]),
      );
      return { audit: rows.length };
    },
  };
}
