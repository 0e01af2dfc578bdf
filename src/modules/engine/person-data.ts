import type { PersonDataPart } from '../../shared/person-data.js';
import type { Kv, Locks, Sql } from '../storage/contract.js';
import { contextCacheKey } from './context-store.js';

const lockKey = (tenantId: string, conversationId: string) => `lock:conversation:${tenantId}:${conversationId}`;

/** The engine's share of a person's data: flow contexts (with their `user`) and turn traces. */
export function createEnginePersonData(deps: { sql: Sql; kv: Kv; locks: Locks; lockWaitMs: number }): PersonDataPart {
  const { sql, locks } = deps;
  const forgetCached = (tenantId: string, conversationId: string) => deps.kv.del(contextCacheKey(tenantId, conversationId));
  return {
    module: 'engine',
    async conversationsOf(tenantId, userId) {
      const rows = await sql.withTenant(tenantId, (tx) =>
        tx.query<{ conversation_id: string }>(`SELECT conversation_id FROM conversation_contexts WHERE tenant_id = $1 AND context->'user'->>'id' = $2`, [tenantId, userId]),
      );
      return rows.map((r) => r.conversation_id);
    },
    async export(tenantId, conversationIds) {
      return sql.withTenant(tenantId, async (tx) => ({
        contexts: await tx.query(
          `SELECT conversation_id AS "conversationId", flow_id AS "flowId", flow_version AS "flowVersion", context, updated_at AS "updatedAt"
           FROM conversation_contexts WHERE tenant_id = $1 AND conversation_id = ANY($2::text[]) ORDER BY conversation_id`,
          [tenantId, conversationIds],
        ),
        traces: await tx.query(
          `SELECT id AS "turnId", conversation_id AS "conversationId", turn, flow_id AS "flowId", flow_version AS "flowVersion", trace AS events, created_at AS "createdAt"
           FROM turn_traces WHERE tenant_id = $1 AND conversation_id = ANY($2::text[]) ORDER BY created_at, turn`,
          [tenantId, conversationIds],
        ),
      }));
    },
    async forget(tenantId, conversationIds) {
      const counts = { contexts: 0, traces: 0 };
      // Under the turns' lock: a turn in progress finishes first and cannot write the context back after.
      for (const conversationId of conversationIds) {
        const lock = await locks.acquire(lockKey(tenantId, conversationId), { waitMs: deps.lockWaitMs });
        try {
          await sql.withTenant(tenantId, async (tx) => {
            counts.contexts += (await tx.query('DELETE FROM conversation_contexts WHERE tenant_id = $1 AND conversation_id = $2 RETURNING 1', [tenantId, conversationId])).length;
            counts.traces += (await tx.query('DELETE FROM turn_traces WHERE tenant_id = $1 AND conversation_id = $2 RETURNING 1', [tenantId, conversationId])).length;
          });
          await forgetCached(tenantId, conversationId);
        } finally {
          await lock.release();
        }
      }
      return counts;
    },
    async expire(tenantId, before) {
      const { traces, contexts: expired } = await sql.withTenant(tenantId, async (tx) => ({
        traces: (await tx.query('DELETE FROM turn_traces WHERE tenant_id = $1 AND created_at < $2::timestamptz RETURNING 1', [tenantId, before])).length,
        // A conversation quiet for that long starts afresh; a turn racing this one gets a version conflict, not a stale context.
        contexts: await tx.query<{ conversation_id: string }>('DELETE FROM conversation_contexts WHERE tenant_id = $1 AND updated_at < $2::timestamptz RETURNING conversation_id', [tenantId, before]),
      }));
      for (const row of expired) await forgetCached(tenantId, row.conversation_id);
      return { traces, contexts: expired.length };
    },
  };
}
