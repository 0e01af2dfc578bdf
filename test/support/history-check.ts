import { expectedReply, type History, summarize, type Surface, timeline } from './history.js';

export type AnomalyKind =
  | 'lost'
  | 'duplicated'
  | 'phantom'
  | 'order'
  | 'reply'
  | 'ack_result'
  | 'count'
  | 'delivery'
  | 'rejected'
  | 'unacknowledged'
  | 'analytics'
  | 'instance';

export interface Anomaly {
  kind: AnomalyKind;
  conversation?: string;
  /** The client's message id, to print how that message travelled. */
  id?: string;
  detail: string;
}

export interface StoredLine {
  direction: 'inbound' | 'outbound';
  text: string | null;
}

/** One send a platform's fake received: its text, and when (ms since the history began). */
export interface Delivery {
  text: string;
  at: number;
}

/** What the system holds for one conversation once the load has stopped. */
export interface ObservedConversation {
  conversation: string;
  surface: Surface;
  /** null: the API knows no such conversation. */
  transcript: StoredLine[] | null;
  /** The flow's `vars.count`: how many turns the engine applied. */
  count: number | null;
  /** For channels that push replies: what the platform's fake received for this user, in arrival order. */
  delivered?: Delivery[];
}

const tally = (items: string[]) => items.reduce((m, t) => m.set(t, (m.get(t) ?? 0) + 1), new Map<string, number>());

/** A count that went wrong stays wrong for every later turn: the first one tells the story, the rest are counted. */
function firstOfRun(anomalies: Anomaly[]): Anomaly[] {
  const [first] = anomalies;
  if (!first || anomalies.length === 1) return anomalies;
  return [{ ...first, detail: `${first.detail} (and ${anomalies.length - 1} later ones in this conversation)` }];
}

/** The transcript cut into turns: each inbound message with the outbound ones that follow it. */
function turnsOf(transcript: StoredLine[]): { inbound: string | null; replies: string[] }[] {
  const turns: { inbound: string | null; replies: string[] }[] = [];
  for (const line of transcript) {
    if (line.direction === 'inbound') turns.push({ inbound: line.text ?? '', replies: [] });
    else if (turns.length === 0) turns.push({ inbound: null, replies: [line.text ?? ''] });
    else turns.at(-1)!.replies.push(line.text ?? '');
  }
  return turns;
}

function checkMessages(history: History, o: ObservedConversation, transcript: StoredLine[]): Anomaly[] {
  const anomalies: Anomaly[] = [];
  const acks = history.acks(o.conversation);
  const idOf = new Map(history.events.flatMap((e) => (e.op === 'send' && e.conversation === o.conversation ? [[e.text, e.id] as const] : [])));
  const inbound = transcript.filter((l) => l.direction === 'inbound').map((l) => l.text ?? '');
  const counts = tally(inbound);
  const sent = history.sentTexts(o.conversation);
  for (const ack of acks) {
    if (!counts.has(ack.text)) anomalies.push({ kind: 'lost', conversation: o.conversation, id: ack.id, detail: `"${ack.text}" was acknowledged but is not stored` });
  }
  for (const [text, n] of counts) {
    if (n > 1) anomalies.push({ kind: 'duplicated', conversation: o.conversation, id: idOf.get(text), detail: `"${text}" is stored ${n} times` });
    if (!sent.has(text)) anomalies.push({ kind: 'phantom', conversation: o.conversation, detail: `"${text}" is stored but no client sent it` });
  }
  const acked = new Set(acks.map((a) => a.text));
  const storedOrder = [...new Set(inbound.filter((t) => acked.has(t)))];
  const ackedOrder = acks.map((a) => a.text).filter((t) => counts.has(t));
  const at = storedOrder.findIndex((t, i) => t !== ackedOrder[i]);
  if (at >= 0) {
    anomalies.push({ kind: 'order', conversation: o.conversation, detail: `stored order differs from acknowledged order at #${at + 1}: stored [${storedOrder.slice(at, at + 3).join(', ')}…], acknowledged [${ackedOrder.slice(at, at + 3).join(', ')}…]` });
  }
  for (const resend of history.events) {
    if (resend.op !== 'send' || resend.conversation !== o.conversation || resend.outcome !== 'resent') continue;
    const first = acks.find((a) => a.id === resend.id);
    if (first && (first.reply !== resend.reply || first.turnId !== resend.turnId)) {
      anomalies.push({ kind: 'ack_result', conversation: o.conversation, id: resend.id, detail: `a resend of "${resend.text}" answered "${resend.reply}" (turn ${resend.turnId}), the first answer was "${first.reply}" (turn ${first.turnId})` });
    }
  }
  const wrongAnswers = acks.flatMap((ack, i) => {
    const expected = expectedReply(ack.text, i + 1);
    return ack.reply !== undefined && ack.reply !== expected
      ? [{ kind: 'ack_result' as const, conversation: o.conversation, id: ack.id, detail: `the acknowledgement of "${ack.text}" answered "${ack.reply}", expected "${expected}"` }]
      : [];
  });
  return [...anomalies, ...firstOfRun(wrongAnswers)];
}

