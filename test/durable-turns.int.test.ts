import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Recorder } from './fakes/http-recorder.js';
import { signMeta, startFakeMeta } from './fakes/meta.js';
import { TEST_DATABASE_URL } from './support/env.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant, type TestTenant, twoTenants } from './support/tenants.js';

/** A flow whose every reply names the message and the turn count, so duplicates and losses show. */
const ECHO = `
name: echo
start: listen
states:
  listen:
    type: intent
    transitions:
      - to: reply
        actions: [{ increment: vars.count }]
  reply:
    type: response
    say: "got {{ message.text }} #{{ vars.count }}"
    next: listen
`;

const APP_NAME = 'durable-turns-test';

let server: TestApp;
let meta: Recorder;
let db: pg.Client;
beforeAll(async () => {
  meta = await startFakeMeta();
  server = await startApp({
    env: {
      // Named, so that the connection-killing test ends this app's connections and no other test file's.
      DATABASE_URL: `${TEST_DATABASE_URL}?application_name=${APP_NAME}`,
      MCP_OUTBOX_POLL_MS: '20',
      MCP_OUTBOX_BACKOFF_BASE_MS: '10',
      MCP_OUTBOX_BACKOFF_MAX_MS: '50',
    },
  });
  db = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await db.connect();
});
afterAll(async () => {
  await db.end();
  await server.stop();
  await meta.close();
});

async function deployEcho(tenant: TestTenant): Promise<void> {
  const api = client(server.url, tenant.apiKey);
  const flow = await api.post<{ id: string }>('/v1/flows', ECHO);
  expect(flow.status).toBe(201);
  await api.post(`/v1/flows/${flow.body.id}/publish`);
  await api.post(`/v1/flows/${flow.body.id}/default`);
}

/**
 * A conversation's transcript, read as a client would: a 503 (an outage the test caused) is asked
 * again; a conversation not there yet reads as empty; anything else but 200 fails.
 */
