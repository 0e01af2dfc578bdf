import { readFileSync } from 'node:fs';
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Recorder } from './fakes/http-recorder.js';
import { signMeta, startFakeMeta } from './fakes/meta.js';
import { manualClock } from './support/clock.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant, type TestTenant } from './support/tenants.js';

const SHOP_BOT = readFileSync(new URL('./fixtures/channels/shop-bot.yaml', import.meta.url), 'utf8');
const TEXT = readFileSync(new URL('./fixtures/channels/whatsapp-text.json', import.meta.url), 'utf8');

interface Entry {
  id: string;
  status: string;
  attempts: number;
  nextAttemptAt: string;
  updatedAt: string;
  lastError: string | null;
  payload: { text?: { body: string }; interactive?: unknown };
}

// The background sends can be slow under a full parallel run; `until` waits up to 30 s for them.
vi.setConfig({ testTimeout: 120_000 });

const clock = manualClock();
let server: TestApp;
// A fake Graph API per test: answers scripted for one test can never be taken by another's sends.
let meta: Recorder;
beforeEach(async () => {
  meta = await startFakeMeta();
});
afterEach(async () => {
  await meta.close();
});
beforeAll(async () => {
  server = await startApp({
    clock,
    // The manual clock must not meet other files' outbox workers on the shared database.
    ownDatabase: true,
    env: { MCP_OUTBOX_POLL_MS: '20', MCP_OUTBOX_MAX_ATTEMPTS: '2', MCP_OUTBOX_BACKOFF_BASE_MS: '1000', MCP_OUTBOX_BACKOFF_MAX_MS: '1000' },
  });
});
afterAll(async () => {
  await server.stop();
});

