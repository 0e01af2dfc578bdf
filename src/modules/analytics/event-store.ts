import type { SqlExecutor } from '../storage/contract.js';
import {
  type ColumnType, CUSTOM_METRIC_COLUMNS, EMITTED_METRIC_COLUMNS, INTEGRATION_CALL_COLUMNS, KEY, MODEL_CALL_COLUMNS, type RawTable, ROLLUP_COUNTERS, TURN_COLUMNS,
} from './raw-tables.js';
import type { AnalyticsRecord } from './records.js';
import { encodeRecord, type TenantBatch, TURN_FIELDS } from './tenant-batches.js';

/** A turn just stored: what the live counters need of it. */
export interface StoredTurn {
  tenantId: string;
  conversationId: string;
  turn: number;
  ms: number;
  /** Still waiting for a message (not ended, not with a person). */
  open: boolean;
}

/** SQL reading position `index` of the JSON array `source` as a value of `type`. */
function read(source: string, index: number, type: ColumnType): string {
  if (type === 'text') return `${source}->>${index}`;
  if (type === 'text[]') return `ARRAY(SELECT jsonb_array_elements_text(${source}->${index}))`;
  if (type === 'jsonb') return `nullif(${source}->${index}, 'null')`;
  return `(${source}->>${index})::${type}`;
}

/** SQL reading each encoded field (tenant-batches.ts encodes them in the columns' order) as a value of its column. */
const readAll = (source: string, columns: Record<string, ColumnType>): string[] => Object.values(columns).map((type, index) => read(source, index, type));

/** What a call or metric row takes from its turn. */
const TURN_SCOPE = 't.flow_id, t.flow_version, t.channel, t.conversation_id, t.id, t.turn';
const SCOPE_COLUMNS = 'flow_id, flow_version, channel, conversation_id, turn_id, turn';

/**
 * Rows of `table` from a nested array of the turns in `turns` (a relation with the turn's fields and
 * `encoded`, the turn as encoded); ids derive from the turn's, so they are stable too.
 */
function insertNested(table: RawTable, nested: number, columns: Record<string, ColumnType>, extra: { columns: string[]; values: string[] }, tenant: string, turns: string): string {
  const fields = Object.keys(columns);
  const values = readAll('c.v', columns);
  return `INSERT INTO ${table} (tenant_id, id, ${SCOPE_COLUMNS}, ${[...fields, ...extra.columns].join(', ')})
    SELECT ${tenant}::uuid, md5(t.id::text || '/${table}/' || c.n)::uuid, ${TURN_SCOPE}, ${[...values, ...extra.values].join(', ')}
      FROM ${turns} t CROSS JOIN LATERAL jsonb_array_elements(t.encoded->${nested}) WITH ORDINALITY AS c(v, n)`;
}

const NESTED = TURN_FIELDS.length;

/** The turns of a JSON array of encoded turns, each with its fields and `encoded`, the turn as encoded. */
const turnsOf = (array: string) =>
  `SELECT ${readAll('r', TURN_COLUMNS).map((value, i) => `${value} AS ${TURN_FIELDS[i]}`).join(', ')}, r AS encoded FROM jsonb_array_elements(${array}) AS r`;

/** A turn's model calls, integration calls and emitted metrics, as inserts from `turns`. */
const nestedInserts = (tenant: string, turns: string) => ({
  models: insertNested('model_usage_analytics', NESTED, MODEL_CALL_COLUMNS, { columns: [], values: [] }, tenant, turns),
  integrations: insertNested('system_metrics', NESTED + 1, INTEGRATION_CALL_COLUMNS, { columns: ['metric'], values: [`'integration_call'`] }, tenant, turns),
  emitted: insertNested('custom_metrics', NESTED + 2, EMITTED_METRIC_COLUMNS, { columns: ['time'], values: ['t.time'] }, tenant, turns),
});

/** The hourly rollup grown by the turns in `turns`. */
const rollUp = (tenant: string, turns: string) => `INSERT INTO conversation_analytics_hourly AS h (tenant_id, bucket, flow_id, flow_version, channel, intent, ${ROLLUP_COUNTERS.join(', ')})
    SELECT ${tenant}::uuid, date_trunc('hour', time, 'UTC'), coalesce(flow_id, ''), coalesce(flow_version, 0), coalesce(channel, ''), coalesce(intent, ''),
           count(*), count(*) FILTER (WHERE started), count(*) FILTER (WHERE ended), count(*) FILTER (WHERE goal),
           count(*) FILTER (WHERE handoff), count(*) FILTER (WHERE fallback), sum(replies), coalesce(sum(intent_confidence), 0)
      FROM ${turns} GROUP BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (tenant_id, bucket, flow_id, flow_version, channel, intent)
    DO UPDATE SET ${ROLLUP_COUNTERS.map((c) => `${c} = h.${c} + EXCLUDED.${c}`).join(', ')}`;

const RELAYED = nestedInserts('$2', 'fresh');

/**
 * One statement stores a batch of turns: the turns (a turn already stored is skipped, by id), then
 * the calls and metrics of the turns that were new, and the hourly rollup grows by exactly those
 * turns (a redelivered turn counts once). The tenant is a parameter of its own: a row cannot name
 * one. The new turns come back for the live counters.
 */