async function texts(api: ReturnType<typeof client>, conversation: string): Promise<string[]> {
  for (let attempt = 0; ; attempt += 1) {
    const read = await api.get<{ messages?: { text: string; direction: string }[] }>(`/v1/conversations/${conversation}/messages?limit=500`);
    if (read.status === 503 && attempt < 20) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    if (read.status === 404) return [];
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    return (read.body.messages ?? []).map((m) => `${m.direction}:${m.text}`);
  }
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('idempotent messages (client message ids)', () => {
  it('applies 150 concurrent sends of one id once, and answers every one with the same stored result', async () => {
    const tenant = await createTenant(server.app);
    await deployEcho(tenant);
    const api = client(server.url, tenant.apiKey);

    const sends = await Promise.all(Array.from({ length: 150 }, () => api.post<{ turnId: string; replies: { text: string }[] }>('/v1/conversations/dup/messages', { id: 'm-1', text: 'hello' })));
    expect(sends.map((s) => s.status)).toEqual(Array(150).fill(200));
    expect(new Set(sends.map((s) => s.body.turnId)).size).toBe(1);
    expect(sends[0]!.body.replies[0]!.text).toBe('got hello #1');

    // A resend long after, through the header this time, still gets the stored result.
    const again = await api.post<{ turnId: string }>('/v1/conversations/dup/messages', { text: 'hello' }, { 'idempotency-key': 'm-1' });
    expect(again.body.turnId).toBe(sends[0]!.body.turnId);
    const next = await api.post<{ replies: { text: string }[] }>('/v1/conversations/dup/messages', { text: 'two' }, { 'idempotency-key': 'm-2' });
    expect(next.body.replies[0]!.text).toBe('got two #2');
    expect(await texts(api, 'dup')).toEqual(['inbound:hello', 'outbound:got hello #1', 'inbound:two', 'outbound:got two #2']);
  });

  it('recognises an id older than the recent ones kept with the context (the turn log is the record)', async () => {
    const tenant = await createTenant(server.app);
    await deployEcho(tenant);
    const api = client(server.url, tenant.apiKey);
    for (let i = 0; i < 40; i += 1) await api.post('/v1/conversations/long/messages', { id: `k${i}`, text: `n${i}` });
    const old = await api.post<{ replies: { text: string }[] }>('/v1/conversations/long/messages', { id: 'k0', text: 'n0' });
    expect(old.status).toBe(200);
    expect(old.body.replies[0]!.text).toBe('got n0 #1');
    expect((await api.get<{ turn: number }>('/v1/conversations/long')).body.turn).toBe(40);
  });

  it('refuses a malformed Idempotency-Key, or one that disagrees with the body id, before anything runs', async () => {
    const tenant = await createTenant(server.app);
    await deployEcho(tenant);
    const api = client(server.url, tenant.apiKey);
    const spaced = await api.post<{ error: { code: string; message: string } }>('/v1/conversations/bad/messages', { text: 'x' }, { 'idempotency-key': 'has space' });
    expect(spaced.status).toBe(400);
    expect(spaced.body.error.message).toMatch(/Idempotency-Key/);
    const differ = await api.post<{ error: { code: string } }>('/v1/conversations/bad/messages', { id: 'a', text: 'x' }, { 'idempotency-key': 'b' });
    expect(differ.status).toBe(400);
    const tooLong = await api.post('/v1/conversations/bad/messages', { id: 'x'.repeat(101), text: 'x' });
    expect(tooLong.status).toBe(400);
    expect((await api.get('/v1/conversations/bad')).status).toBe(404);
  });

  it('keeps ids per tenant: the same id in another workspace is another message', async () => {
    const [a, b] = await twoTenants(server.app);
    await deployEcho(a);
    await deployEcho(b);
    const first = await client(server.url, a.apiKey).post<{ turnId: string }>('/v1/conversations/same/messages', { id: 'shared', text: 'a' });
    const second = await client(server.url, b.apiKey).post<{ turnId: string; replies: { text: string }[] }>('/v1/conversations/same/messages', { id: 'shared', text: 'b' });
    expect(second.body.turnId).not.toBe(first.body.turnId);
    expect(second.body.replies[0]!.text).toBe('got b #1');
  });
});

describe('one transaction per turn', () => {
  it('stores the inbound message, the replies and the context together, in the order of turns', async () => {
    const tenant = await createTenant(server.app);
    await deployEcho(tenant);
    const api = client(server.url, tenant.apiKey);
    await Promise.all(Array.from({ length: 20 }, (_, i) => api.post('/v1/conversations/ordered/messages', { id: `o${i}`, text: `t${i}` })));
    const stored = await texts(api, 'ordered');
    expect(stored).toHaveLength(40);
    // Every inbound message is followed at once by its own reply: turns never interleave in the transcript.
    for (let i = 0; i < stored.length; i += 2) {
      const text = stored[i]!.replace('inbound:', '');
      expect(stored[i + 1]).toBe(`outbound:got ${text} #${i / 2 + 1}`);
    }
    const { rows } = await db.query('SELECT count(*)::int AS n FROM turn_traces WHERE tenant_id = $1', [tenant.id]);
    expect(rows[0].n).toBe(20);
  });

  it('survives PostgreSQL connections killed mid-load: failed turns answer 503 with Retry-After, retries apply once, the process keeps serving', async () => {
    const tenant = await createTenant(server.app);
    await deployEcho(tenant);
    const api = client(server.url, tenant.apiKey);
    // Kills every connection of the app's pool every 15 ms, for the first two seconds of the load.
    let killing = false;
    const killer = setInterval(() => {
      if (killing) return;
      killing = true;
      db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`, [APP_NAME])
        .catch(() => undefined)
        .finally(() => (killing = false));
    }, 15);
    const stopKilling = setTimeout(() => clearInterval(killer), 2_000);
    const statuses: number[] = [];
    try {
      await Promise.all(
        Array.from({ length: 4 }, async (_, c) => {
          for (let i = 0; i < 8; i += 1) {
            // The client retries the same id until it is acknowledged, as a real client would after a 503.
            for (let attempt = 0; attempt < 200; attempt += 1) {
              const sent = await api.post(`/v1/conversations/kill-${c}/messages`, { id: `c${c}-${i}`, text: `m${i}` });
              statuses.push(sent.status);
              if (sent.status === 200) break;
              expect(sent.status).toBe(503);
              expect(sent.headers.get('retry-after')).toBeTruthy();
            }
          }
        }),
      );
    } finally {
      clearInterval(killer);
      clearTimeout(stopKilling);
    }
    expect(statuses).not.toContain(500);
    expect(statuses).toContain(503);
    // A kill still in flight may take the pool's idle connections after the load: reads retry its 503 (`texts`).
    for (let c = 0; c < 4; c += 1) {
      const stored = await texts(api, `kill-${c}`);
      expect(stored).toEqual(Array.from({ length: 8 }, (_, i) => [`inbound:m${i}`, `outbound:got m${i} #${i + 1}`]).flat());
    }
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  }, 120_000);
});

describe('webhooks: stored before acknowledged, then processed from the inbox', () => {
  const phoneNumberId = '777000111';
  const whatsapp = () => ({ config: { phoneNumberId, accessToken: 'EAAG-token', appSecret: 'app-secret', verifyToken: 'verify-me', graphApiBaseUrl: meta.url } });
  const message = (waId: string, wamid: string, text: string) =>
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '1555', phone_number_id: phoneNumberId },
                contacts: [{ profile: { name: 'Ann' }, wa_id: waId }],
                messages: [{ from: waId, id: wamid, timestamp: '1749416383', type: 'text', text: { body: text } }],
              },
            },
          ],
        },
      ],
    });
  const post = (tenant: TestTenant, body: string) =>
    fetch(`${server.url}/v1/channels/${tenant.slug}/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMeta('app-secret', body) }, body });

  it('keeps an acknowledged message that cannot run yet, retries it, and answers once the bot can', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    await api.call('PUT', '/v1/channels/whatsapp', whatsapp());
    // No default flow yet: the turn fails, but the platform was told 200 and the message is kept.
    expect((await post(tenant, message('4911', 'wamid.early', 'early bird'))).status).toBe(200);
    const pending = await until(
      async () => (await db.query('SELECT status, attempts, last_error FROM channel_inbox WHERE tenant_id = $1', [tenant.id])).rows,
      (rows) => typeof rows[0]?.last_error === "string",
    );
    expect(pending[0]).toMatchObject({ status: 'pending' });
    expect(pending[0].last_error).toMatch(/default flow/);

    await deployEcho(tenant);
    const conversation = `whatsapp:${phoneNumberId}:4911`;
    const stored = await until(() => texts(api, conversation), (t) => t.length >= 2);
    expect(stored).toEqual(['inbound:early bird', 'outbound:got early bird #1']);
    const sent = await until(async () => meta.received.filter((r) => JSON.stringify(r.body).includes('got early bird')), (r) => r.length >= 1);
    expect(sent).toHaveLength(1);
  });

  it('keeps a message for a conversation a newer engine saved, and answers it once this server can read the conversation', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    await api.call('PUT', '/v1/channels/whatsapp', { config: { ...whatsapp().config, phoneNumberId: '777000333' } });
    await deployEcho(tenant);
    const send = (wamid: string, text: string) => post(tenant, message('4933', wamid, text).replaceAll(phoneNumberId, '777000333'));
    const conversation = 'whatsapp:777000333:4933';
    expect((await send('wamid.first', 'one')).status).toBe(200);
    await until(() => texts(api, conversation), (t) => t.length >= 2);
    // A newer engine (mid rolling update) saves the conversation in a shape this one does not know.
    const where = 'WHERE tenant_id = $1 AND conversation_id = $2';
    await db.query(`UPDATE conversation_contexts SET context = context || '{"v": 99}', version = version + 1 ${where}`, [tenant.id, conversation]);
    expect((await send('wamid.second', 'two')).status).toBe(200);
    const refused = await until(
      async () => (await db.query('SELECT status, last_error FROM channel_inbox WHERE tenant_id = $1 AND last_error IS NOT NULL', [tenant.id])).rows,
      (rows) => rows.length > 0,
    );
    expect(refused[0]).toMatchObject({ status: 'pending', last_error: expect.stringContaining('newer version of the engine') });
    expect(await texts(api, conversation)).toEqual(['inbound:one', 'outbound:got one #1']);

    // Once every server reads it (here: the state is one this server writes), the kept message is answered.
    await db.query(`UPDATE conversation_contexts SET context = context || '{"v": 2}' ${where}`, [tenant.id, conversation]);
    const answered = await until(() => texts(api, conversation), (t) => t.length >= 4);
    expect(answered).toEqual(['inbound:one', 'outbound:got one #1', 'inbound:two', 'outbound:got two #2']);
  });

  it('processes a burst of one user in arrival order, and drops a redelivered message by its platform id', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    await api.call('PUT', '/v1/channels/whatsapp', { config: { ...whatsapp().config, phoneNumberId: '777000222' } });
    await deployEcho(tenant);
    const burst = (i: number) => message('4922', `wamid.burst-${i}`, `b${i}`).replaceAll(phoneNumberId, '777000222');
    for (let i = 0; i < 10; i += 1) expect((await post(tenant, burst(i))).status).toBe(200);
    expect((await post(tenant, burst(3))).status).toBe(200);
    const conversation = 'whatsapp:777000222:4922';
    const stored = await until(() => texts(api, conversation), (t) => t.length >= 20);
    expect(stored).toEqual(Array.from({ length: 10 }, (_, i) => [`inbound:b${i}`, `outbound:got b${i} #${i + 1}`]).flat());
  });
});
