import type { PersonDataPart } from '../../shared/person-data.js';
import type { Sql } from '../storage/contract.js';

/** Chat's tables that hold a conversation's content, each keyed by (tenant_id, a conversation column). */
const TABLES = [
  { kind: 'conversations', table: 'conversations', column: 'id', order: 'created_at' },
  { kind: 'messages', table: 'messages', column: 'conversation_id', order: 'seq' },
  { kind: 'inbox', table: 'channel_inbox', column: 'conversation_id', order: 'seq' },
  { kind: 'outbox', table: 'channel_outbox', column: 'conversation_id', order: 'seq' },
] as const;

/** Chat's share of a person's data: their conversations, messages, and platform messages in and out. */
export function createChatPersonData(deps: { sql: Sql }): PersonDataPart {
  const { sql } = deps;
  return {
    module: 'chat',
    async conversationsOf(tenantId, userId) {
      // Channel messages keep the platform's user id in the inbox, also after the turn ran.
      const rows = await sql.withTenant(tenantId, (tx) =>
        tx.query<{ conversation_id: string }>(`SELECT DISTINCT conversation_id FROM channel_inbox WHERE tenant_id = $1 AND message->'user'->>'id' = $2`, [tenantId, userId]),
      );
      return rows.map((r) => r.conversation_id);
    },
    async export(tenantId, conversationIds) {
      return sql.withTenant(tenantId, async (tx) => {
        const out: Record<string, unknown[]> = {};
        for (const t of TABLES) {
          const rows = await tx.query<{ row: Record<string, unknown> }>(
            `SELECT to_jsonb(t) - 'tenant_id' - 'secrets' AS row FROM ${t.table} t WHERE tenant_id = $1 AND ${t.column} = ANY($2::text[]) ORDER BY ${t.order}`,
            [tenantId, conversationIds],
          );
          out[t.kind] = rows.map((r) => r.row);
        }
        return out;
      });
    },
    async forget(tenantId, conversationIds) {
      return sql.withTenant(tenantId, async (tx) => {
        const counts: Record<string, number> = {};
        // Children first: conversations last, so a failure leaves nothing orphaned.
        for (const t of [...TABLES].reverse()) {
          counts[t.kind] = (await tx.query(`DELETE FROM ${t.table} WHERE tenant_id = $1 AND ${t.column} = ANY($2::text[]) RETURNING 1`, [tenantId, conversationIds])).length;
        }
        return counts;
      });
    },
  };
}
