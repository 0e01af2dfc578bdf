import type { TurnRecord } from '../engine/contract.js';

/**
 * What analytics stores, as rows of its tables (column names as in migrations.ts), built straight
 * from the turn record with no intermediate event objects; tenant-batches.ts encodes them. The
 * tenant is not a field of a row: it travels with the record and the insert sets it from the batch.
 */
interface Scope {
  /** Unique per row; inserts are idempotent by it (at-least-once delivery). */
  id: string;
  time: string;
  flow_id: string | null;
  flow_version: number | null;
  channel: string | null;
  conversation_id: string | null;
}

/**
 * One committed turn and the conversation events it produced: message received (every turn),
 * messages sent (`replies`), conversation started / ended, goal reached, handoff, fallback, the
 * states entered, the intent detected, slots filled and errors. Its id is the turn's.
 */
export interface TurnRow extends Scope {
  turn: number;
  started: boolean;
  ended: boolean;
  goal: boolean;
  handoff: boolean;
  fallback: boolean;
  /** Where the conversation waits after the turn (the drop-off funnel). */
  state: string | null;
  status: TurnRecord['status'];
  latency_ms: number;
  lock_wait_ms: number;
  replies: number;
  states_entered: string[];
  /** The intent the message was given ('fallback' when none was above the threshold); null when no state took it. */
  intent: string | null;
  intent_confidence: number | null;
  intent_provider: string | null;
  /** The state that took the message. */
  intent_state: string | null;
  slots: { state: string | null; slot: string }[] | null;
  errors: { state: string | null; code: string }[] | null;
}

/** A model call in the turn; stored in model_usage_analytics with the turn's scope. */
export interface ModelCall {
  time: string;
  task: string;
  provider: string;
  model: string;
  ok: boolean;
  latency_ms: number;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
}

/** An integration call in the turn; stored in system_metrics with the turn's scope. */
export interface IntegrationCall {
  time: string;
  name: string;
  operation: string;
  ok: boolean;
  latency_ms: number;
}

/** A metric the flow's `emit` action recorded; stored in custom_metrics with the turn's scope and time. */
export interface EmittedMetric {
  name: string;
  value: number;
  tags: Record<string, string>;
}

/** A metric sent to `POST /v1/analytics/metrics`, with a scope of its own. */
export interface CustomMetricRow extends Scope {
  turn_id: null;
  turn: null;
  name: string;
  value: number;
  tags: Record<string, string>;
}

/**
 * What the outbox takes: a turn with what happened in it (the turn's rows in every table travel
 * and are stored together, the scope written once), or an ingested metric.
 */
export type AnalyticsRecord =
  | { kind: 'turn'; tenantId: string; turn: TurnRow; modelCalls: ModelCall[]; integrationCalls: IntegrationCall[]; metrics: EmittedMetric[] }
  | { kind: 'metric'; tenantId: string; row: CustomMetricRow };
