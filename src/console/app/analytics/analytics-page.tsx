import { useState } from 'react';
import type { components } from '../../../api-types/openapi.gen';
import { api } from '../api/client';
import { AsyncView, useAsync } from '../ui/async';
import { BarList, TimeChart } from './charts';

type Schemas = components['schemas'];
type Bucket = 'hour' | 'day';
type Range = Pick<Schemas['ConversationsReport'], 'from' | 'to' | 'bucket'>;
type Conversations = Schemas['ConversationsReport'];
type Messages = Schemas['MessagesReport'];
type Intents = Schemas['IntentsReport'];
type Funnel = Schemas['FunnelReport'];
type Latency = Schemas['LatencyReport'];

const DAY = 86_400_000;
const dateInput = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)}%`);

/** Every bucket of the range (UTC, as the server buckets), so quiet hours or days show as zero. */
function buckets(range: Range): number[] {
  const size = range.bucket === 'hour' ? DAY / 24 : DAY;
  const out: number[] = [];
  for (let t = Math.floor(Date.parse(range.from) / size) * size; t < Date.parse(range.to); t += size) out.push(t);
  return out;
}

/** Counts: a bucket without a row had none (0). */
function fill<T extends { bucket: string }>(range: Range, rows: T[], pick: (row: T) => number): number[] {
  const byBucket = new Map(rows.map((r) => [Date.parse(r.bucket), r]));
  return buckets(range).map((t) => {
    const row = byBucket.get(t);
    return row ? pick(row) : 0;
  });
}

/** Measurements (latency): a bucket without turns has no value, drawn as a gap, never as 0 ms. */
function measured<T extends { bucket: string }>(range: Range, rows: T[], pick: (row: T) => number | null): (number | null)[] {
  const byBucket = new Map(rows.map((r) => [Date.parse(r.bucket), r]));
  return buckets(range).map((t) => {
    const row = byBucket.get(t);
    return row ? pick(row) : null;
  });
}

const label = (range: Range) => buckets(range).map((t) => (range.bucket === 'hour' ? new Date(t).toISOString().slice(11, 16) : new Date(t).toISOString().slice(5, 10)));

export function AnalyticsPage() {
  const [from, setFrom] = useState(() => dateInput(Date.now() - 6 * DAY));
  const [to, setTo] = useState(() => dateInput(Date.now()));
  const range = { from: `${from}T00:00:00.000Z`, to: new Date(Date.parse(`${to}T00:00:00.000Z`) + DAY).toISOString() };
  const bucket: Bucket = Date.parse(range.to) - Date.parse(range.from) <= 2 * DAY ? 'hour' : 'day';
  const query = new URLSearchParams({ ...range, bucket }).toString();
  const data = useAsync(async () => {
    const [conversations, messages, intents, funnel, latency] = await Promise.all([
      api.get<Conversations>(`/analytics/conversations?${query}`),
      api.get<Messages>(`/analytics/messages?${query}`),
      api.get<Intents>(`/analytics/intents?${query}`),
      api.get<Funnel>(`/analytics/funnel?${query}`),
      api.get<Latency>(`/analytics/latency?${query}`),
    ]);
    return { conversations, messages, intents, funnel, latency };
  }, [query]);

  return (
    <div>
      <header className="page-header">
        <h1>Analytics</h1>
        <form className="filters" aria-label="Date range" onSubmit={(e) => e.preventDefault()}>
          <label>
            From <input type="date" value={from} max={to} onChange={(e) => e.target.value && setFrom(e.target.value)} />
          </label>
          <label>
            To <input type="date" value={to} min={from} onChange={(e) => e.target.value && setTo(e.target.value)} />
          </label>
          <span className="muted small">by {bucket} (UTC)</span>
        </form>
      </header>
      <AsyncView state={data} what="analytics">
        {({ conversations: c, messages: m, intents, funnel, latency }) => (
          <>
            <div className="kpis">
              <Kpi label="Conversations" value={String(c.totals.started)} />
              <Kpi label="Contained by the bot" value={pct(c.totals.containmentRate)} />
              <Kpi label="Goal completion" value={pct(c.totals.goalCompletionRate)} />
              <Kpi label="Messages received" value={String(m.totals.received)} />
              <Kpi label="Fallback rate" value={pct(m.totals.fallbackRate)} />
              <Kpi label="Reply p95" value={latency.totals.p95 === null ? '—' : `${Math.round(latency.totals.p95)} ms`} />
            </div>
            {c.totals.started === 0 && m.totals.received === 0 ? <div className="empty">No conversations in this range yet: the charts fill in as people talk to the bot.</div> : null}
            <div className="charts">
              <TimeChart
                title="Conversations"
                labels={label(c)}
                series={[
                  { name: 'started', color: '#3b6fd8', values: fill(c, c.series, (r) => r.started) },
                  { name: 'handed off', color: '#d8833b', values: fill(c, c.series, (r) => r.handoffs) },
                  { name: 'goal reached', color: '#3ba55c', values: fill(c, c.series, (r) => r.goalsReached) },
                ]}
              />
              <TimeChart
                title="Messages"
                kind="bar"
                labels={label(m)}
                series={[
                  { name: 'received', color: '#3b6fd8', values: fill(m, m.series, (r) => r.received) },
                  { name: 'sent', color: '#8a5cd8', values: fill(m, m.series, (r) => r.sent) },
                  { name: 'fallbacks', color: '#d84b3b', values: fill(m, m.series, (r) => r.fallbacks) },
                ]}
              />
              <TimeChart
                title="Reply latency (ms)"
                labels={label(c)}
                series={[
                  { name: 'p50', color: '#3ba55c', values: measured(c, latency.series, (r) => r.p50) },
                  { name: 'p95', color: '#d8833b', values: measured(c, latency.series, (r) => r.p95) },
                ]}
              />
              <BarList title="Intents" rows={intents.intents.map((i) => ({ label: i.intent, value: i.count, note: i.averageConfidence === null ? '' : `· ${i.averageConfidence.toFixed(2)}` }))} />
              <BarList
                title="Where conversations stop (share of each state's entries that ended there)"
                rows={funnel.states.map((s) => ({ label: s.state, value: s.droppedOff, of: s.entered, note: `of ${s.entered} · ${pct(s.dropOffRate)}` }))}
              />
            </div>
          </>
        )}
      </AsyncView>
    </div>
  );
}

function Kpi({ label: text, value }: { label: string; value: string }) {
  return (
    <div className="kpi">
      <div className="value">{value}</div>
      <div className="muted small">{text}</div>
    </div>
  );
}
