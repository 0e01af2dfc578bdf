import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { signMeta } from '../fakes/meta.js';
import type { History, Surface } from './history.js';

/** One instance behind the load balancer the clients imagine. */
export interface Endpoint {
  name: string;
  url: string;
}

export interface Message {
  id: string;
  text: string;
}

export type Answer =
  | { kind: 'ack'; status: number; reply?: string; turnId?: string }
  | { kind: 'retry'; status?: number; detail: string; retryAfterMs?: number }
  | { kind: 'rejected'; status: number; detail: string };

/** A conversation on one surface: how its client names it and how it sends one message to an instance. */
export interface Target {
  surface: Surface;
  label: string;
  conversation: string;
  message(n: number): Message;
  send(endpoint: Endpoint, message: Message): Promise<Answer>;
}

/** Short, as client timeouts are, so a retry may meet the first attempt still running; longer than the lock wait (5 s). */
const ATTEMPT_TIMEOUT_MS = 6_000;

/** Timeouts, dropped connections, 5xx, 408, 409 (busy) and 429 are worth another try with the same id; nothing else is. */
async function post(url: string, body: string, headers: Record<string, string>): Promise<Answer & { body?: Record<string, unknown> }> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { kind: 'retry', detail: cause ?? (error instanceof Error ? error.name : 'network error') };
  }
  let text: string;
  try {
    text = await response.text();
  } catch {
    // The answer was cut off: the client never saw it, so for the client nothing was acknowledged.
    return { kind: 'retry', status: response.status, detail: 'answer cut off' };
  }
  if (response.status >= 200 && response.status < 300) {
    try {
      return { kind: 'ack', status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    } catch {
      return { kind: 'ack', status: response.status, body: {} };
    }
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  const retryable = response.status >= 500 || [408, 409, 429].includes(response.status);
  const detail = `${response.status} ${text.slice(0, 120)}`;
  return retryable
    ? { kind: 'retry', status: response.status, detail, ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) }
    : { kind: 'rejected', status: response.status, detail };
}

const firstReply = (body: Record<string, unknown> | undefined) => {
  const replies = body?.replies as { text?: string }[] | undefined;
  return { reply: replies?.[0]?.text, turnId: typeof body?.turnId === 'string' ? body.turnId : undefined };
};

const withReply = (answer: Answer & { body?: Record<string, unknown> }): Answer =>
  answer.kind === 'ack' ? { kind: 'ack', status: answer.status, ...firstReply(answer.body) } : answer;

/** The public API; some conversations name the message in an Idempotency-Key header instead of the body. */
export function apiTarget(label: string, apiKey: string, useHeader: boolean): Target {
  const conversation = `durable-${label}`;
  return {
    surface: 'api',
    label,
    conversation,
    message: (n) => ({ id: `${label}-${n}`, text: `${label} m${n}` }),
    send: async (endpoint, m) => {
      const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', ...(useHeader ? { 'idempotency-key': m.id } : {}) };
      const body = JSON.stringify(useHeader ? { text: m.text } : { text: m.text, id: m.id });
      return withReply(await post(`${endpoint.url}/v1/conversations/${conversation}/messages`, body, headers));
    },
  };
}

/** The web chat's HTTP fallback, as the widget uses it where sockets are blocked: resend-safe by client id. */
export function webchatTarget(label: string, widgetKey: string): Target {
  return {
    surface: 'webchat',
    label,
    conversation: `web:${label}`,
    message: (n) => ({ id: `${label}-${n}`, text: `${label} m${n}` }),
    send: async (endpoint, m) =>
      withReply(await post(`${endpoint.url}/v1/webchat/messages`, JSON.stringify({ key: widgetKey, conversation: label, id: m.id, text: m.text }), { 'content-type': 'application/json' })),
  };
}

const WHATSAPP_TEXT = JSON.parse(readFileSync(new URL('../fixtures/channels/whatsapp-text.json', import.meta.url), 'utf8')) as {
  entry: { changes: { value: { metadata: { phone_number_id: string }; contacts: { wa_id: string }[]; messages: Record<string, unknown>[] } }[] }[];
};

