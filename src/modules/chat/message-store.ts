import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { Sql, SqlExecutor } from '../storage/contract.js';
import type { ConversationSummary, StoredMessage } from './contract.js';

type MessageDoc = Omit<StoredMessage, 'id' | 'conversationId' | 'createdAt'>;

export function createMessageStore(deps: { sql: Sql; ids: Ids; clock: Clock }) {
  const { sql, ids, clock } = deps;
  return {
    /** Creates the conversation on its first message and stamps its last activity on every later one. */
    async touchConversation(tx: SqlExecutor, tenantId: string, conversationId: string, channel: string): Promise<void> {
      const now = clock.isoNow();
      await tx.query(
        `INSERT INTO conversations (tenant_id, id, doc, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (tenant_id, id) DO UPDATE SET updated_at = EXCLUDED.updated_at`,
        [tenantId, conversationId, JSON.stringify({ channel }), now],
      );
    },

    async append(tx: SqlExecutor, tenantId: string, conversationId: string, docs: MessageDoc[]): Promise<void> {
      if (docs.length === 0) return;
      const now = clock.isoNow();
      const values: unknown[] = [];
      const rows = docs.map((doc, i) => {
        values.push(ids.uuid(), tenantId, conversationId, JSON.stringify(doc), now);
        const p = i * 5;
        return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5})`;
      });
      await tx.query(`INSERT INTO messages (id, tenant_id, conversation_id, doc, created_at) VALUES ${rows.join(', ')}`, values);
    },

    async list(tenantId: string, conversationId: string, limit: number): Promise<StoredMessage[]> {
      const rows = await sql.withTenant(tenantId, (tx) =>
        tx.query<{ id: string; doc: MessageDoc; created_at: string }>(
          `SELECT id, doc, created_at FROM messages WHERE tenant_id = $1 AND conversation_id = $2 ORDER BY seq LIMIT $3`,
          [tenantId, conversationId, limit],
        ),
      );
      return rows.map((r) => ({ ...r.doc, id: r.id, conversationId, createdAt: r.created_at }));
    },

    async summary(tenantId: string, conversationId: string): Promise<ConversationSummary | null> {
      const [row] = await sql.withTenant(tenantId, (tx) =>
        tx.query<{ doc: { channel: string }; created_at: string; updated_at: string; message_count: number }>(
          `SELECT c.doc, c.created_at, c.updated_at,
             (SELECT count(*)::integer FROM messages m WHERE m.tenant_id = c.tenant_id AND m.conversation_id = c.id) AS message_count
           FROM conversations c WHERE c.tenant_id = $1 AND c.id = $2`,
          [tenantId, conversationId],
        ),
      );
      if (!row) return null;
      return {
        id: conversationId,
        channel: row.doc.channel,
        startedAt: row.created_at,
        lastMessageAt: row.updated_at,
        messageCount: row.message_count,
      };
    },
  };
}
