import type { SqlExecutor } from '../storage/contract.js';
import type { AnalyticsEventType, ConversationsReport, IntentsReport, MessagesReport } from './contract.js';
import { hourAligned, num, ratio, type ResolvedQuery, whereClause } from './query-range.js';

type CountRow = {
  bucket: string;
  event_type: AnalyticsEventType;
  name: string;
  events: number;
  value_sum: number;
};

/**
 * Event counts per bucket, kind and name. Whole-hour ranges by hour or day read the hourly rollup;
 * anything finer reads the raw events. Both give the same numbers.
 */
async function countEvents(tx: SqlExecutor, tenantId: string, q: ResolvedQuery, types: readonly AnalyticsEventType[]): Promise<CountRow[]> {
  const rollup = hourAligned(q);
  const { where, params, bucket } = whereClause(tenantId, q, rollup ? 'bucket' : 'time');
  params.push(types);
  const kinds = `event_type = ANY($${params.length}::text[])`;
  const text = rollup
    ? `SELECT ${bucket} AS bucket, event_type, name, sum(events) AS events, sum(value_sum) AS value_sum
         FROM conversation_analytics_hourly WHERE ${where} AND ${kinds} GROUP BY 1, 2, 3`
    : `SELECT ${bucket} AS bucket, event_type, coalesce(name, '') AS name, count(*) AS events, coalesce(sum(value), 0) AS value_sum
         FROM conversation_analytics WHERE ${where} AND ${kinds} GROUP BY 1, 2, 3`;
  const rows = await tx.query<CountRow>(text, params);
  return rows.map((r) => ({ ...r, events: num(r.events), value_sum: num(r.value_sum) }));
}

/** Sums of `pick` per bucket, buckets in time order. */
function perBucket<T>(rows: CountRow[], pick: (row: CountRow) => Partial<T>, zero: () => T): { bucket: string; values: T }[] {
  const buckets = new Map<string, T>();
  for (const row of rows) {
    const values = buckets.get(row.bucket) ?? zero();
    for (const [k, v] of Object.entries(pick(row)) as [keyof T, number][]) (values[k] as number) += v;
    buckets.set(row.bucket, values);
  }
  return [...buckets].sort(([a], [b]) => (a < b ? -1 : 1)).map(([bucket, values]) => ({ bucket, values }));
}

const range = (q: ResolvedQuery) => ({ from: q.from, to: q.to, bucket: q.bucket });

export async function conversationsReport(tx: SqlExecutor, tenantId: string, q: ResolvedQuery): Promise<ConversationsReport> {
  const rows = await countEvents(tx, tenantId, q, ['conversation_started', 'conversation_ended', 'handoff', 'goal_reached', 'message_received']);
  const zero = () => ({ started: 0, ended: 0, handoffs: 0, goalsReached: 0, received: 0 });
  const series = perBucket(rows, (r) => {
    switch (r.event_type) {
      case 'conversation_started': return { started: r.events };
      case 'conversation_ended': return { ended: r.events };
      case 'handoff': return { handoffs: r.events };
      case 'goal_reached': return { goalsReached: r.events };
      default: return { received: r.events };
    }
  }, zero);
  const t = series.reduce((acc, { values }) => {
    for (const k of Object.keys(acc) as (keyof typeof acc)[]) acc[k] += values[k];
    return acc;
  }, zero());
  return {
    ...range(q),
    series: series.map(({ bucket, values: { received: _r, ...values } }) => ({ bucket, ...values })),
    totals: {
      started: t.started,
      ended: t.ended,
      handoffs: t.handoffs,
      goalsReached: t.goalsReached,
      // Contained: of the conversations that finished, those that ended without a person.
      containmentRate: ratio(t.ended, t.ended + t.handoffs),
      goalCompletionRate: ratio(t.goalsReached, t.started),
      averageTurns: ratio(t.received, t.started),
    },
  };
}

export async function messagesReport(tx: SqlExecutor, tenantId: string, q: ResolvedQuery): Promise<MessagesReport> {
  const rows = await countEvents(tx, tenantId, q, ['message_received', 'message_sent', 'fallback']);
  const series = perBucket(rows, (r) => {
    if (r.event_type === 'message_sent') return { sent: r.value_sum };
    return r.event_type === 'fallback' ? { fallbacks: r.events } : { received: r.events };
  }, () => ({ received: 0, sent: 0, fallbacks: 0 }));
  const totals = { received: 0, sent: 0, fallbacks: 0 };
  for (const { values } of series) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += values[k];
  return {
    ...range(q),
    series: series.map(({ bucket, values }) => ({ bucket, ...values })),
    totals: { ...totals, fallbackRate: ratio(totals.fallbacks, totals.received) },
  };
}

export async function intentsReport(tx: SqlExecutor, tenantId: string, q: ResolvedQuery): Promise<IntentsReport> {
  const rows = await countEvents(tx, tenantId, q, ['intent_detected']);
  const byIntent = new Map<string, { count: number; confidence: number }>();
  for (const r of rows) {
    const seen = byIntent.get(r.name) ?? { count: 0, confidence: 0 };
    byIntent.set(r.name, { count: seen.count + r.events, confidence: seen.confidence + r.value_sum });
  }
  const total = [...byIntent.values()].reduce((sum, i) => sum + i.count, 0);
  const intents = [...byIntent]
    .map(([intent, i]) => ({ intent, count: i.count, share: i.count / total, averageConfidence: ratio(i.confidence, i.count) }))
    .sort((a, b) => b.count - a.count || (a.intent < b.intent ? -1 : 1));
  return { ...range(q), intents };
}
