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

    /**
     * Writes `record` as the version after `record.version`, inside the caller's tenant transaction;
     * throws conflict when someone saved in between.
     */
    async save(tx: SqlExecutor, tenantId: string, conversationId: string, record: ConversationRecord): Promise<ConversationRecord> {
      const next = { ...record, version: record.version + 1 };
      const params = [
        tenantId, conversationId, record.flowId, record.flowVersion, JSON.stringify(record.context), next.version, record.updatedAt, JSON.stringify(record.recentMessageIds),
      ];
      const rows =
        record.version === 0
          ? await tx.query(
              `INSERT INTO conversation_contexts (tenant_id, conversation_id, flow_id, flow_version, context, version, updated_at, recent_message_ids)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING 1`,
              params,
            )
          : await tx.query(
              `UPDATE conversation_contexts SET flow_id = $3, flow_version = $4, context = $5, version = $6, updated_at = $7, recent_message_ids = $8
               WHERE tenant_id = $1 AND conversation_id = $2 AND version = $6 - 1 RETURNING 1`,
              params,
            );
      if (rows.length === 0) {
        await kv.del(cacheKey(tenantId, conversationId)).catch(() => undefined);
        throw new AppError('conflict', 'The conversation changed while this message was processed; send it again.');
      }
      return next;
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
