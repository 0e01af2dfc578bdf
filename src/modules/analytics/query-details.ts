import type { SqlExecutor } from '../storage/contract.js';
import type { CustomMetricsReport, FunnelReport, IntegrationsReport, LatencyFigures, LatencyReport, ModelsReport } from './contract.js';
import { num, numOrNull, type ResolvedQuery, whereClause } from './query-range.js';

const range = (q: ResolvedQuery) => ({ from: q.from, to: q.to, bucket: q.bucket });
type Row = Record<string, unknown>;

/**
 * Per state: the conversations that entered it, and those whose last turn in the range left them
 * waiting there (they dropped off at that state).
 */
export async function funnelReport(tx: SqlExecutor, tenantId: string, q: ResolvedQuery): Promise<FunnelReport> {
  const { where, params } = whereClause(tenantId, q);
  const rows = await tx.query(
    `WITH entered AS (
       SELECT entered_state AS state, count(DISTINCT conversation_id) AS entered
         FROM conversation_analytics, unnest(states_entered) AS entered_state
        WHERE ${where} GROUP BY 1
     ), last AS (
       SELECT DISTINCT ON (conversation_id) conversation_id, state, status FROM conversation_analytics
        WHERE ${where} ORDER BY conversation_id, time DESC, turn DESC
     ), dropped AS (
       SELECT state, count(*) AS dropped FROM last WHERE status = 'waiting' AND state IS NOT NULL GROUP BY state
     )
     SELECT coalesce(e.state, d.state) AS state, coalesce(e.entered, 0) AS entered, coalesce(d.dropped, 0) AS dropped
       FROM entered e FULL JOIN dropped d ON d.state = e.state
      ORDER BY 2 DESC, 1`,
    params,
  );
  return {
    ...range(q),
    states: rows.map((r) => {
      const entered = num(r.entered);
      const droppedOff = num(r.dropped);
      return { state: String(r.state), entered, droppedOff, dropOffRate: entered === 0 ? 1 : droppedOff / entered };
    }),
  };
}

const PERCENTILES = `count(*) AS turns,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
  percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95,
  percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99`;

const figures = (r: Row | undefined): LatencyFigures => ({ turns: num(r?.turns), p50: numOrNull(r?.p50), p95: numOrNull(r?.p95), p99: numOrNull(r?.p99) });

/** Reply latency: how long turns took from the message to the committed replies, in ms. */
export async function latencyReport(tx: SqlExecutor, tenantId: string, q: ResolvedQuery): Promise<LatencyReport> {
  const { where, params, bucket } = whereClause(tenantId, q);
  const series = await tx.query(`SELECT ${bucket} AS bucket, ${PERCENTILES} FROM conversation_analytics WHERE ${where} GROUP BY 1 ORDER BY 1`, params);
  const [totals] = await tx.query(`SELECT ${PERCENTILES} FROM conversation_analytics WHERE ${where}`, params);
  return { ...range(q), series: series.map((r) => ({ bucket: String(r.bucket), ...figures(r) })), totals: figures(totals) };
}

const USAGE = `count(*) AS calls, count(*) FILTER (WHERE NOT ok) AS failures,
  sum(tokens_in) AS tokens_in, sum(tokens_out) AS tokens_out, sum(cost_usd) AS cost_usd`;

const usage = (r: Row) => ({
  provider: String(r.provider),
  model: String(r.model),
  calls: num(r.calls),
  failures: num(r.failures),
  tokensIn: num(r.tokens_in),
  tokensOut: num(r.tokens_out),
  costUsd: num(r.cost_usd),
});

export async function modelsReport(tx: SqlExecutor, tenantId: string, q: ResolvedQuery): Promise<ModelsReport> {
  const { where, params, bucket } = whereClause(tenantId, q);
  const series = await tx.query(
    `SELECT ${bucket} AS bucket, provider, model, ${USAGE} FROM model_usage_analytics WHERE ${where} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    params,
  );
  const totals = await tx.query(
    `SELECT provider, model, ${USAGE}, avg(latency_ms) AS latency FROM model_usage_analytics WHERE ${where} GROUP BY 1, 2 ORDER BY 1, 2`,
    params,
  );
  return {
    ...range(q),
    series: series.map((r) => ({ bucket: String(r.bucket), ...usage(r) })),
    totals: totals.map((r) => ({ ...usage(r), averageLatencyMs: numOrNull(r.latency) })),
  };
}

export async function integrationsReport(tx: SqlExecutor, tenantId: string, q: ResolvedQuery): Promise<IntegrationsReport> {
  const { where, params } = whereClause(tenantId, q);
  const rows = await tx.query(
    `SELECT name, operation, count(*) AS calls, count(*) FILTER (WHERE ok) AS successes,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95
       FROM system_metrics WHERE ${where} AND metric = 'integration_call' GROUP BY 1, 2 ORDER BY 1, 2`,
    params,
  );
  return {
    ...range(q),
    integrations: rows.map((r) => ({
      integration: String(r.name),
      operation: String(r.operation),
      calls: num(r.calls),
      successes: num(r.successes),
      successRate: num(r.successes) / num(r.calls),
      p50: numOrNull(r.p50),
      p95: numOrNull(r.p95),
    })),
  };
}

export async function customMetricsReport(tx: SqlExecutor, tenantId: string, q: ResolvedQuery): Promise<CustomMetricsReport> {
  const { where, params, bucket } = whereClause(tenantId, q);
  const byName = q.name === undefined ? '' : ` AND name = $${params.push(q.name)}`;
  const rows = await tx.query(
    `SELECT ${bucket} AS bucket, name, count(*) AS count, sum(value) AS sum, min(value) AS min, max(value) AS max, avg(value) AS average
       FROM custom_metrics WHERE ${where}${byName} GROUP BY 1, 2 ORDER BY 1, 2`,
    params,
  );
  return {
    ...range(q),
    series: rows.map((r) => ({ bucket: String(r.bucket), name: String(r.name), count: num(r.count), sum: num(r.sum), min: num(r.min), max: num(r.max), average: num(r.average) })),
  };
}
