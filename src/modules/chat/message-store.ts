import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { TurnRowWriter } from '../engine/contract.js';
import type { Sql, SqlExecutor } from '../storage/contract.js';
import type { ConversationListQuery, ConversationSummary, DeliveryStatus, StoredMessage } from './contract.js';

export type MessageDoc = Omit<StoredMessage, 'id' | 'conversationId' | 'createdAt'>;

/** The conversation document: its channel, where replies go on the platform, and who has it. */
export interface ConversationDoc {
  channel: string;
  address?: Record<string, string>;
  status?: ConversationSummary['status'];
  handoff?: ConversationSummary['handoff'];
  handedBackAt?: string;
}

interface SummaryRow {
  id: string;
  doc: ConversationDoc;
  created_at: string;
  updated_at: string;
  message_count: number;
}

const toSummary = (row: SummaryRow): ConversationSummary => ({
  id: row.id,
  channel: row.doc.channel,
  status: row.doc.status ?? 'active',
  handoff: row.doc.handoff ?? null,
  startedAt: row.created_at,
  lastMessageAt: row.updated_at,
  messageCount: row.message_count,
});

/** A conversation a turn touched: created on its first message, its activity (and platform address) stamped on later ones. */
export interface ConversationTouch {
  conversationId: string;
  channel: string;
  address?: Record<string, string>;
  at: string;
}

/** A message to append; rows of one batch keep their order. */
export interface NewMessage {
  id: string;
  conversationId: string;
  doc: MessageDoc;
  at: string;
}

const TOUCH = `INSERT INTO conversations (tenant_id, id, doc, created_at, updated_at)
  SELECT $1, x.id, x.doc, x.at, x.at FROM jsonb_to_recordset($2::jsonb) AS x(id text, doc jsonb, at timestamptz)
  ON CONFLICT (tenant_id, id) DO UPDATE SET updated_at = EXCLUDED.updated_at,
    doc = CASE WHEN EXCLUDED.doc ? 'address' THEN conversations.doc || jsonb_build_object('address', EXCLUDED.doc->'address') ELSE conversations.doc END`;

const APPEND = `INSERT INTO messages (id, tenant_id, conversation_id, doc, created_at)
  SELECT x.id, $1, x.conversation_id, x.doc, x.at
    FROM ROWS FROM (jsonb_to_recordset($2::jsonb) AS (id uuid, conversation_id text, doc jsonb, at timestamptz))
      WITH ORDINALITY AS x(id, conversation_id, doc, at, n) ORDER BY x.n`;

/** A turn row writer: one statement for the conversations of many turns (each at most once per call). */
const touchConversations: TurnRowWriter<ConversationTouch> = async (tx, tenantId, rows) => {
  const docs = rows.map(({ conversationId, channel, address, at }) => ({ id: conversationId, doc: address ? { channel, address } : { channel }, at }));
  await tx.query(TOUCH, [tenantId, JSON.stringify(docs)]);
};

