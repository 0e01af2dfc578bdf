import { AppError } from '../../shared/app-error.js';
import type { Locks, Sql, SqlExecutor } from '../storage/contract.js';
import type { CompiledFlows } from './compiled-flows.js';
import type { ContextStore } from './context-store.js';
import type { HandBackResult, TurnTrace } from './contract.js';
import type { ConversationSnapshot, TraceEvent } from './flow/index.js';
import { resumeTurnCore, type TurnCoreDeps } from './run-turn.js';

const lockKey = (tenantId: string, conversationId: string) => `lock:conversation:${tenantId}:${conversationId}`;

/**
 * Operations on a conversation outside a turn. Those that change the context take the same lock
 * as turns, so they never interleave with one.
 */
export function createConversationAdmin(deps: { sql: Sql; locks: Locks; contexts: ContextStore; compiledFlows: CompiledFlows; turn: TurnCoreDeps; lockWaitMs: number }) {
  const { sql, locks, contexts } = deps;
  const notFound = (conversationId: string) => new AppError('conversation_not_found', `No conversation '${conversationId}' in this workspace.`);

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
     * Gives a handed-off conversation back to the bot, which carries on where the flow was (the
     * handoff state's next, else the question the user was at) and returns what it says then.
     * Idempotent. `commit` joins the same transaction (chat clears its handoff mark and stores the
     * replies there), so the bot's state and the inbox's never disagree.
     */
    async handBack(tenantId: string, conversationId: string, commit?: (tx: SqlExecutor, result: HandBackResult) => Promise<void>): Promise<HandBackResult> {
      return underLock(tenantId, conversationId, async () => {
        const record = await contexts.loadFromDb(tenantId, conversationId);
        if (!record) throw notFound(conversationId);
        let result: HandBackResult = { replies: [], state: record.snapshot.state, resumed: false };
        let snapshot: ConversationSnapshot | null = null;
        if (record.snapshot.status === 'handoff') {
          const flow = await deps.compiledFlows.get(tenantId, record.flowId, record.flowVersion);
          const outcome = await resumeTurnCore(deps.turn, { tenantId, flow, snapshot: record.snapshot });
          snapshot = outcome.snapshot;
          result = { replies: outcome.replies, state: snapshot.state, resumed: snapshot.status !== 'ended' };
        }
        const saved = await sql.withTenant(tenantId, async (tx) => {
          const next = snapshot ? await contexts.save(tx, tenantId, conversationId, { ...record, snapshot }) : null;
          await commit?.(tx, result);
          return next;
        });
        if (saved) await contexts.cache(tenantId, conversationId, saved);
        return result;
      });
    },

    /** Marks who has a handed-off conversation (null: nobody); while someone has it, the bot says nothing. */
    async assign(tenantId: string, conversationId: string, agent: string | null, commit?: (tx: SqlExecutor) => Promise<void>): Promise<void> {
      await underLock(tenantId, conversationId, async () => {
        const record = await contexts.loadFromDb(tenantId, conversationId);
        if (!record) throw notFound(conversationId);
        if (record.snapshot.status !== 'handoff') {
          throw new AppError('conflict', `Conversation '${conversationId}' is not handed off to a person; only a handed-off conversation can be assigned.`);
        }
        // A handoff stored before assignment existed has no mark yet: it gets one now.
        const mark = record.snapshot.handoff ?? { state: record.snapshot.state ?? '', at: record.updatedAt, resume: null, agent: null };
        const snapshot = { ...record.snapshot, handoff: { ...mark, agent } };
        const saved = await sql.withTenant(tenantId, async (tx) => {
          const next = await contexts.save(tx, tenantId, conversationId, { ...record, snapshot });
          await commit?.(tx);
          return next;
        });
        await contexts.cache(tenantId, conversationId, saved);
      });
    },
  };
}
