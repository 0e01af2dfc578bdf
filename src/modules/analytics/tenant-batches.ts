import { columnsOf, EMITTED_METRIC_COLUMNS, INTEGRATION_CALL_COLUMNS, MODEL_CALL_COLUMNS, TURN_COLUMNS } from './raw-tables.js';
import type { AnalyticsRecord, CustomMetricRow } from './records.js';

/**
 * The order of a turn's fields in its encoded form (raw-tables.ts lists them), a JSON array: positions instead of keys make
 * the payload about half as long, and every byte is paid for several times (encoded, staged in the
 * outbox, read back by the relay, sent to PostgreSQL again, parsed). The insert reads the same
 * lists (event-store.ts). A turn's model calls, integration calls and emitted metrics follow as
 * nested arrays, so the turn's scope is written once.
 */
export const TURN_FIELDS = columnsOf(TURN_COLUMNS);
export const MODEL_CALL_FIELDS = columnsOf(MODEL_CALL_COLUMNS);
export const INTEGRATION_CALL_FIELDS = columnsOf(INTEGRATION_CALL_COLUMNS);
export const EMITTED_METRIC_FIELDS = columnsOf(EMITTED_METRIC_COLUMNS);

/**
 * The turn as its encoded array, in TURN_FIELDS order and written out field by field: this runs on
 * every turn, and reading fields by name from a list costs several times more (a test holds the
 * two orders together).
 */
function turnTuple({ turn: t, modelCalls, integrationCalls, metrics }: Extract<AnalyticsRecord, { kind: 'turn' }>): unknown[] {
  return [
    t.id, t.time, t.flow_id, t.flow_version, t.channel, t.conversation_id, t.turn,
    t.started, t.ended, t.goal, t.handoff, t.fallback, t.state, t.status, t.latency_ms, t.lock_wait_ms, t.replies,
    t.states_entered, t.intent, t.intent_confidence, t.intent_provider, t.intent_state, t.slots, t.errors,
    modelCalls.map((c) => [c.time, c.task, c.provider, c.model, c.ok, c.latency_ms, c.tokens_in, c.tokens_out, c.cost_usd]),
    integrationCalls.map((c) => [c.time, c.name, c.operation, c.ok, c.latency_ms]),
    metrics.map((m) => [m.name, m.value, m.tags]),
  ];
}

/**
 * A record as the outbox holds it: already JSON, encoded once as the record is made, and carried as
 * is (the relay joins a batch's texts into one array) so that nothing is parsed and encoded again
 * on the way to the tables.
 */
export interface EncodedRecord {
  tenantId: string;
  kind: AnalyticsRecord['kind'];
  /** The months (`2024-05`) its rows fall in: their partitions must exist before the insert. */
  months: string[];
  json: string;
}

export function encodeRecord(record: AnalyticsRecord): EncodedRecord {
  if (record.kind === 'metric') {
    return { tenantId: record.tenantId, kind: 'metric', months: [record.row.time.slice(0, 7)], json: JSON.stringify(record.row satisfies CustomMetricRow) };
  }
  return { tenantId: record.tenantId, kind: 'turn', months: monthsOf(record), json: JSON.stringify(turnTuple(record)) };
}

/** The months (`2024-05`) a turn's rows fall in. */
export function monthsOf(record: Extract<AnalyticsRecord, { kind: 'turn' }>): string[] {
  const months = [record.turn.time.slice(0, 7)];
  for (const { time } of record.modelCalls) if (!months.includes(time.slice(0, 7))) months.push(time.slice(0, 7));
  for (const { time } of record.integrationCalls) if (!months.includes(time.slice(0, 7))) months.push(time.slice(0, 7));
  return months;
}

/**
 * One tenant's share of a relayed batch, ready for the database: the turns and the ingested
 * metrics, each as one JSON array (an insert's parameter, with the tenant).
 */
export interface TenantBatch {
  tenantId: string;
  months: string[];
  turns?: string;
  metrics?: string;
}
