import type { SqlExecutor } from '../storage/contract.js';
import type { ConversationsReport, IntentsReport, MessagesReport } from './contract.js';
import { ROLLUP_COUNTERS } from './raw-tables.js';
import { hourAligned, num, ratio, type ResolvedQuery, whereClause } from './query-range.js';

type Counters = Record<(typeof ROLLUP_COUNTERS)[number], number>;
type CountRow = Counters & { bucket: string; intent: string };

/** The counters from raw turns, as the rollup keeps them (migrations.ts, event-store.ts). */
const FROM_TURNS = `count(*) AS turns, count(*) FILTER (WHERE started) AS started, count(*) FILTER (WHERE ended) AS ended,
  count(*) FILTER (WHERE goal) AS goals, count(*) FILTER (WHERE handoff) AS handoffs, count(*) FILTER (WHERE fallback) AS fallbacks,
  coalesce(sum(replies), 0) AS sent, coalesce(sum(intent_confidence), 0) AS intent_confidence_sum`;

/**
 * Turn counters per bucket (and per intent when asked). Whole-hour ranges by hour or day read the
 * hourly rollup; anything finer reads the turns. Both give the same numbers.
 */
async function countTurns(tx: SqlExecutor, tenantId: string, q: ResolvedQuery, byIntent: boolean): Promise<CountRow[]> {
  const rollup = hourAligned(q);
  const { where, params, bucket } = whereClause(tenantId, q, rollup ? 'bucket' : 'time');
  const intent = byIntent ? `coalesce(intent, '')` : `''`;
  const text = rollup
    ? `SELECT ${bucket} AS bucket, ${intent} AS intent, ${ROLLUP_COUNTERS.map((c) => `sum(${c}) AS ${c}`).join(', ')}
         FROM conversation_analytics_hourly WHERE ${where} GROUP BY 1, 2 ORDER BY 1`
    : `SELECT ${bucket} AS bucket, ${intent} AS intent, ${FROM_TURNS} FROM conversation_analytics WHERE ${where} GROUP BY 1, 2 ORDER BY 1`;
  const rows = await tx.query<Record<string, unknown>>(text, params);
  return rows.map((r) => ({ bucket: String(r.bucket), intent: String(r.intent), ...(Object.fromEntries(ROLLUP_COUNTERS.map((c) => [c, num(r[c])])) as Counters) }));
}

const range = (q: ResolvedQuery) => ({ from: q.from, to: q.to, bucket: q.bucket });

function sum(rows: readonly CountRow[]): Counters {
  const total = Object.fromEntries(ROLLUP_COUNTERS.map((c) => [c, 0])) as Counters;
  for (const row of rows) for (const c of ROLLUP_COUNTERS) total[c] += row[c];
  return total;
}

export async function conversationsReport(tx: SqlExecutor, tenantId: string, q: ResolvedQuery): Promise<ConversationsReport> {
  const rows = await countTurns(tx, tenantId, q, false);
  const t = sum(rows);
  return {
    ...range(q),
    series: rows.map((r) => ({ bucket: r.bucket, started: r.started, ended: r.ended, handoffs: r.handoffs, goalsReached: r.goals })),
    totals: {
      started: t.started,
      ended: t.ended,
      handoffs: t.handoffs,
      goalsReached: t.goals,
      // Contained: of the conversations that finished, those that ended without a person.
      containmentRate: ratio(t.ended, t.ended + t.handoffs),
      goalCompletionRate: ratio(t.goals, t.started),
      averageTurns: ratio(t.turns, t.started),
    },
  };
}

export async function messagesReport(tx: SqlExecutor, tenantId: string, q: ResolvedQuery): Promise<MessagesReport> {
  const rows = await countTurns(tx, tenantId, q, false);
  const t = sum(rows);
  return {
    ...range(q),
    series: rows.map((r) => ({ bucket: r.bucket, received: r.turns, sent: r.sent, fallbacks: r.fallbacks })),
    totals: { received: t.turns, sent: t.sent, fallbacks: t.fallbacks, fallbackRate: ratio(t.fallbacks, t.turns) },
  };
}

export async function intentsReport(tx: SqlExecutor, tenantId: string, q: ResolvedQuery): Promise<IntentsReport> {
  const byIntent = new Map<string, { count: number; confidence: number }>();
  for (const r of await countTurns(tx, tenantId, q, true)) {
    if (r.intent === '') continue; // turns no state took a message in
    const seen = byIntent.get(r.intent) ?? { count: 0, confidence: 0 };
    byIntent.set(r.intent, { count: seen.count + r.turns, confidence: seen.confidence + r.intent_confidence_sum });
  }
  const total = [...byIntent.values()].reduce((n, i) => n + i.count, 0);
  const intents = [...byIntent]
    .map(([intent, i]) => ({ intent, count: i.count, share: i.count / total, averageConfidence: ratio(i.confidence, i.count) }))
    .sort((a, b) => b.count - a.count || (a.intent < b.intent ? -1 : 1));
  return { ...range(q), intents };
}