/** A WhatsApp user: Meta signs each webhook and resends the same bytes until it gets a 200. */
export function whatsappTarget(options: { label: string; slug: string; phoneNumberId: string; waId: string; appSecret: string }): Target {
  const { label, slug, phoneNumberId, waId, appSecret } = options;
  const bodies = new Map<string, string>();
  const bodyOf = (m: Message) => {
    const payload = structuredClone(WHATSAPP_TEXT);
    const value = payload.entry[0]!.changes[0]!.value;
    value.metadata.phone_number_id = phoneNumberId;
    value.contacts[0]!.wa_id = waId;
    value.messages = [{ ...value.messages[0], from: waId, id: m.id, timestamp: String(Math.floor(Date.now() / 1000)), text: { body: m.text } }];
    return JSON.stringify(payload);
  };
  return {
    surface: 'whatsapp',
    label,
    conversation: `whatsapp:${phoneNumberId}:${waId}`,
    message: (n) => ({ id: `wamid.${label}.${n}`, text: `${label} m${n}` }),
    send: async (endpoint, m) => {
      const body = bodies.get(m.id) ?? bodyOf(m);
      bodies.set(m.id, body);
      const answer = await post(`${endpoint.url}/v1/channels/${slug}/whatsapp`, body, { 'content-type': 'application/json', 'x-hub-signature-256': signMeta(appSecret, body) });
      return answer.kind === 'ack' ? { kind: 'ack', status: answer.status } : answer;
    },
  };
}

export interface DriveOptions {
  endpoints: Endpoint[];
  history: History;
  /** Asked before each new message: the fault schedule ends the load. */
  stopping: () => boolean;
  /** After this time (epoch ms; it moves once the faults are over) a message still unacknowledged is given up. */
  deadline: () => number;
  maxMessages: number;
  thinkMs: number;
  /** Every n-th message is sent once more after its acknowledgement, as by a client that lost the answer. */
  resendEvery: number;
  /** Spreads the conversations' first attempts over the instances. */
  offset: number;
}

/** Sends one message until an instance answers other than "try again", or the deadline passes; every attempt is recorded. */
async function deliver(target: Target, message: Message, options: DriveOptions & { n: number; resend: boolean }): Promise<Answer | null> {
  const base = { surface: target.surface, conversation: target.conversation, id: message.id, text: message.text };
  for (let attempt = 1; ; attempt += 1) {
    if (Date.now() > options.deadline()) {
      options.history.send({ ...base, attempt, instance: '-', outcome: 'gave_up' });
      return null;
    }
    const endpoint = options.endpoints[(options.n + attempt + options.offset + (options.resend ? 1 : 0)) % options.endpoints.length]!;
    const answer = await target.send(endpoint, message);
    const outcome = answer.kind === 'ack' && options.resend ? 'resent' : answer.kind;
    options.history.send({
      ...base,
      attempt,
      instance: endpoint.name,
      outcome,
      ...(answer.status === undefined ? {} : { status: answer.status }),
      ...(answer.kind === 'ack' ? { ...(answer.reply === undefined ? {} : { reply: answer.reply }), ...(answer.turnId === undefined ? {} : { turnId: answer.turnId }) } : { detail: answer.detail }),
    });
    if (answer.kind !== 'retry') return answer;
    await sleep(Math.min(answer.retryAfterMs ?? 150, 1_000));
  }
}

/** One client: message n+1 only after message n was acknowledged; retries go to the instances in turn, with the same id. */
export async function drive(target: Target, options: DriveOptions): Promise<void> {
  for (let n = 1; n <= options.maxMessages && !options.stopping(); n += 1) {
    const message = target.message(n);
    const answer = await deliver(target, message, { ...options, n, resend: false });
    if (answer === null) return;
    if (answer.kind === 'ack' && n % options.resendEvery === 0 && (await deliver(target, message, { ...options, n, resend: true })) === null) return;
    await sleep(options.thinkMs);
  }
}