/** A tenant on WhatsApp with the shop bot, and its own phone number id (so fake requests can be told apart). */
async function whatsappTenant(): Promise<{ tenant: TestTenant; phone: string; say(text: string, id: string): Promise<void> }> {
  const tenant = await createTenant(server.app);
  const api = client(server.url, tenant.apiKey);
  const created = await api.post<{ id: string }>('/v1/flows', SHOP_BOT);
  await api.post(`/v1/flows/${created.body.id}/publish`);
  await api.post(`/v1/flows/${created.body.id}/default`);
  const phone = `pn${tenant.slug.replace(/-/g, '')}`;
  await api.call('PUT', '/v1/channels/whatsapp', { config: { phoneNumberId: phone, accessToken: 't', appSecret: 's', verifyToken: 'v', graphApiBaseUrl: meta.url } });
  return {
    tenant,
    phone,
    async say(text, id) {
      const body = TEXT.replaceAll('106540352242922', phone).replace('where is my order', text).replace(/"id": "wamid[^"]+"/, `"id": "${id}"`);
      const response = await fetch(`${server.url}/v1/channels/${tenant.slug}/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMeta('s', body) }, body });
      expect(response.status).toBe(200);
    },
  };
}

/** Polls until `done`; generous, because a full parallel test run can slow the background sends a lot. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 1500; i += 1) {
    const value = await read();
    if (done(value)) return value;
    await sleep(20);
  }
  throw new Error('condition not reached');
}

const sentTo = (phone: string) => meta.received.filter((r) => r.path.includes(phone));

describe('outbox', () => {
  it('honours 429 + Retry-After and keeps the conversation’s order while it waits', async () => {
    const { tenant, phone, say } = await whatsappTenant();
    const api = client(server.url, tenant.apiKey);
    meta.script({ status: 429, headers: { 'retry-after': '120' }, body: { error: { message: 'Too many messages', code: 130429 } } });
    await say('where is my order', `wamid.${phone}.1`);

    const waiting = await until(
      async () => (await api.get<{ entries: Entry[] }>('/v1/channels/outbox?status=pending')).body.entries,
      (entries) => entries.some((e) => e.attempts === 1 && e.lastError !== null),
    );
    const failed = waiting.find((e) => e.attempts === 1)!;
    expect(failed.lastError).toContain('HTTP 429');
    expect(failed.lastError).toContain('Too many messages');
    expect(Date.parse(failed.nextAttemptAt) - Date.parse(failed.updatedAt)).toBeGreaterThanOrEqual(120_000);
    // The second reply of the conversation waits behind the first.
    expect(sentTo(phone)).toHaveLength(1);

    clock.advance(121_000);
    await until(async () => sentTo(phone).length, (n) => n >= 3);
    const order = sentTo(phone).map((r) => (r.body.text as { body: string } | undefined)?.body ?? 'buttons');
    expect(order).toEqual(['buttons', 'buttons', 'Your order is on its way.']);
  });

  it('dead-letters a refused send, shows it, and sends it again on retry', async () => {
    const { tenant, phone, say } = await whatsappTenant();
    const api = client(server.url, tenant.apiKey);
    meta.script({ status: 400, body: { error: { message: '(#131030) Recipient phone number not in allowed list' } } });
    await say('where is my order', `wamid.${phone}.1`);

    const dead = await until(
      async () => (await api.get<{ entries: Entry[] }>('/v1/channels/outbox?status=dead')).body.entries,
      (entries) => entries.length === 1,
    );
    expect(dead[0]!.lastError).toContain('Recipient phone number not in allowed list');
    // Dead-lettered, the head no longer blocks the conversation: the next reply went out.
    await until(async () => sentTo(phone).length, (n) => n >= 2);

    const other = await createTenant(server.app);
    expect((await client(server.url, other.apiKey).get<{ entries: Entry[] }>('/v1/channels/outbox?status=dead')).body.entries).toEqual([]);
    expect((await client(server.url, other.apiKey).post(`/v1/channels/outbox/${dead[0]!.id}/retry`)).status).toBe(404);
    expect((await api.post('/v1/channels/outbox/not-a-uuid/retry')).status).toBe(400);

    const retried = await api.post<Entry>(`/v1/channels/outbox/${dead[0]!.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'pending', attempts: 0 });
    await until(async () => (await api.get<{ entries: Entry[] }>('/v1/channels/outbox?status=sent')).body.entries.length, (n) => n === 2);
  });

  it('gives up after the configured number of attempts', async () => {
    const { tenant, phone, say } = await whatsappTenant();
    const api = client(server.url, tenant.apiKey);
    meta.script({ status: 503 }, { status: 503 }, { status: 503 });
    await say('bye', `wamid.${phone}.1`);
    await until(async () => sentTo(phone).length, (n) => n >= 1);
    // Each retry waits its backoff on the app's clock: move it on until the last attempt has failed
    // (polling slowly enough to stay under the API's rate limit on a slow run).
    const dead = await until(
      async () => {
        clock.advance(5_000);
        await sleep(100);
        return (await api.get<{ entries: Entry[] }>('/v1/channels/outbox?status=dead')).body.entries ?? [];
      },
      (entries) => entries.length === 1,
    );
    expect(dead[0]!.attempts).toBeGreaterThanOrEqual(2);
    expect(dead[0]!.lastError).toContain('HTTP 503');
  });
  it('puts a send back in line soon when our own side fails before the platform has it, instead of holding the conversation for the lease', async () => {
    const { tenant, phone, say } = await whatsappTenant();
    const api = client(server.url, tenant.apiKey);
    meta.script({ status: 400, body: { error: { message: '(#131030) Recipient phone number not in allowed list' } } });
    await say('where is my order', `wamid.${phone}.1`);
    const [dead] = await until(async () => (await api.get<{ entries: Entry[] }>('/v1/channels/outbox?status=dead')).body.entries, (entries) => entries.length === 1);
    await until(async () => sentTo(phone).length, (n) => n >= 2);

    // Retried while the channel's settings cannot be read: delivery fails on our side, not the platform's.
    const admin = new pg.Client({ connectionString: server.config.storage.databaseUrl });
    await admin.connect();
    try {
      await admin.query('ALTER TABLE channel_configs RENAME TO channel_configs_away');
      try {
        await api.post(`/v1/channels/outbox/${dead!.id}/retry`);
        const [failed] = await until(
          async () => (await api.get<{ entries: Entry[] }>('/v1/channels/outbox?status=pending')).body.entries,
          (entries) => entries.some((e) => e.lastError?.startsWith('Not sent')),
        );
        expect(failed).toMatchObject({ id: dead!.id, attempts: 1, lastError: 'Not sent: an internal error (see the server log)' });
        // Back in line after the backoff (1 s here), not after the 60 s lease.
        expect(Date.parse(failed!.nextAttemptAt) - Date.parse(failed!.updatedAt)).toBeLessThanOrEqual(1_000);
      } finally {
        await admin.query('ALTER TABLE channel_configs_away RENAME TO channel_configs');
      }
    } finally {
      await admin.end();
    }
    clock.advance(1_000);
    await until(async () => (await api.get<{ entries: Entry[] }>('/v1/channels/outbox?status=sent')).body.entries.length, (n) => n === 2);
  });
});

describe('handoff', () => {
  it('marks the conversation handed off; an agent’s reply goes out through its channel; hand back clears it', async () => {
    const { tenant, phone, say } = await whatsappTenant();
    const api = client(server.url, tenant.apiKey);
    await say('talk to a person', `wamid.${phone}.1`);
    const conversationId = `whatsapp:${phone}:16505551234`;
    await until(async () => (await api.get(`/v1/conversations/${conversationId}`)).body, (c) => c.status === 'handoff');
    await until(async () => sentTo(phone).length, (n) => n >= 2);

    const stored = await server.app.chat.sendAgentReply(tenant.id, conversationId, 'Hi, this is Sam from support.');
    expect(stored).toMatchObject({ direction: 'outbound', author: 'agent', text: 'Hi, this is Sam from support.' });
    const [agent] = (await until(async () => sentTo(phone), (r) => r.length >= 3)).slice(2);
    expect(agent!.body).toMatchObject({ to: '16505551234', type: 'text', text: { body: 'Hi, this is Sam from support.' } });

    const other = await createTenant(server.app);
    await expect(server.app.chat.sendAgentReply(other.id, conversationId, 'x')).rejects.toMatchObject({ code: 'conversation_not_found' });
    await expect(server.app.chat.handBack(other.id, conversationId)).rejects.toMatchObject({ code: 'conversation_not_found' });

    expect(await server.app.chat.handBack(tenant.id, conversationId)).toMatchObject({ status: 'active', handoff: null });
  });
});
