import { AppError } from '../../shared/app-error.js';
import type { Kv, Sql, SqlExecutor } from '../storage/contract.js';
import type { FlowContext } from './flow/index.js';

/** What is persisted per conversation: the flow version it runs on and the flow's context. */
export interface ConversationRecord {
  flowId: string;
  flowVersion: number;
  context: FlowContext;
  /** Optimistic-concurrency version: a save must name the version it loaded. */
  version: number;
  updatedAt: string;
  /** Client message ids of the latest turns, newest last: a retry among them is answered from the turn log. */
  recentMessageIds: string[];
}

interface ContextRow extends Record<string, unknown> {
  flow_id: string;
  flow_version: number;
  context: FlowContext;
  version: number;
  updated_at: string;
  recent_message_ids: string[];
}

const CACHE_TTL_MS = 30 * 60_000;

/** A context to save: `record.version` is the version it was loaded at (0 for a new conversation). */
export interface ContextSave {
  conversationId: string;
  record: ConversationRecord;
}

/** The rows of a batch arrive as one JSON array: one parameter, whatever the batch size. */
const ROWS = `json_to_recordset($2) AS x(conversation_id text, flow_id text, flow_version integer, context jsonb, version integer,
  updated_at timestamptz, recent_message_ids jsonb)`;
const INSERT_NEW = `INSERT INTO conversation_contexts (tenant_id, conversation_id, flow_id, flow_version, context, version, updated_at, recent_message_ids)
  SELECT $1, x.conversation_id, x.flow_id, x.flow_version, x.context, x.version, x.updated_at, x.recent_message_ids FROM ${ROWS}
  ON CONFLICT DO NOTHING RETURNING conversation_id`;
/** Fenced by version: a save applies only over the version it was loaded at. */
const UPDATE_EXISTING = `UPDATE conversation_contexts c SET flow_id = x.flow_id, flow_version = x.flow_version, context = x.context,
    version = x.version, updated_at = x.updated_at, recent_message_ids = x.recent_message_ids
  FROM ${ROWS} WHERE c.tenant_id = $1 AND c.conversation_id = x.conversation_id AND c.version = x.version - 1
  RETURNING c.conversation_id`;

/** A save as a row of the batch: the version it writes is the one after the version it loaded. */
const asRow = ({ conversationId, record }: ContextSave) => ({
  conversation_id: conversationId,
  flow_id: record.flowId,
  flow_version: record.flowVersion,
  context: record.context,
  version: record.version + 1,
  updated_at: record.updatedAt,
  recent_message_ids: record.recentMessageIds,
});

/**
 * Context is read from the cache, then the database; it is written to the database first (guarded
 * by the version it was loaded at, so a stale lock holder can never overwrite a newer context) and
 * to the cache after the transaction commits.
 */
export function createContextStore(deps: { sql: Sql; kv: Kv }) {
  const { sql, kv } = deps;
  const cacheKey = (tenantId: string, conversationId: string) => `conversation:${tenantId}:${conversationId}`;

  async function loadFromDb(tenantId: string, conversationId: string): Promise<ConversationRecord | null> {
    const [row] = await sql.withTenant(tenantId, (tx) =>
      tx.query<ContextRow>(
        'SELECT flow_id, flow_version, context, version, updated_at, recent_message_ids FROM conversation_contexts WHERE tenant_id = $1 AND conversation_id = $2',
        [tenantId, conversationId],
      ),
    );
    return row
      ? { flowId: row.flow_id, flowVersion: row.flow_version, context: row.context, version: row.version, updatedAt: row.updated_at, recentMessageIds: row.recent_message_ids }
      : null;
  }

  /**
   * Writes each record as the version after its `version`, inside the caller's tenant transaction,
   * in two statements at most (new conversations, then existing ones); says which were saved. One
   * that someone saved in between is not, and its cached copy is dropped.
   */
  async function saveMany(tx: SqlExecutor, tenantId: string, saves: readonly ContextSave[]): Promise<boolean[]> {
    const fresh = saves.filter((save) => save.record.version === 0);
    const existing = saves.filter((save) => save.record.version !== 0);
    const savedIds = new Set<string>();
    for (const [batch, statement] of [[fresh, INSERT_NEW], [existing, UPDATE_EXISTING]] as const) {
      if (batch.length === 0) continue;
      const rows = await tx.query<{ conversation_id: string }>(statement, [tenantId, JSON.stringify(batch.map(asRow))]);
      for (const row of rows) savedIds.add(row.conversation_id);
    }
    const saved = saves.map((save) => savedIds.has(save.conversationId));
    const stale = saves.filter((_, i) => !saved[i]).map((save) => cacheKey(tenantId, save.conversationId));
    await Promise.all(stale.map((key) => kv.del(key).catch(() => undefined)));
    return saved;
  }

  return {
    /** The key-value key of a conversation's cached context, for a lock to read as it is granted. */
    cacheKey,

    /**
     * For turns, under the conversation lock: a stale cached copy makes the save conflict, and the
     * turn is run again from the database. `read` is the cached copy the lock already fetched, if it did.
     */
    async load(tenantId: string, conversationId: string, read?: string | null): Promise<ConversationRecord | null> {
      const cached = read === undefined ? await kv.get(cacheKey(tenantId, conversationId)) : read;
      // Copies cached by an earlier version have no recent ids yet.
      if (cached) return { recentMessageIds: [], ...(JSON.parse(cached) as Omit<ConversationRecord, 'recentMessageIds'>) };
      return loadFromDb(tenantId, conversationId);
    },

    loadFromDb,

    saveMany,

    /** `saveMany` for one record: returns the saved version, or throws conflict. */
    async save(tx: SqlExecutor, tenantId: string, conversationId: string, record: ConversationRecord): Promise<ConversationRecord> {
      const [saved] = await saveMany(tx, tenantId, [{ conversationId, record }]);
      if (!saved) throw new AppError('conflict', 'The conversation changed while this message was processed; send it again.');
      return { ...record, version: record.version + 1 };
    },

    /**
     * Called after the saving transaction committed, so the cache never holds an uncommitted context.
     * Best effort: the turn is already durable, and a copy left older than the database only costs
     * the next turn a conflict and a re-run from the database (only lock holders read the cache).
     */
    async cache(tenantId: string, conversationId: string, record: ConversationRecord): Promise<void> {
      const key = cacheKey(tenantId, conversationId);
      await kv.set(key, JSON.stringify(record), { ttlMs: CACHE_TTL_MS }).catch(() => kv.del(key).catch(() => undefined));
    },

    async forget(tenantId: string, conversationId: string): Promise<void> {
      await kv.del(cacheKey(tenantId, conversationId));
    },
  };
}

export type ContextStore = ReturnType<typeof createContextStore>;
