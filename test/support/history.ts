/**
 * What the durability test's clients did, attempt by attempt, and what the faults were, in the
 * order they happened (Jepsen's history): the checker judges the stored outcome against it, and a
 * failure is told from it.
 */
export type Surface = 'api' | 'webchat' | 'whatsapp';

/**
 * ack: the server acknowledged the message (200). retry: timeout, network error, 5xx, 409 or 429;
 * the client sends the same id again. rejected: any other answer; the client moves on. gave_up: the
 * load's deadline passed before an acknowledgement. resent: a copy sent after the acknowledgement (a
 * client that never saw the answer, Meta redelivering) was acknowledged too; it must change nothing.
 */
export type Outcome = 'ack' | 'retry' | 'rejected' | 'gave_up' | 'resent';

export interface SendEvent {
  op: 'send';
  surface: Surface;
  /** The conversation id as the API names it (`web:…`, `whatsapp:…` for channels). */
  conversation: string;
  /** The client's message id (API/web chat id, WhatsApp wamid): every attempt of one message carries the same. */
  id: string;
  text: string;
  attempt: number;
  instance: string;
  outcome: Outcome;
  status?: number;
  detail?: string;
  /** The first reply's text in an acknowledgement (API and web chat answer inline). */
  reply?: string;
  turnId?: string;
  /** Milliseconds since the history began. */
  at: number;
}

export interface FaultEvent {
  op: 'fault';
  detail: string;
  at: number;
}

export type HistoryEvent = SendEvent | FaultEvent;

export interface History {
  events: HistoryEvent[];
  send(event: Omit<SendEvent, 'op' | 'at'>): void;
  fault(detail: string): void;
  /** The acknowledged messages of a conversation, in the order of their acknowledgements. */
  acks(conversation: string): SendEvent[];
  attemptsOf(conversation: string, id: string): SendEvent[];
  /** Every text a client sent to the conversation, acknowledged or not. */
  sentTexts(conversation: string): Set<string>;
  elapsed(): number;
  /** Milliseconds since the history began at epoch time `ms`. */
  elapsedAt(ms: number): number;
  /** Resolves right after the next event that matches, or after `maxMs` (the faults aim at the moment after an acknowledgement). */
  next(matches: (event: HistoryEvent) => boolean, maxMs: number): Promise<void>;
}

export function createHistory(): History {
  const began = Date.now();
  const events: HistoryEvent[] = [];
  const sends = () => events.filter((e): e is SendEvent => e.op === 'send');
  const elapsed = () => Date.now() - began;
  const waiters = new Set<{ matches: (event: HistoryEvent) => boolean; resolve: () => void }>();
  const push = (event: HistoryEvent) => {
    events.push(event);
    for (const waiter of waiters) {
      if (!waiter.matches(event)) continue;
      waiters.delete(waiter);
      waiter.resolve();
    }
  };
  return {
    events,
    send: (event) => push({ op: 'send', ...event, at: elapsed() }),
    fault: (detail) => push({ op: 'fault', detail, at: elapsed() }),
    acks: (conversation) => sends().filter((e) => e.conversation === conversation && e.outcome === 'ack'),
    attemptsOf: (conversation, id) => sends().filter((e) => e.conversation === conversation && e.id === id),
    sentTexts: (conversation) => new Set(sends().filter((e) => e.conversation === conversation).map((e) => e.text)),
    elapsed,
    elapsedAt: (ms) => ms - began,
    next: (matches, maxMs) =>
      new Promise((resolve) => {
        const waiter = { matches, resolve };
        waiters.add(waiter);
        setTimeout(() => {
          waiters.delete(waiter);
          resolve();
        }, maxMs).unref();
      }),
  };
}

/** The reply the test's flow gives to the n-th message of a conversation: it names its input and its turn. */
export const expectedReply = (text: string, n: number): string => `got ${text} #${n}`;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** `a:timeout@3.1s b:503@3.4s b:ack@3.9s`: how one message travelled. */
export function timeline(attempts: SendEvent[]): string {
  const label = (e: SendEvent) => (e.outcome === 'ack' || e.outcome === 'resent' ? e.outcome : (e.status ?? e.detail ?? e.outcome));
  const shown = attempts.map((e) => `${e.instance}:${label(e)}@${seconds(e.at)}`);
  return shown.length <= 8 ? shown.join(' ') : [...shown.slice(0, 4), `… ${shown.length - 8} more …`, ...shown.slice(-4)].join(' ');
}

/** One line per fault and a count of the load, to head a failure report. */
export function summarize(history: History): string {
  const sends = history.events.filter((e): e is SendEvent => e.op === 'send');
  const acked = sends.filter((e) => e.outcome === 'ack').length;
  const retries = sends.filter((e) => e.outcome === 'retry').length;
  const faults = history.events.filter((e): e is FaultEvent => e.op === 'fault').map((e) => `  ${seconds(e.at)} ${e.detail}`);
  const conversations = new Set(sends.map((e) => e.conversation)).size;
  return [`${acked} messages acknowledged in ${conversations} conversations, ${retries} attempts retried; faults:`, ...faults].join('\n');
}
