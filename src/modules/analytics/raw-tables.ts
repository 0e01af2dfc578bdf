import type { CustomMetricRow, EmittedMetric, IntegrationCall, ModelCall, TurnRow } from './records.js';

/**
 * The raw tables as the migrations left them, for the inserts: each written column with its SQL
 * type (raw-tables.int.test.ts holds these against a migrated database). A row's fields are
 * encoded in the order listed here (tenant-batches.ts).
 */
export type ColumnType = 'uuid' | 'timestamptz' | 'text' | 'integer' | 'boolean' | 'double precision' | 'numeric' | 'text[]' | 'jsonb';

export const RAW_TABLE_NAMES = ['conversation_analytics', 'system_metrics', 'model_usage_analytics', 'custom_metrics'] as const;
export type RawTable = (typeof RAW_TABLE_NAMES)[number];

/** Every raw table's primary key, the target of the inserts' `ON CONFLICT`. */
export const KEY = 'tenant_id, time, id';

/** The hourly rollup's counters (002), kept by the turns' insert and summed by the counts queries. */
export const ROLLUP_COUNTERS = ['turns', 'started', 'ended', 'goals', 'handoffs', 'fallbacks', 'sent', 'intent_confidence_sum'] as const;

const SCOPE = { id: 'uuid', time: 'timestamptz', flow_id: 'text', flow_version: 'integer', channel: 'text', conversation_id: 'text' } as const;

/** `conversation_analytics`: one row per turn, every conversation event of the turn a column. */
export const TURN_COLUMNS = {
  ...SCOPE, turn: 'integer',
  started: 'boolean', ended: 'boolean', goal: 'boolean', handoff: 'boolean', fallback: 'boolean',
  state: 'text', status: 'text', latency_ms: 'double precision', lock_wait_ms: 'double precision', replies: 'integer',
  states_entered: 'text[]', intent: 'text', intent_confidence: 'double precision', intent_provider: 'text', intent_state: 'text',
  slots: 'jsonb', errors: 'jsonb',
} as const satisfies Record<keyof TurnRow, ColumnType>;

/** `model_usage_analytics`, beside the turn's scope. */
export const MODEL_CALL_COLUMNS = {
  time: 'timestamptz', task: 'text', provider: 'text', model: 'text', ok: 'boolean',
  latency_ms: 'double precision', tokens_in: 'integer', tokens_out: 'integer', cost_usd: 'numeric',
} as const satisfies Record<keyof ModelCall, ColumnType>;

/** `system_metrics` rows of integration calls, beside the turn's scope (and `metric`). */
export const INTEGRATION_CALL_COLUMNS = {
  time: 'timestamptz', name: 'text', operation: 'text', ok: 'boolean', latency_ms: 'double precision',
} as const satisfies Record<keyof IntegrationCall, ColumnType>;

/** `custom_metrics` rows a flow emitted, beside the turn's scope and time. */
export const EMITTED_METRIC_COLUMNS = { name: 'text', value: 'double precision', tags: 'jsonb' } as const satisfies Record<keyof EmittedMetric, ColumnType>;

/** `custom_metrics` rows sent to the API, with a scope of their own. */
export const CUSTOM_METRIC_COLUMNS = {
  ...SCOPE, turn_id: 'uuid', turn: 'integer', ...EMITTED_METRIC_COLUMNS,
} as const satisfies Record<keyof CustomMetricRow, ColumnType>;

/** The columns' names, in order. */
export const columnsOf = <T extends Record<string, ColumnType>>(columns: T): (keyof T & string)[] => Object.keys(columns) as (keyof T & string)[];
