import { AppError } from '../../shared/app-error.js';
import type { Locks, Sql, SqlExecutor } from '../storage/contract.js';
import type { ContextStore } from './context-store.js';
import type { TurnTrace } from './contract.js';
import type { TraceEvent } from './flow/index.js';

const lockKey = (tenantId: string, conversationId: string) => `lock:conversation:${tenantId}:${conversationId}`;

/**
 * Operations on a conversation outside a turn. Those that change the context take the same lock
 * as turns, so they never interleave with one.
 */
export function createConversationAdmin(deps: { sql: Sql; locks: Locks; contexts: ContextStore; lockWaitMs: number }) {
  const { sql, locks, contexts } = deps;

  async function underLock<T>(tenantId: string, conversationId: string, fn: () => Promise<T>): Promise<T> {
    const lock = await locks.acquire(lockKey(tenantId, conversationId), { waitMs: deps.lockWaitMs });
    try {
      return await fn();
    } finally {
      await lock.release();
    }
  }

  return {
    async traces(tenantId: string, conversationId: string, limit: number): Promise<TurnTrace[]> {
      const rows = await sql.withTenant(tenantId, (tx) =>
        tx.query<{ id: string; turn: number; flow_id: string; flow_version: number; trace: TraceEvent[]; created_at: string }>(
          `SELECT id, turn, flow_id, flow_version, trace, created_at FROM turn_traces
           WHERE tenant_id = $1 AND conversation_id = $2 ORDER BY created_at DESC, turn DESC LIMIT $3`,
          [tenantId, conversationId, limit],
        ),
      );
      return rows.reverse().map((r) => ({
        turnId: r.id,
        turn: r.turn,
        flowId: r.flow_id,
        flowVersion: r.flow_version,
        createdAt: r.created_at,
        events: r.trace,
      }));
    },

    /** Forgets the flow context: the next message starts the default flow's latest version afresh. */
    async reset(tenantId: string, conversationId: string): Promise<void> {
      await underLock(tenantId, conversationId, async () => {
        const deleted = await sql.withTenant(tenantId, (tx) =>
          tx.query('DELETE FROM conversation_contexts WHERE tenant_id = $1 AND conversation_id = $2 RETURNING 1', [tenantId, conversationId]),
        );
        await contexts.forget(tenantId, conversationId);
        if (deleted.length === 0) {
          throw new AppError('conversation_not_found', `No conversation '${conversationId}' in this workspace.`);
        }
      });
    },

    /**
     * Gives a handed-off conversation back to the bot: its next message starts the flow again.
     * Idempotent. `commit` joins the same transaction (chat clears its handoff mark there), so the
     * bot's state and the inbox's never disagree.
     */
    async handBack(tenantId: string, conversationId: string, commit?: (tx: SqlExecutor) => Promise<void>): Promise<void> {
      await underLock(tenantId, conversationId, async () => {
        const record = await contexts.loadFromDb(tenantId, conversationId);
        if (!record) throw new AppError('conversation_not_found', `No conversation '${conversationId}' in this workspace.`);
        const saved = await sql.withTenant(tenantId, async (tx) => {
          const next = record.context.status === 'handoff' ? await contexts.save(tx, tenantId, conversationId, { ...record, context: { ...record.context, status: 'ended' } }) : null;
          await commit?.(tx);
          return next;
        });
        if (saved) await contexts.cache(tenantId, conversationId, saved);
      });
    },
  };
}
