import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { InboundTurn } from '../engine/contract.js';
import type { Sql, SqlExecutor } from '../storage/contract.js';
import type { Address } from './channels/define-channel.js';
import { claimHeadsSql } from './claim-heads.js';
import type { ChannelId } from './contract.js';

/** A platform message as stored before its acknowledgement. */
export interface NewInboxMessage {
  conversationId: string;
  externalId: string;
  message: InboundTurn;
  origin: { address: Address; confidence?: number };
}

export interface ClaimedInbox extends NewInboxMessage {
  id: string;
  tenantId: string;
  channel: ChannelId;
  /** This attempt's number, starting at 1. */
  attempt: number;
}

interface InboxRow extends Record<string, unknown> {
  id: string;
  tenant_id: string;
  conversation_id: string;
  channel: ChannelId;
  external_id: string;
  message: InboundTurn;
  origin: NewInboxMessage['origin'];
  attempts: number;
}

/** A conversation's messages become turns in arrival order; a dead instance's claim is retried after its lease. */
const CLAIM = claimHeadsSql('channel_inbox', ['id', 'tenant_id', 'conversation_id', 'channel', 'external_id', 'message', 'origin', 'attempts']);

export function createInboxStore(deps: { sql: Sql; ids: Ids; clock: Clock }) {
  const { sql, ids, clock } = deps;
  const iso = (ms: number) => new Date(ms).toISOString();

  return {
    /** Stores what is new (a platform's redelivery of a stored message is skipped); returns the conversations that got messages. */
    async accept(tenantId: string, channel: ChannelId, messages: readonly NewInboxMessage[]): Promise<string[]> {
      if (messages.length === 0) return [];
      const now = clock.isoNow();
      const values: unknown[] = [tenantId, channel, now];
      const rows = messages.map((m) => {
        values.push(ids.uuid(), m.conversationId, m.externalId, JSON.stringify(m.message), JSON.stringify(m.origin));
        const p = values.length - 4;
        return `($${p}::uuid, $1::uuid, $${p + 1}, $2, $${p + 2}, $${p + 3}::jsonb, $${p + 4}::jsonb, $3::timestamptz, $3::timestamptz, $3::timestamptz)`;
      });
      const stored = await sql.withTenant(tenantId, (tx) =>
        tx.query<{ conversation_id: string }>(
          `INSERT INTO channel_inbox (id, tenant_id, conversation_id, channel, external_id, message, origin, next_attempt_at, created_at, updated_at)
           VALUES ${rows.join(', ')} ON CONFLICT (tenant_id, channel, external_id) DO NOTHING RETURNING conversation_id`,
          values,
        ),
      );
      return [...new Set(stored.map((r) => r.conversation_id))];
    },

    async claim(limit: number, leaseMs: number): Promise<ClaimedInbox[]> {
      const now = clock.now();
      const rows = await sql.transaction((tx) => tx.query<InboxRow>(CLAIM, [iso(now), limit, iso(now + leaseMs)]));
      return rows.map((r) => ({
        id: r.id,
        tenantId: r.tenant_id,
        conversationId: r.conversation_id,
        channel: r.channel,
        externalId: r.external_id,
        message: r.message,
        origin: r.origin,
        attempt: r.attempts,
      }));
    },

    /** Inside the turns' transaction (a turn row writer): the messages became turns. */
    async markDone(tx: SqlExecutor, tenantId: string, items: readonly ClaimedInbox[]): Promise<void> {
      await tx.query(`UPDATE channel_inbox SET status = 'done', last_error = NULL, updated_at = $3 WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [
        tenantId,
        items.map((item) => item.id),
        clock.isoNow(),
      ]);
    },

    /** A failed attempt: back in line at `retryAt`, or given up when `retryAt` is null. */
    async markFailed(item: ClaimedInbox, error: string, retryAt: number | null): Promise<void> {
      await sql.withTenant(item.tenantId, (tx) =>
        tx.query(
          `UPDATE channel_inbox SET status = $3, last_error = $4, next_attempt_at = coalesce($5, next_attempt_at), updated_at = $6
           WHERE tenant_id = $1 AND id = $2 AND status = 'pending'`,
          [item.tenantId, item.id, retryAt === null ? 'failed' : 'pending', error.slice(0, 1000), retryAt === null ? null : iso(retryAt), clock.isoNow()],
        ),
      );
    },
  };
}

export type InboxStore = ReturnType<typeof createInboxStore>;
