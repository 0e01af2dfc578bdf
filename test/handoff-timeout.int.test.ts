/**
 * A handoff's `waiting.timeout_minutes` fires on its own: a durable timer (a chat schedule) runs
 * the flow's `waiting.then` when nobody took the conversation, its reply sent on WhatsApp without
 * the user writing again; an agent taking it first cancels the timer. The app's clock is moved.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Recorder } from './fakes/http-recorder.js';
import { signMeta, startFakeMeta } from './fakes/meta.js';
import { manualClock } from './support/clock.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { twoTenants, type TestTenant } from './support/tenants.js';

const WHATSAPP_TEXT = readFileSync(new URL('./fixtures/channels/whatsapp-text.json', import.meta.url), 'utf8');

const helpdesk = {
  name: 'helpdesk',
  start: 'name',
  nlu: { intents: { human: ['talk to a person', 'agent please'] } },
  global: [{ when: 'intent == "human"', to: 'human' }],
  states: {
    name: { type: 'slot_filling', slots: [{ name: 'name', prompt: 'Your name?' }, { name: 'email', entity: 'email', prompt: 'Your email?' }], next: 'done' },
    human: { type: 'handoff', say: 'Getting a person.', waiting: { say: 'A person will answer shortly.', timeout_minutes: 10, then: 'nobody' } },
    nobody: { type: 'response', say: 'Sorry {{ slots.name }}, nobody is free.', next: '@return' },
    done: { type: 'end', say: 'Thanks {{ slots.name }}.' },
  },
};

type Schedule = { id: string; status: string; event?: string; conversationId: string };
type Message = { direction: string; text: string | null; author?: string };

const clock = manualClock();
let server: TestApp;
let meta: Recorder;
let tenant: TestTenant;
let other: TestTenant;

beforeAll(async () => {
  meta = await startFakeMeta();
  // A database of its own: another test file's instance (another clock) must not fire these timers.
  server = await startApp({ clock, ownDatabase: true, env: { MCP_OUTBOX_POLL_MS: '25' } });
  [tenant, other] = await twoTenants(server.app);
  const api = client(server.url, tenant.apiKey);
  const flow = await api.post<{ id: string }>('/v1/flows', helpdesk);
  expect(flow.status, JSON.stringify(flow.body)).toBe(201);
  expect((await api.post(`/v1/flows/${flow.body.id}/publish`)).status).toBe(201);
  expect((await api.post(`/v1/flows/${flow.body.id}/default`)).status).toBe(200);
});
afterAll(async () => {
  await server?.stop();
  await meta?.close();
});

async function setUpWhatsApp(phone: string) {
  const api = client(server.url, tenant.apiKey);
  const put = await api.call('PUT', '/v1/channels/whatsapp', { config: { phoneNumberId: phone, accessToken: 'tok', appSecret: 'app-secret', verifyToken: 'v', graphApiBaseUrl: meta.url } });
  expect(put.status).toBeLessThan(300);
  return api;
}

async function say(phone: string, text: string, id: string) {
  const body = WHATSAPP_TEXT.replaceAll('106540352242922', phone).replace('where is my order', text).replace(/wamid\.[A-Za-z0-9=]+/, id);
  const response = await fetch(`${server.url}/v1/channels/${tenant.slug}/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMeta('app-secret', body) }, body });
  expect(response.status).toBe(200);
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 300; i += 1) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out waiting');
}

const textsTo = (phone: string) => meta.received.filter((r) => r.path === `/v21.0/${phone}/messages` && r.body.type === 'text').map((r) => (r.body.text as { body: string }).body);

/** Name given, then handed off; resolves once the handoff's reply went out and its timer is pending. */
async function handOff(phone: string) {
  const api = await setUpWhatsApp(phone);
  await say(phone, 'hello', `wamid.A${phone}`);
  await until(async () => textsTo(phone), (t) => t.includes('Your name?'));
  await say(phone, 'Ada', `wamid.B${phone}`);
  await until(async () => textsTo(phone), (t) => t.includes('Your email?'));
  await say(phone, 'talk to a person', `wamid.C${phone}`);
  await until(async () => textsTo(phone), (t) => t.includes('Getting a person.'));
  const conversation = `whatsapp:${phone}:16505551234`;
  const pending = await api.get<{ schedules: Schedule[] }>(`/v1/schedules?status=pending&conversationId=${encodeURIComponent(conversation)}`);
  expect(pending.body.schedules).toMatchObject([{ event: '@handoff_timeout', conversationId: conversation }]);
  return { api, conversation, timer: pending.body.schedules[0]! };
}