function checkTurns(o: ObservedConversation, transcript: StoredLine[]): Anomaly[] {
  const wrongTurns = turnsOf(transcript).flatMap((turn, i) => {
    const expected = turn.inbound === null ? 'no reply before the first message' : `exactly "${expectedReply(turn.inbound, i + 1)}"`;
    return turn.inbound === null || turn.replies.length !== 1 || turn.replies[0] !== expectedReply(turn.inbound, i + 1)
      ? [{ kind: 'reply' as const, conversation: o.conversation, detail: `turn ${i + 1} ("${turn.inbound}") is followed by [${turn.replies.map((r) => `"${r}"`).join(', ')}], expected ${expected}` }]
      : [];
  });
  const anomalies = firstOfRun(wrongTurns);
  const applied = transcript.filter((l) => l.direction === 'inbound').length;
  if (o.count !== applied) anomalies.push({ kind: 'count', conversation: o.conversation, detail: `the flow counted ${o.count} turns for ${applied} stored messages` });
  return anomalies;
}

/**
 * How long before a `kill -9` completes a send may have reached the platform without its instance
 * recording it (platform answer in flight, then the outbox write). Platforms keep no idempotency
 * ids, so such a send is sent again once its claim expires: the one repeat the design allows.
 */
const CRASH_WINDOW_MS = 2_000;

/** A send that reached the platform while an instance was being killed. */
function inCrashWindow(history: History, delivery: Delivery): boolean {
  const kills = history.events.filter((e) => e.op === 'fault' && e.detail.startsWith('kill -9') && e.detail.endsWith(': done'));
  return kills.some((kill) => delivery.at <= kill.at && delivery.at >= kill.at - CRASH_WINDOW_MS);
}

/** Every stored reply reached the platform once; a second copy only of one in flight at a crash. */
function checkDelivery(history: History, o: ObservedConversation, transcript: StoredLine[]): Anomaly[] {
  if (!o.delivered) return [];
  const anomalies: Anomaly[] = [];
  const stored = tally(transcript.filter((l) => l.direction === 'outbound').map((l) => l.text ?? ''));
  const delivered = tally(o.delivered.map((d) => d.text));
  for (const [text, n] of stored) {
    const got = delivered.get(text) ?? 0;
    const repeatable = o.delivered.filter((d) => d.text === text && inCrashWindow(history, d)).length;
    if (got < n || got > n + repeatable) anomalies.push({ kind: 'delivery', conversation: o.conversation, detail: `"${text}" is stored ${n}× but reached the platform ${got}×` });
  }
  for (const [text, n] of delivered) {
    if (!stored.has(text)) anomalies.push({ kind: 'delivery', conversation: o.conversation, detail: `"${text}" reached the platform ${n}× but is not stored` });
  }
  return anomalies;
}

/** Every way the stored outcome of one conversation departs from what its client was told. */
export function checkConversation(history: History, o: ObservedConversation): Anomaly[] {
  const unacked = history.events.flatMap((e) =>
    e.op === 'send' && e.conversation === o.conversation && (e.outcome === 'rejected' || e.outcome === 'gave_up')
      ? [{ kind: e.outcome === 'rejected' ? ('rejected' as const) : ('unacknowledged' as const), conversation: o.conversation, id: e.id, detail: `"${e.text}": ${e.outcome === 'rejected' ? `refused with ${e.status} ${e.detail ?? ''}` : 'never acknowledged before the load deadline'}` }]
      : [],
  );
  if (o.transcript === null) {
    const acks = history.acks(o.conversation);
    return [...unacked, ...(acks.length ? [{ kind: 'lost' as const, conversation: o.conversation, detail: `the conversation does not exist, yet ${acks.length} messages were acknowledged` }] : [])];
  }
  return [...unacked, ...checkMessages(history, o, o.transcript), ...checkTurns(o, o.transcript), ...checkDelivery(history, o, o.transcript)];
}

const ORDER: AnomalyKind[] = ['instance', 'lost', 'duplicated', 'order', 'reply', 'ack_result', 'count', 'delivery', 'analytics', 'phantom', 'rejected', 'unacknowledged'];
const SHOWN_PER_KIND = 5;

/** A readable report: the load and its faults, then the first few anomalies of each kind with how each message travelled. */
export function formatAnomalies(history: History, anomalies: Anomaly[]): string {
  const lines = [summarize(history), '', `${anomalies.length} anomalies:`];
  for (const kind of ORDER) {
    const ofKind = anomalies.filter((a) => a.kind === kind);
    if (ofKind.length === 0) continue;
    lines.push(`${kind} (${ofKind.length}):`);
    for (const a of ofKind.slice(0, SHOWN_PER_KIND)) {
      lines.push(`  ${a.conversation ? `${a.conversation}: ` : ''}${a.detail}`);
      if (a.conversation && a.id) lines.push(`      attempts: ${timeline(history.attemptsOf(a.conversation, a.id))}`);
    }
    if (ofKind.length > SHOWN_PER_KIND) lines.push(`  … and ${ofKind.length - SHOWN_PER_KIND} more`);
  }
  return lines.join('\n');
}
