import type { SqlExecutor, Sql } from '../storage/contract.js';
import type { AnalyticsEvent } from './contract.js';
import { type EventRow, toRow } from './event-rows.js';
import { RAW_TABLES, RAW_TABLE_NAMES, type RawTable } from './migrations.js';
import { monthOf, type Partitions } from './partitions.js';

/** `name type` pairs of a table, read from its definition so the insert cannot drift from it. */
function columnsOf(table: RawTable): { names: string; typed: string } {
  const columns = RAW_TABLES[table].split(',').map((c) => c.trim().replace(/\s+NOT NULL$/, '').replace(/\s+/g, ' '));
  return { names: columns.map((c) => c.split(' ')[0]).join(', '), typed: columns.join(', ') };
}

/**
 * One statement per table: rows arrive as one JSON parameter (any batch size), duplicates by id
 * are skipped, and the ids actually inserted come back.
 */
function insertSql(table: RawTable): string {
  const { names, typed } = columnsOf(table);
  const insert = `INSERT INTO ${table} (${names}) SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS x(${typed})
    ON CONFLICT (id, time) DO NOTHING RETURNING *`;
  if (table !== 'conversation_analytics') return `WITH ins AS (${insert}) SELECT id FROM ins`;
  // The hourly rollup grows by exactly the rows inserted, in the same statement: redelivered events count once.
  return `WITH ins AS (${insert}),
    rolled AS (
      INSERT INTO conversation_analytics_hourly AS h (tenant_id, bucket, flow_id, flow_version, channel, event_type, name, events, value_sum)
      SELECT tenant_id, date_trunc('hour', time, 'UTC'), coalesce(flow_id, ''), coalesce(flow_version, 0), coalesce(channel, ''),
             event_type, coalesce(name, ''), count(*), coalesce(sum(value), 0)
        FROM ins GROUP BY 1, 2, 3, 4, 5, 6, 7
      ON CONFLICT (tenant_id, bucket, flow_id, flow_version, channel, event_type, name)
      DO UPDATE SET events = h.events + EXCLUDED.events, value_sum = h.value_sum + EXCLUDED.value_sum
    )
    SELECT id FROM ins`;
}

const INSERT = Object.fromEntries(RAW_TABLE_NAMES.map((t) => [t, insertSql(t)])) as Record<RawTable, string>;

async function insertTenant(tx: SqlExecutor, events: readonly AnalyticsEvent[]): Promise<Set<string>> {
  const byTable = new Map<RawTable, EventRow[]>();
  for (const event of events) {
    const { table, row } = toRow(event);
    const rows = byTable.get(table) ?? [];
    rows.push(row);
    byTable.set(table, rows);
  }
  const inserted = new Set<string>();
  for (const [table, rows] of byTable) {
    for (const { id } of await tx.query<{ id: string }>(INSERT[table], [JSON.stringify(rows)])) inserted.add(id);
  }
  return inserted;
}

export interface EventStore {
  /** Stores a batch, each tenant in its own scoped transaction; returns the events that were new. */
  insert(events: readonly AnalyticsEvent[]): Promise<AnalyticsEvent[]>;
}

export function createEventStore(deps: { sql: Sql; partitions: Partitions }): EventStore {
  return {
    async insert(events) {
      await deps.partitions.ensure(events.map((e) => monthOf(e.at)));
      const byTenant = new Map<string, AnalyticsEvent[]>();
      for (const event of events) {
        const list = byTenant.get(event.tenantId);
        if (list) list.push(event);
        else byTenant.set(event.tenantId, [event]);
      }
      const fresh: AnalyticsEvent[] = [];
      for (const [tenantId, tenantEvents] of byTenant) {
        const inserted = await deps.sql.withTenant(tenantId, (tx) => insertTenant(tx, tenantEvents));
        fresh.push(...tenantEvents.filter((e) => inserted.has(e.id)));
      }
      return fresh;
    },
  };
}