describe('handoff timeout timer', () => {
  it('runs waiting.then on its own when nobody took the conversation, the reply sent on its channel', async () => {
    const phone = `6${Date.now()}`.slice(0, 14);
    const { api, conversation, timer } = await handOff(phone);
    // Another workspace neither sees nor cancels the timer.
    const otherApi = client(server.url, other.apiKey);
    expect((await otherApi.get<{ schedules: unknown[] }>('/v1/schedules')).body.schedules).toEqual([]);
    expect((await otherApi.call('DELETE', `/v1/schedules/${timer.id}`)).status).toBe(404);

    clock.advance(9 * 60_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(textsTo(phone)).not.toContain('Sorry Ada, nobody is free.');

    clock.advance(2 * 60_000);
    // Both replies go out through the outbox, one after the other: wait for the second too.
    const texts = await until(async () => textsTo(phone), (t) => t.includes('Sorry Ada, nobody is free.') && t.lastIndexOf('Your email?') > t.indexOf('Sorry Ada, nobody is free.'));
    expect(texts.slice(-2)).toEqual(['Sorry Ada, nobody is free.', 'Your email?']);
    expect((await api.get(`/v1/conversations/${encodeURIComponent(conversation)}`)).body).toMatchObject({ status: 'waiting', handoff: null, state: 'name' });
    // Off the agents' inbox too.
    expect((await api.get<{ conversations: unknown[] }>('/v1/conversations?status=handoff')).body.conversations).toEqual([]);
    const transcript = await api.get<{ messages: Message[] }>(`/v1/conversations/${encodeURIComponent(conversation)}/messages`);
    const userTexts = transcript.body.messages.filter((m) => m.direction === 'inbound' && m.text !== null).map((m) => m.text);
    expect(userTexts).toEqual(['hello', 'Ada', 'talk to a person']);
    expect((await api.get<{ schedules: Schedule[] }>(`/v1/schedules?conversationId=${encodeURIComponent(conversation)}`)).body.schedules).toMatchObject([{ id: timer.id, status: 'sent' }]);

    // The flow goes on where it was.
    await say(phone, 'ada@example.com', `wamid.D${phone}`);
    await until(async () => textsTo(phone), (t) => t.includes('Thanks Ada.'));
  });

  it('is cancelled when an agent takes the conversation first: nothing fires', async () => {
    const phone = `7${Date.now()}`.slice(0, 14);
    const { api, conversation, timer } = await handOff(phone);
    const assigned = await api.post(`/v1/conversations/${encodeURIComponent(conversation)}/assign`, { agent: 'ann@example.com' });
    expect(assigned.status).toBe(200);
    expect((await api.get<{ schedules: Schedule[] }>(`/v1/schedules?conversationId=${encodeURIComponent(conversation)}`)).body.schedules).toMatchObject([{ id: timer.id, status: 'cancelled' }]);

    clock.advance(30 * 60_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(textsTo(phone)).not.toContain('Sorry Ada, nobody is free.');
    expect((await api.get(`/v1/conversations/${encodeURIComponent(conversation)}`)).body).toMatchObject({ status: 'handoff', handoff: { assignee: 'ann@example.com' } });

    // Handed back, the flow resumes in place; no late timer answers for it.
    const back = await api.post<{ replies: { text: string }[] }>(`/v1/conversations/${encodeURIComponent(conversation)}/hand-back`);
    expect(back.body.replies.map((r) => r.text)).toEqual(['Your email?']);
  });
});