export function createMessageStore(deps: { sql: Sql; ids: Ids; clock: Clock; redactFor?: ((tenantId: string) => Promise<(<T>(value: T) => T) | null>) | undefined }) {
  const { sql, ids, clock } = deps;

  /** A turn row writer: the messages of many turns in one statement, redacted first where the workspace asks. */
  const appendMessages: TurnRowWriter<NewMessage> = async (tx, tenantId, rows) => {
    if (rows.length === 0) return;
    const redact = await deps.redactFor?.(tenantId);
    const docs = rows.map(({ id, conversationId, doc, at }) => ({ id, conversation_id: conversationId, doc: redact ? redact(doc) : doc, at }));
    await tx.query(APPEND, [tenantId, JSON.stringify(docs)]);
  };

  return {
    touchConversations,

    /** Creates the conversation on its first message and stamps its last activity (and platform address) on every later one. */
    async touchConversation(tx: SqlExecutor, tenantId: string, conversationId: string, channel: string, address?: Record<string, string>): Promise<void> {
      await touchConversations(tx, tenantId, [{ conversationId, channel, ...(address ? { address } : {}), at: clock.isoNow() }]);
    },

    async getDoc(tx: SqlExecutor, tenantId: string, conversationId: string): Promise<ConversationDoc | null> {
      const [row] = await tx.query<{ doc: ConversationDoc }>('SELECT doc FROM conversations WHERE tenant_id = $1 AND id = $2', [tenantId, conversationId]);
      return row?.doc ?? null;
    },

    async patchDoc(tx: SqlExecutor, tenantId: string, conversationId: string, patch: Partial<ConversationDoc>): Promise<boolean> {
      const rows = await tx.query('UPDATE conversations SET doc = doc || $3::jsonb WHERE tenant_id = $1 AND id = $2 RETURNING id', [tenantId, conversationId, JSON.stringify(patch)]);
      return rows.length > 0;
    },

    appendMessages,

    /** Appends messages in order and returns their ids. */
    async append(tx: SqlExecutor, tenantId: string, conversationId: string, docs: MessageDoc[]): Promise<string[]> {
      const at = clock.isoNow();
      const rows = docs.map((doc) => ({ id: ids.uuid(), conversationId, doc, at }));
      await appendMessages(tx, tenantId, rows);
      return rows.map((row) => row.id);
    },

    /** Records the platform's latest delivery status on outbound messages. */
    async setDelivery(tx: SqlExecutor, tenantId: string, messageIds: readonly string[], delivery: { status: DeliveryStatus; at: string; error?: string }): Promise<void> {
      if (messageIds.length === 0) return;
      await tx.query(`UPDATE messages SET doc = doc || jsonb_build_object('delivery', $3::jsonb) WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [
        tenantId,
        messageIds,
        JSON.stringify(delivery),
      ]);
    },

    /** Oldest first; `newest` takes the last `limit` messages instead of the first (still oldest first). */
    async list(tenantId: string, conversationId: string, limit: number, newest = false): Promise<StoredMessage[]> {
      const rows = await sql.withTenant(tenantId, (tx) =>
        tx.query<{ id: string; doc: MessageDoc; created_at: string }>(
          `SELECT id, doc, created_at FROM messages WHERE tenant_id = $1 AND conversation_id = $2 ORDER BY seq ${newest ? 'DESC' : 'ASC'} LIMIT $3`,
          [tenantId, conversationId, limit],
        ),
      );
      if (newest) rows.reverse();
      return rows.map((r) => ({ ...r.doc, id: r.id, conversationId, createdAt: r.created_at }));
    },

    async get(tenantId: string, messageId: string): Promise<StoredMessage | null> {
      const [row] = await sql.withTenant(tenantId, (tx) =>
        tx.query<{ id: string; conversation_id: string; doc: MessageDoc; created_at: string }>(
          'SELECT id, conversation_id, doc, created_at FROM messages WHERE tenant_id = $1 AND id = $2',
          [tenantId, messageId],
        ),
      );
      return row ? { ...row.doc, id: row.id, conversationId: row.conversation_id, createdAt: row.created_at } : null;
    },

    async summary(tenantId: string, conversationId: string): Promise<ConversationSummary | null> {
      const [row] = await sql.withTenant(tenantId, (tx) =>
        tx.query<{ doc: ConversationDoc; created_at: string; updated_at: string; message_count: number }>(
          `SELECT c.doc, c.created_at, c.updated_at,
             (SELECT count(*)::integer FROM messages m WHERE m.tenant_id = c.tenant_id AND m.conversation_id = c.id) AS message_count
           FROM conversations c WHERE c.tenant_id = $1 AND c.id = $2`,
          [tenantId, conversationId],
        ),
      );
      return row ? toSummary({ ...row, id: conversationId }) : null;
    },

    async listSummaries(tenantId: string, f: ConversationListQuery): Promise<ConversationSummary[]> {
      const params: unknown[] = [tenantId];
      const where = ['c.tenant_id = $1'];
      const add = (clause: (p: string) => string, value: unknown) => {
        params.push(value);
        where.push(clause(`$${params.length}`));
      };
      if (f.status === 'handoff') where.push(`c.doc->>'status' = 'handoff'`);
      if (f.status === 'active') where.push(`coalesce(c.doc->>'status', 'active') <> 'handoff'`);
      if (f.channel) add((p) => `c.doc->>'channel' = ${p}`, f.channel);
      if (f.from) add((p) => `c.updated_at >= ${p}::timestamptz`, f.from);
      if (f.to) add((p) => `c.updated_at < ${p}::timestamptz`, f.to);
      if (f.q) {
        add((p) => `(c.id ILIKE ${p} ESCAPE '\\' OR EXISTS (SELECT 1 FROM messages m WHERE m.tenant_id = c.tenant_id AND m.conversation_id = c.id AND m.doc->>'text' ILIKE ${p} ESCAPE '\\'))`, `%${f.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
      }
      params.push(f.limit);
      const rows = await sql.withTenant(tenantId, (tx) =>
        tx.query<{ id: string; doc: ConversationDoc; created_at: string; updated_at: string; message_count: number }>(
          `SELECT c.id, c.doc, c.created_at, c.updated_at,
             (SELECT count(*)::integer FROM messages m WHERE m.tenant_id = c.tenant_id AND m.conversation_id = c.id) AS message_count
           FROM conversations c WHERE ${where.join(' AND ')} ORDER BY c.updated_at DESC, c.id LIMIT $${params.length}`,
          params,
        ),
      );
      return rows.map(toSummary);
    },
  };
}
