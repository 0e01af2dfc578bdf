import type { PersonDataPart } from '../../shared/person-data.js';
import type { Sql } from '../storage/contract.js';

/** Chat's tables that hold a conversation's content, each keyed by (tenant_id, a conversation column). */
const TABLES = [
  { kind: 'conversations', table: 'conversations', column: 'id', order: 'created_at' },
  { kind: 'messages', table: 'messages', column: 'conversation_id', order: 'seq' },
  { kind: 'inbox', table: 'channel_inbox', column: 'conversation_id', order: 'seq' },
  { kind: 'outbox', table: 'channel_outbox', column: 'conversation_id', order: 'seq' },
  { kind: 'schedules', table: 'chat_schedules', column: 'conversation_id', order: 'created_at' },
  { kind: 'starts', table: 'chat_starts', column: 'conversation_id', order: 'created_at' },
] as const;

/** Chat's share of a person's data: their conversations, messages, platform messages in and out, follow-ups and API starts. */
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
    async expire(tenantId, before) {
      return sql.withTenant(tenantId, async (tx) => {
        const run = async (statement: string) => (await tx.query(statement, [tenantId, before])).length;
        // Platform messages not yet turned into turns, and sends not yet delivered, are kept: they are work, not history.
        const counts = {
          messages: await run('DELETE FROM messages WHERE tenant_id = $1 AND created_at < $2::timestamptz RETURNING 1'),
          inbox: await run(`DELETE FROM channel_inbox WHERE tenant_id = $1 AND created_at < $2::timestamptz AND status <> 'pending' RETURNING 1`),
          outbox: await run(`DELETE FROM channel_outbox WHERE tenant_id = $1 AND created_at < $2::timestamptz AND status <> 'pending' RETURNING 1`),
          // Follow-ups still to be sent are work too; a start's record only guards its key against repeats.
          schedules: await run(`DELETE FROM chat_schedules WHERE tenant_id = $1 AND updated_at < $2::timestamptz AND status <> 'pending' RETURNING 1`),
          starts: await run('DELETE FROM chat_starts WHERE tenant_id = $1 AND created_at < $2::timestamptz RETURNING 1'),
          conversations: 0,
        };
        counts.conversations = await run(
          `DELETE FROM conversations c WHERE tenant_id = $1 AND updated_at < $2::timestamptz
             AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.tenant_id = c.tenant_id AND m.conversation_id = c.id)
             AND NOT EXISTS (SELECT 1 FROM channel_inbox i WHERE i.tenant_id = c.tenant_id AND i.conversation_id = c.id)
             AND NOT EXISTS (SELECT 1 FROM channel_outbox o WHERE o.tenant_id = c.tenant_id AND o.conversation_id = c.id)
             AND NOT EXISTS (SELECT 1 FROM chat_schedules s WHERE s.tenant_id = c.tenant_id AND s.conversation_id = c.id AND s.status = 'pending')
           RETURNING 1`,
        );
        return counts;
      });
    },
  };
}
