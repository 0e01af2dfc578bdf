import type { SqlExecutor, Sql } from '../storage/contract.js';
import { RAW_TABLES, RAW_TABLE_NAMES, type RawTable } from './migrations.js';
import type { Partitions } from './partitions.js';
import type { TenantBatch } from './tenant-batches.js';

/** A turn just stored: what the live counters need of it. */
export interface StoredTurn {
  tenantId: string;
  conversationId: string;
  turn: number;
  ms: number;
  /** Still waiting for a message (not ended, not with a person). */
  open: boolean;
}

/** `name type` pairs of a table but its tenant, read from its definition so the insert cannot drift from it. */
function columnsOf(table: RawTable): { names: string; typed: string } {
  const columns = RAW_TABLES[table]
    .split(',')
    .map((c) => c.trim().replace(/\s+NOT NULL$/, '').replace(/\s+/g, ' '))
    .filter((c) => !c.startsWith('tenant_id '));
  return { names: columns.map((c) => c.split(' ')[0]).join(', '), typed: columns.join(', ') };
}

/**
 * One statement per table: rows arrive as one JSON parameter (any batch size), the tenant as
 * another (a row cannot name a tenant of its own), and duplicates by id are skipped. Turns also grow the hourly rollup, by exactly the rows inserted, in the same
 * statement (a redelivered turn counts once), and come back for the live counters.
 */
function insertSql(table: RawTable): string {
  const { names, typed } = columnsOf(table);
  const insert = `INSERT INTO ${table} (tenant_id, ${names}) SELECT $2::uuid, ${names} FROM json_to_recordset($1::json) AS x(${typed})
    ON CONFLICT (id, time) DO NOTHING`;
  if (table !== 'conversation_analytics') return `WITH ins AS (${insert} RETURNING 1) SELECT count(*)::int AS n FROM ins`;
  const counters = ['turns', 'started', 'ended', 'goals', 'handoffs', 'fallbacks', 'sent', 'intent_confidence_sum'];
  return `WITH ins AS (${insert} RETURNING *),
    rolled AS (
      INSERT INTO conversation_analytics_hourly AS h (tenant_id, bucket, flow_id, flow_version, channel, intent, ${counters.join(', ')})
      SELECT tenant_id, date_trunc('hour', time, 'UTC'), coalesce(flow_id, ''), coalesce(flow_version, 0), coalesce(channel, ''), coalesce(intent, ''),
             count(*), count(*) FILTER (WHERE started), count(*) FILTER (WHERE ended), count(*) FILTER (WHERE goal),
             count(*) FILTER (WHERE handoff), count(*) FILTER (WHERE fallback), sum(replies), coalesce(sum(intent_confidence), 0)
        FROM ins GROUP BY 1, 2, 3, 4, 5, 6
      ON CONFLICT (tenant_id, bucket, flow_id, flow_version, channel, intent)
      DO UPDATE SET ${counters.map((c) => `${c} = h.${c} + EXCLUDED.${c}`).join(', ')}
    )
    SELECT conversation_id, turn, (extract(epoch FROM time) * 1000)::float8 AS ms, status = 'waiting' AS open FROM ins`;
}

const INSERT = Object.fromEntries(RAW_TABLE_NAMES.map((t) => [t, insertSql(t)])) as Record<RawTable, string>;

type TurnResultRow = { conversation_id: string; turn: number; ms: number; open: boolean };

async function insertTenant(tx: SqlExecutor, batch: TenantBatch): Promise<{ stored: number; turns: StoredTurn[] }> {
  let stored = 0;
  const turns: StoredTurn[] = [];
  for (const table of RAW_TABLE_NAMES) {
    const rows = batch.rows[table];
    if (rows === undefined) continue;
    if (table === 'conversation_analytics') {
      const inserted = await tx.query<TurnResultRow>(INSERT[table], [rows, batch.tenantId]);
      for (const r of inserted) turns.push({ tenantId: batch.tenantId, conversationId: r.conversation_id, turn: r.turn, ms: r.ms, open: r.open });
      stored += inserted.length;
    } else {
      const [result] = await tx.query<{ n: number }>(INSERT[table], [rows, batch.tenantId]);
      stored += result?.n ?? 0;
    }
  }
  return { stored, turns };
}

export interface EventStore {
  /** Stores tenant batches, each in its own tenant-scoped transaction; returns what was new. */
  insert(batches: readonly TenantBatch[]): Promise<{ stored: number; turns: StoredTurn[] }>;
}

export function createEventStore(deps: { sql: Sql; partitions: Partitions }): EventStore {
  return {
    async insert(batches) {
      await deps.partitions.ensure(batches.flatMap((b) => b.months));
      let stored = 0;
      const turns: StoredTurn[] = [];
      for (const batch of batches) {
        const result = await deps.sql.withTenant(batch.tenantId, (tx) => insertTenant(tx, batch));
        stored += result.stored;
        turns.push(...result.turns);
      }
      return { stored, turns };
    },
  };
}