const INSERT_TURNS = `WITH x AS (
    ${turnsOf('$1::jsonb')}
  ), ins AS (
    INSERT INTO conversation_analytics (tenant_id, ${TURN_FIELDS.join(', ')}) SELECT $2::uuid, ${TURN_FIELDS.join(', ')} FROM x
    ON CONFLICT (${KEY}) DO NOTHING RETURNING *
  ), fresh AS (
    SELECT x.* FROM x JOIN ins USING (id, time)
  ), models AS (
    ${RELAYED.models}
  ), integrations AS (
    ${RELAYED.integrations}
  ), emitted AS (
    ${RELAYED.emitted}
  ), rolled AS (
    ${rollUp('$2', 'ins')}
  )
  SELECT conversation_id, turn, (extract(epoch FROM time) * 1000)::float8 AS ms, status = 'waiting' AS open FROM ins`;

/** Inserts of a JSON array of encoded turns (`$2`) of one tenant (`$1`), each a statement of its own. */
const TURNS = `(${turnsOf('$2::jsonb')})`;
const DIRECT = {
  turns: `INSERT INTO conversation_analytics (tenant_id, ${TURN_FIELDS.join(', ')}) SELECT $1::uuid, ${TURN_FIELDS.join(', ')} FROM ${TURNS} AS x ON CONFLICT (${KEY}) DO NOTHING`,
  ...nestedInserts('$1', TURNS),
  rollup: rollUp('$1', `${TURNS} AS x`),
};

export type TurnAnalytics = Extract<AnalyticsRecord, { kind: 'turn' }>;

/**
 * Stores turns in the caller's transaction without the outbox, for turns stored exactly once: in
 * the transaction that commits them (the relay's statement instead skips turns stored before, and
 * counts only the new ones in the rollup). Plain INSERTs, none with a WITH of its own, so that
 * they can ride in a turn batch's statement; nested rows only when a turn has some.
 */
export async function insertTurns(tx: SqlExecutor, tenantId: string, records: readonly TurnAnalytics[]): Promise<void> {
  if (records.length === 0) return;
  const params = [tenantId, `[${records.map((record) => encodeRecord(record).json).join(',')}]`];
  await tx.query(DIRECT.turns, params);
  if (records.some((r) => r.modelCalls.length > 0)) await tx.query(DIRECT.models, params);
  if (records.some((r) => r.integrationCalls.length > 0)) await tx.query(DIRECT.integrations, params);
  if (records.some((r) => r.metrics.length > 0)) await tx.query(DIRECT.emitted, params);
  await tx.query(DIRECT.rollup, params);
}

/** Metrics sent to the API: rows with their own scope and id (the client's, for retries). */
const METRIC_COLUMNS = Object.entries(CUSTOM_METRIC_COLUMNS);
const INSERT_METRICS = `WITH ins AS (
    INSERT INTO custom_metrics (tenant_id, ${METRIC_COLUMNS.map(([name]) => name).join(', ')})
    SELECT $2::uuid, ${METRIC_COLUMNS.map(([name]) => name).join(', ')}
      FROM json_to_recordset($1::json) AS x(${METRIC_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')})
    ON CONFLICT (${KEY}) DO NOTHING RETURNING 1
  ) SELECT count(*)::int AS n FROM ins`;

type TurnResultRow = { conversation_id: string; turn: number; ms: number; open: boolean };

async function insertTenant(tx: SqlExecutor, batch: TenantBatch): Promise<{ stored: number; turns: StoredTurn[] }> {
  const turns: StoredTurn[] = [];
  if (batch.turns !== undefined) {
    for (const r of await tx.query<TurnResultRow>(INSERT_TURNS, [batch.turns, batch.tenantId])) {
      turns.push({ tenantId: batch.tenantId, conversationId: r.conversation_id, turn: r.turn, ms: r.ms, open: r.open });
    }
  }
  let metrics = 0;
  if (batch.metrics !== undefined) {
    const [result] = await tx.query<{ n: number }>(INSERT_METRICS, [batch.metrics, batch.tenantId]);
    metrics = result?.n ?? 0;
  }
  return { stored: turns.length + metrics, turns };
}

/**
 * Stores tenant batches within the caller's transaction (the relay's, which also deletes them from
 * the outbox); returns what was new (turns and ingested metrics). Their partitions must exist.
 * That transaction is platform work across tenants, so it runs as the tables' owner rather than in
 * tenant scope; each insert still takes its tenant as a parameter of its own, from the outbox rows'
 * `tenant_id`, which row-level security checked when the tenant's own transaction wrote them.
 */
export async function storeBatches(tx: SqlExecutor, batches: readonly TenantBatch[]): Promise<{ stored: number; turns: StoredTurn[] }> {
  let stored = 0;
  const turns: StoredTurn[] = [];
  for (const batch of batches) {
    const result = await insertTenant(tx, batch);
    stored += result.stored;
    turns.push(...result.turns);
  }
  return { stored, turns };
}
