import type { Recorder } from '../fakes/http-recorder.js';
import type { Endpoint, Target } from './durability-clients.js';
import type { History } from './history.js';
import { type Anomaly, checkConversation, type Delivery, type ObservedConversation, type StoredLine } from './history-check.js';
import type { InstanceProcess } from './instance-process.js';

export interface ObserveOptions {
  history: History;
  targets: Target[];
  meta: Recorder;
  instances: InstanceProcess[];
  apiKey: string;
  /** Where to read: an instance still up (or a reader started for it). */
  reader: () => Promise<Endpoint>;
  since: Date;
}

async function getJson<T>(endpoint: Endpoint, apiKey: string, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${endpoint.url}${path}`, { headers: { authorization: `Bearer ${apiKey}` }, signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: (await response.json()) as T };
}

/** What the fake Graph API received for one WhatsApp user, in arrival order. */
function deliveredTo(meta: Recorder, history: History, waId: string): Delivery[] {
  return meta.received
    .filter((r) => r.body.to === waId)
    .map((r) => ({ text: (r.body.text as { body?: string } | undefined)?.body ?? JSON.stringify(r.body), at: history.elapsedAt(r.at) }));
}

async function observe(endpoint: Endpoint, o: ObserveOptions, target: Target): Promise<ObservedConversation> {
  const id = encodeURIComponent(target.conversation);
  const messages = await getJson<{ messages?: StoredLine[] }>(endpoint, o.apiKey, `/v1/conversations/${id}/messages?limit=500`);
  const state = await getJson<{ vars?: { count?: number } }>(endpoint, o.apiKey, `/v1/conversations/${id}`);
  const observed: ObservedConversation = {
    conversation: target.conversation,
    surface: target.surface,
    transcript: messages.status === 404 ? null : (messages.body.messages ?? []).map(({ direction, text }) => ({ direction, text })),
    count: state.status === 200 ? (state.body.vars?.count ?? 0) : state.status === 404 ? 0 : null,
  };
  if (target.surface === 'whatsapp') observed.delivered = deliveredTo(o.meta, o.history, target.conversation.split(':').at(-1)!);
  return observed;
}

async function analyticsReceived(endpoint: Endpoint, o: ObserveOptions): Promise<number | null> {
  const from = new Date(o.since.getTime() - 5 * 60_000).toISOString();
  const to = new Date(Date.now() + 5 * 60_000).toISOString();
  const report = await getJson<{ totals?: { received?: number } }>(endpoint, o.apiKey, `/v1/analytics/messages?from=${from}&to=${to}&bucket=minute`);
  return report.body.totals?.received ?? null;
}

/** Every anomaly the stored outcome shows now: per conversation, analytics against the turns stored, and instances that died. */
export async function findAnomalies(o: ObserveOptions): Promise<Anomaly[]> {
  const endpoint = await o.reader();
  const observed = await Promise.all(o.targets.map((t) => observe(endpoint, o, t)));
  const anomalies = observed.flatMap((c) => checkConversation(o.history, c));
  const turns = observed.reduce((sum, c) => sum + (c.transcript?.filter((l) => l.direction === 'inbound').length ?? 0), 0);
  const counted = await analyticsReceived(endpoint, o);
  if (counted !== turns) anomalies.push({ kind: 'analytics', detail: `analytics counts ${counted} messages received, the transcripts hold ${turns} turns` });
  for (const instance of o.instances) {
    for (const exit of instance.unexpectedExits) {
      const tail = exit.logTail.split('\n').slice(-8).map((l) => `        | ${l.slice(0, 300)}`).join('\n');
      anomalies.push({ kind: 'instance', detail: `instance ${exit.instance} exited by itself (code ${exit.code}, signal ${exit.signal}); its last log lines:\n${tail}` });
    }
    if (instance.unexpectedExits.length === 0 && !instance.isAlive()) anomalies.push({ kind: 'instance', detail: `instance ${instance.name} is not running` });
  }
  return anomalies;
}

/**
 * Polls until the outcome is clean or stops changing: webhook turns and deliveries finish after their
 * acknowledgement, analytics are written behind. Bounded, so a lost message fails the test rather than hangs it.
 */
export async function settledAnomalies(o: ObserveOptions, options: { maxMs: number; stableMs: number }): Promise<Anomaly[]> {
  const until = Date.now() + options.maxMs;
  let last = '';
  let stableSince = Date.now();
  for (;;) {
    const anomalies = await findAnomalies(o).catch((error: unknown): Anomaly[] => [{ kind: 'instance', detail: `reading the outcome failed: ${String(error)}` }]);
    const now = JSON.stringify(anomalies);
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    }
    if (anomalies.length === 0 || Date.now() > until || Date.now() - stableSince > options.stableMs) return anomalies;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
