import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Recorder } from './fakes/http-recorder.js';
import { signMeta, startFakeMeta } from './fakes/meta.js';
import { dropDatabase, recreateDatabase, TEST_DATABASE_URL, uniqueSuffix } from './support/env.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { twoTenants, type TestTenant } from './support/tenants.js';

const REMINDER_BOT = readFileSync(new URL('./fixtures/channels/reminder-bot.yaml', import.meta.url), 'utf8');
const WHATSAPP_TEXT = readFileSync(new URL('./fixtures/channels/whatsapp-text.json', import.meta.url), 'utf8');
// A database of this file's own: no other test file's instance may send these follow-ups for us.
const DATABASE_URL = TEST_DATABASE_URL.replace(/\/[^/]+$/, `/mcp_engine_test_sched_${uniqueSuffix()}`);
const ENV = { DATABASE_URL, MCP_OUTBOX_POLL_MS: '20' };

type Schedule = { id: string; status: string; message?: string; event?: string; key: string | null; lastError: string | null };

let meta: Recorder;
beforeAll(async () => {
  await recreateDatabase(DATABASE_URL);
  meta = await startFakeMeta();
});
afterAll(async () => {
  await meta.close();
  await dropDatabase(DATABASE_URL);
});

async function setUp(server: TestApp, tenant: TestTenant, phone: string) {
  const api = client(server.url, tenant.apiKey);
  const flow = await api.post<{ id: string }>('/v1/flows', REMINDER_BOT);
  expect(flow.status).toBe(201);
  await api.post(`/v1/flows/${flow.body.id}/publish`);
  await api.post(`/v1/flows/${flow.body.id}/default`);
  await api.call('PUT', '/v1/channels/whatsapp', { config: { phoneNumberId: phone, accessToken: 'tok', appSecret: 'app-secret', verifyToken: 'v', graphApiBaseUrl: meta.url } });
  return api;
}

async function say(server: TestApp, tenant: TestTenant, phone: string, text: string, id: string) {
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

describe('scheduled follow-ups', () => {
  it('survive a restart: scheduled by one instance, sent by the next', async () => {
    let server = await startApp({ env: ENV });
    const [tenant] = await twoTenants(server.app);
    const phone = `4${Date.now()}`.slice(0, 14);
    let api = await setUp(server, tenant, phone);
    await say(server, tenant, phone, 'hi', `wamid.S1${phone}`);
    const pending = await until(() => api.get<{ schedules: Schedule[] }>('/v1/schedules?status=pending'), (r) => r.body.schedules.length === 2);
    expect(pending.body.schedules.map((s) => [s.key, s.message ?? s.event])).toEqual(expect.arrayContaining([['nudge', 'Still deciding, Sheena Nelson?'], ['remind', 'cart_reminder']]));
    await server.stop();

    server = await startApp({ env: ENV });
    try {
      api = client(server.url, tenant.apiKey);
      await until(async () => textsTo(phone), (texts) => texts.includes('Still deciding, Sheena Nelson?') && texts.includes('Reminder: your pizza is waiting in the cart.'));
      const sent = await until(() => api.get<{ schedules: Schedule[] }>('/v1/schedules'), (r) => r.body.schedules.every((s) => s.status === 'sent'));
      expect(sent.body.schedules).toHaveLength(2);
      const conversation = `whatsapp:${phone}:16505551234`;
      const transcript = await api.get<{ messages: { direction: string; text: string; author?: string }[] }>(`/v1/conversations/${conversation}/messages`);
      const outbound = transcript.body.messages.filter((m) => m.direction === 'outbound').map((m) => m.text);
      expect(outbound).toEqual(expect.arrayContaining(['Which pizza would you like?', 'Still deciding, Sheena Nelson?', 'Reminder: your pizza is waiting in the cart.']));
    } finally {
      await server.stop();
    }
  });

  it('are cancelled by the flow or the API, and another workspace can neither list nor cancel them', async () => {
    const server = await startApp({ env: ENV });
    try {
      const [a, b] = await twoTenants(server.app);
      const phone = `5${Date.now()}`.slice(0, 14);
      const api = await setUp(server, a, phone);
      await say(server, a, phone, 'hi', `wamid.C1${phone}`);
      const pending = await until(() => api.get<{ schedules: Schedule[] }>('/v1/schedules?status=pending'), (r) => r.body.schedules.length === 2);
      const nudge = pending.body.schedules.find((s) => s.key === 'nudge')!;

      const other = client(server.url, b.apiKey);
      expect((await other.get<{ schedules: unknown[] }>('/v1/schedules')).body.schedules).toEqual([]);
      expect((await other.call('DELETE', `/v1/schedules/${nudge.id}`)).status).toBe(404);

      const cancelled = await api.call<Schedule>('DELETE', `/v1/schedules/${nudge.id}`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('cancelled');
      expect((await api.call('DELETE', `/v1/schedules/${nudge.id}`)).status).toBe(409);
      expect((await api.call('DELETE', '/v1/schedules/not-a-uuid')).status).toBe(400);

      // "never mind": the flow's unschedule cancels the reminder before it is due.
      await say(server, a, phone, 'never mind', `wamid.C2${phone}`);
      await until(() => api.get<{ schedules: Schedule[] }>('/v1/schedules?status=pending'), (r) => r.body.schedules.length === 0);
      await new Promise((r) => setTimeout(r, 3500));
      expect(textsTo(phone)).not.toContain('Still deciding, Sheena Nelson?');
      expect(textsTo(phone)).not.toContain('Reminder: your pizza is waiting in the cart.');
    } finally {
      await server.stop();
    }
  });
});
