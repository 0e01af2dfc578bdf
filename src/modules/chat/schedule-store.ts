import { AppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { ScheduleRequest } from '../engine/contract.js';
import type { Sql, SqlExecutor } from '../storage/contract.js';
import type { ChannelId, ScheduledMessage, ScheduleStatus } from './contract.js';

interface ScheduleRow extends Record<string, unknown> {
  id: string;
  tenant_id: string;
  conversation_id: string;
  channel: ChannelId;
  key: string | null;
  kind: 'message' | 'event';
  body: string;
  due_at: string;
  status: ScheduleStatus;
  attempts: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface ClaimedSchedule {
  id: string;
  tenantId: string;
  conversationId: string;
  channel: ChannelId;
  kind: 'message' | 'event';
  body: string;
  attempt: number;
}

const COLUMNS = 'id, tenant_id, conversation_id, channel, key, kind, body, due_at, status, attempts, last_error, created_at, updated_at';

const toView = (r: ScheduleRow): ScheduledMessage => ({
  id: r.id,
  conversationId: r.conversation_id,
  channel: r.channel,
  key: r.key,
  ...(r.kind === 'message' ? { message: r.body } : { event: r.body }),
  dueAt: r.due_at,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/**
 * Follow-ups a flow scheduled: stored with the turn that asked for them (so a restart loses none),
 * claimed when due by any instance (SKIP LOCKED, with a lease so a dead claimant's work is retried).
 */
export function createScheduleStore(deps: { sql: Sql; ids: Ids; clock: Clock }) {
  const { sql, ids, clock } = deps;
  const iso = (ms: number) => new Date(ms).toISOString();

  async function cancelKey(tx: SqlExecutor, tenantId: string, conversationId: string, key: string, now: string): Promise<void> {
    await tx.query(`UPDATE chat_schedules SET status = 'cancelled', updated_at = $4 WHERE tenant_id = $1 AND conversation_id = $2 AND key = $3 AND status = 'pending'`, [tenantId, conversationId, key, now]);
  }

  return {
    /** Inside the turn's transaction: what its `schedule` / `unschedule` actions asked, in order (a key replaces its pending one). */
    async record(tx: SqlExecutor, tenantId: string, conversationId: string, channel: string, requests: readonly ScheduleRequest[]): Promise<void> {
      const now = clock.now();
      for (const request of requests) {
        if (request.key !== null) await cancelKey(tx, tenantId, conversationId, request.key, iso(now));
        if (request.kind === 'unschedule') continue;
        await tx.query(
          `INSERT INTO chat_schedules (id, tenant_id, conversation_id, channel, key, kind, body, due_at, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
          [ids.uuid(), tenantId, conversationId, channel, request.key, request.message === undefined ? 'event' : 'message', request.message ?? request.event ?? '', iso(now + request.inMs), iso(now)],
        );
      }
    },

    /** Inside the caller's transaction: cancels the conversation's pending follow-up of `key`, if any. */
    async cancelKey(tx: SqlExecutor, tenantId: string, conversationId: string, key: string): Promise<void> {
      await cancelKey(tx, tenantId, conversationId, key, clock.isoNow());
    },

    async list(tenantId: string, filters: { conversationId?: string; status?: ScheduleStatus; limit: number }): Promise<ScheduledMessage[]> {
      const rows = await sql.withTenant(tenantId, (tx) =>
        tx.query<ScheduleRow>(
          `SELECT ${COLUMNS} FROM chat_schedules WHERE tenant_id = $1 AND ($2::text IS NULL OR conversation_id = $2) AND ($3::text IS NULL OR status = $3)
           ORDER BY due_at, id LIMIT $4`,
          [tenantId, filters.conversationId ?? null, filters.status ?? null, filters.limit],
        ),
      );
      return rows.map(toView);
    },

    /** Cancels a pending follow-up; one already sent (or cancelled) is a conflict, another tenant's is not found. */
    async cancel(tenantId: string, id: string): Promise<ScheduledMessage> {
      return sql.withTenant(tenantId, async (tx) => {
        const [row] = await tx.query<ScheduleRow>(`SELECT ${COLUMNS} FROM chat_schedules WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [tenantId, id]);
        if (!row) throw new AppError('not_found', `No scheduled message '${id}' in this workspace.`);
        if (row.status !== 'pending') throw new AppError('conflict', `Scheduled message '${id}' is ${row.status}; only pending ones can be cancelled.`);
        const [updated] = await tx.query<ScheduleRow>(`UPDATE chat_schedules SET status = 'cancelled', updated_at = $3 WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`, [tenantId, id, clock.isoNow()]);
        return toView(updated!);
      });
    },

    /** Platform work across tenants: due follow-ups, leased so that a claimant that dies leaves them to the next. */
    async claim(limit: number, leaseMs: number): Promise<ClaimedSchedule[]> {
      const now = clock.now();
      const rows = await sql.transaction((tx) =>
        tx.query<ScheduleRow>(
          `UPDATE chat_schedules s SET attempts = s.attempts + 1, due_at = $3, updated_at = $1
           FROM (SELECT id FROM chat_schedules WHERE status = 'pending' AND due_at <= $1 ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED) due
           WHERE s.id = due.id
           RETURNING s.id, s.tenant_id, s.conversation_id, s.channel, s.kind, s.body, s.attempts`,
          [iso(now), limit, iso(now + leaseMs)],
        ),
      );
      return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, conversationId: r.conversation_id, channel: r.channel, kind: r.kind, body: r.body, attempt: r.attempts }));
    },

    /** Inside the delivery's transaction. */
    async markDone(tx: SqlExecutor, item: ClaimedSchedule): Promise<void> {
      await tx.query(`UPDATE chat_schedules SET status = 'sent', last_error = NULL, updated_at = $3 WHERE tenant_id = $1 AND id = $2`, [item.tenantId, item.id, clock.isoNow()]);
    },

    /** Back in line at `retryAt`, or given up (`failed`, with the reason kept for the API) when null. */
    async markFailed(item: ClaimedSchedule, error: string, retryAt: number | null): Promise<void> {
      await sql.withTenant(item.tenantId, (tx) =>
        tx.query(
          `UPDATE chat_schedules SET status = $3, last_error = $4, due_at = coalesce($5, due_at), updated_at = $6 WHERE tenant_id = $1 AND id = $2 AND status = 'pending'`,
          [item.tenantId, item.id, retryAt === null ? 'failed' : 'pending', error.slice(0, 1000), retryAt === null ? null : iso(retryAt), clock.isoNow()],
        ),
      );
    },
  };
}

export type ScheduleStore = ReturnType<typeof createScheduleStore>;
