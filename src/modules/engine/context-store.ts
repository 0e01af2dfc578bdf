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

/** A turn's trace and the result a retry of its message gets back, stored with its context. */
export interface SavedTurn {
  save: ContextSave;
  trace: { turnId: string; turn: number; flowId: string; flowVersion: number; trace: unknown; messageId: string | null; result: unknown } | null;
}

/**
 * Contexts and traces of a batch in one statement. The rows arrive as one JSON array (one
 * parameter, whatever the batch size); a context saves only over the version it was loaded at
 * (version 1 is a new conversation), and a trace is stored only with its context.
 */
const SAVE_TURNS = `WITH x AS (
    SELECT * FROM json_to_recordset($2) AS x(conversation_id text, flow_id text, flow_version integer, context jsonb, version integer,
      updated_at timestamptz, recent_message_ids jsonb, turn_id uuid, turn integer, trace jsonb, message_id text, result jsonb)
  ), inserted AS (
    INSERT INTO conversation_contexts (tenant_id, conversation_id, flow_id, flow_version, context, version, updated_at, recent_message_ids)
    SELECT $1, conversation_id, flow_id, flow_version, context, version, updated_at, recent_message_ids FROM x WHERE version = 1
    ON CONFLICT DO NOTHING RETURNING conversation_id
  ), updated AS (
    UPDATE conversation_contexts c SET flow_id = x.flow_id, flow_version = x.flow_version, context = x.context,
      version = x.version, updated_at = x.updated_at, recent_message_ids = x.recent_message_ids
    FROM x WHERE x.version > 1 AND c.tenant_id = $1 AND c.conversation_id = x.conversation_id AND c.version = x.version - 1
    RETURNING c.conversation_id
  ), saved AS (
    SELECT conversation_id FROM inserted UNION ALL SELECT conversation_id FROM updated
  ), traced AS (
    INSERT INTO turn_traces (id, tenant_id, conversation_id, turn, flow_id, flow_version, trace, message_id, result)
    SELECT x.turn_id, $1, x.conversation_id, x.turn, x.flow_id, x.flow_version, x.trace, x.message_id, x.result
      FROM x JOIN saved USING (conversation_id) WHERE x.turn_id IS NOT NULL
  )
  SELECT conversation_id FROM saved`;

/** A save over a version someone else wrote: the turn is run again from the database. */
export const contextConflict = () => new AppError('conflict', 'The conversation changed while this message was processed; send it again.');

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
   * Writes each context as the version after the one it was loaded at, with its turn's trace,
   * inside the caller's tenant transaction, in one statement; says which were saved. One that
   * someone saved in between is not (nor its trace), and its cached copy is dropped.
   */
  async function saveTurns(tx: SqlExecutor, tenantId: string, turns: readonly SavedTurn[]): Promise<boolean[]> {
    const rows = turns.map(({ save: { conversationId, record }, trace }) => ({
      conversation_id: conversationId,
      flow_id: record.flowId,
      flow_version: record.flowVersion,
      context: record.context,
      version: record.version + 1,
      updated_at: record.updatedAt,
      recent_message_ids: record.recentMessageIds,
      ...(trace
        ? { turn_id: trace.turnId, turn: trace.turn, trace: trace.trace, message_id: trace.messageId, result: trace.result }
        : {}),
    }));
    const savedIds = new Set((await tx.query<{ conversation_id: string }>(SAVE_TURNS, [tenantId, JSON.stringify(rows)])).map((row) => row.conversation_id));
    const saved = turns.map(({ save }) => savedIds.has(save.conversationId));
    const stale = turns.filter((_, i) => !saved[i]).map(({ save }) => cacheKey(tenantId, save.conversationId));
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

    saveTurns,

    /** One context without a turn (a hand-back): returns the saved version, or throws conflict. */
    async save(tx: SqlExecutor, tenantId: string, conversationId: string, record: ConversationRecord): Promise<ConversationRecord> {
      const [saved] = await saveTurns(tx, tenantId, [{ save: { conversationId, record }, trace: null }]);
      if (!saved) throw contextConflict();
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
