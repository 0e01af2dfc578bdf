import { AppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { Sql, SqlExecutor } from '../storage/contract.js';
import type { StatusEvent } from './channels/define-channel.js';
import { claimHeadsSql } from './claim-heads.js';
import type { ChannelId, OutboxEntry, OutboxStatus } from './contract.js';

interface OutboxRow extends Record<string, unknown> {
  id: string;
  tenant_id: string;
  conversation_id: string;
  channel: ChannelId;
  message_id: string | null;
  payload: unknown;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  external_id: string | null;
  delivery: OutboxEntry['delivery'];
  created_at: string;
  updated_at: string;
}

export interface ClaimedSend {
  id: string;
  tenantId: string;
  conversationId: string;
  channel: ChannelId;
  messageId: string | null;
  payload: unknown;
  /** This attempt's number, starting at 1. */
  attempt: number;
}

export interface NewSend {
  conversationId: string;
  channel: ChannelId;
  messageId: string | null;
  payload: unknown;
}

const toEntry = (r: OutboxRow): OutboxEntry => ({
  id: r.id,
  conversationId: r.conversation_id,
  channel: r.channel,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  externalId: r.external_id,
  delivery: r.delivery,
  payload: r.payload,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const CLAIM = claimHeadsSql('channel_outbox', ['id', 'tenant_id', 'conversation_id', 'channel', 'message_id', 'payload', 'attempts']);

/** Statuses only move forward: a late `delivered` never overwrites `read`. */
const LATER = `coalesce(array_position(ARRAY['sent','delivered','read','failed'], delivery), 0) < array_position(ARRAY['sent','delivered','read','failed'], $4::text)`;

const ENQUEUE = `INSERT INTO channel_outbox (id, tenant_id, conversation_id, channel, message_id, payload, next_attempt_at, created_at, updated_at)
  SELECT x.id, $1, x.conversation_id, x.channel, x.message_id, x.payload, $3, $3, $3
    FROM ROWS FROM (jsonb_to_recordset($2::jsonb) AS (id uuid, conversation_id text, channel text, message_id uuid, payload jsonb))
      WITH ORDINALITY AS x(id, conversation_id, channel, message_id, payload, n) ORDER BY x.n`;

export function createOutboxStore(deps: { sql: Sql; ids: Ids; clock: Clock }) {
  const { sql, ids, clock } = deps;
  const iso = (ms: number) => new Date(ms).toISOString();

  return {
    /** Queues sends in order, in one statement (a turn row writer: the sends of many turns at once). */
    async enqueue(tx: SqlExecutor, tenantId: string, sends: readonly NewSend[]): Promise<void> {
      if (sends.length === 0) return;
      const now = clock.isoNow();
      const rows = sends.map((send) => ({ id: ids.uuid(), conversation_id: send.conversationId, channel: send.channel, message_id: send.messageId, payload: send.payload }));
      await tx.query(ENQUEUE, [tenantId, JSON.stringify(rows), now]);
    },

    async claim(limit: number, leaseMs: number): Promise<ClaimedSend[]> {
      const now = clock.now();
      const rows = await sql.transaction((tx) => tx.query<OutboxRow>(CLAIM, [iso(now), limit, iso(now + leaseMs)]));
      return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, conversationId: r.conversation_id, channel: r.channel, messageId: r.message_id, payload: r.payload, attempt: r.attempts }));
    },

    async markSent(send: ClaimedSend, externalId: string | null): Promise<void> {
      const now = clock.isoNow();
      await sql.withTenant(send.tenantId, (tx) =>
        tx.query(
          `UPDATE channel_outbox SET status = 'sent', external_id = $3, delivery = coalesce(delivery, 'sent'), last_error = NULL, sent_at = $4, updated_at = $4
           WHERE tenant_id = $1 AND id = $2`,
          [send.tenantId, send.id, externalId, now],
        ),
      );
    },

    /** A failed attempt: back in line at `retryAt`, or dead-lettered when `retryAt` is null. */
    async markFailed(send: ClaimedSend, error: string, retryAt: number | null): Promise<void> {
      const now = clock.isoNow();
      await sql.withTenant(send.tenantId, (tx) =>
        tx.query(
          `UPDATE channel_outbox SET status = $3, last_error = $4, next_attempt_at = coalesce($5, next_attempt_at), updated_at = $6
           WHERE tenant_id = $1 AND id = $2`,
          [send.tenantId, send.id, retryAt === null ? 'dead' : 'pending', error.slice(0, 1000), retryAt === null ? null : iso(retryAt), now],
        ),
      );
    },

    async list(tenantId: string, status: OutboxStatus | undefined, limit: number): Promise<OutboxEntry[]> {
      const rows = await sql.withTenant(tenantId, (tx) =>
        tx.query<OutboxRow>(
          `SELECT * FROM channel_outbox WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2) ORDER BY seq DESC LIMIT $3`,
          [tenantId, status ?? null, limit],
        ),
      );
      return rows.map(toEntry);
    },

    async retry(tenantId: string, outboxId: string): Promise<OutboxEntry> {
      const now = clock.isoNow();
      const [row] = await sql.withTenant(tenantId, (tx) =>
        tx.query<OutboxRow>(
          `UPDATE channel_outbox SET status = 'pending', attempts = 0, next_attempt_at = $3, updated_at = $3
           WHERE tenant_id = $1 AND id::text = $2 AND status <> 'sent' RETURNING *`,
          [tenantId, outboxId, now],
        ),
      );
      if (!row) throw new AppError('not_found', `No pending or dead outbox entry '${outboxId}' in this workspace.`);
      return toEntry(row);
    },

    /** Records a platform status on our sends; returns the message ids it concerns. */
    async recordStatus(tx: SqlExecutor, tenantId: string, channel: ChannelId, event: StatusEvent, conversationId: string | null): Promise<string[]> {
      const rows = event.externalIds
        ? await tx.query<{ message_id: string | null }>(
            `UPDATE channel_outbox SET delivery = $4, updated_at = $5
             WHERE tenant_id = $1 AND channel = $2 AND external_id = ANY($3::text[]) AND ${LATER} RETURNING message_id`,
            [tenantId, channel, event.externalIds, event.status, clock.isoNow()],
          )
        : await tx.query<{ message_id: string | null }>(
            `UPDATE channel_outbox SET delivery = $4, updated_at = $5
             WHERE tenant_id = $1 AND channel = $2 AND conversation_id = $3 AND status = 'sent' AND sent_at <= $6 AND ${LATER} RETURNING message_id`,
            [tenantId, channel, conversationId, event.status, clock.isoNow(), event.upTo?.at ?? clock.isoNow()],
          );
      return [...new Set(rows.flatMap((r) => (r.message_id ? [r.message_id] : [])))];
    },
  };
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;
