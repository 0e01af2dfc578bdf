import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Recorder } from './fakes/http-recorder.js';
import { signMeta, startFakeMeta } from './fakes/meta.js';
import { TEST_DATABASE_URL } from './support/env.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant, type TestTenant, twoTenants } from './support/tenants.js';
import pg from 'pg';

const SHOP_BOT = readFileSync(new URL('./fixtures/channels/shop-bot.yaml', import.meta.url), 'utf8');
const fixture = (name: string) => readFileSync(new URL(`./fixtures/channels/${name}`, import.meta.url), 'utf8');

let server: TestApp;
let meta: Recorder;
beforeAll(async () => {
  meta = await startFakeMeta();
  server = await startApp({ env: { MCP_OUTBOX_POLL_MS: '20', MCP_OUTBOX_BACKOFF_BASE_MS: '10', MCP_OUTBOX_BACKOFF_MAX_MS: '50' } });
});
afterAll(async () => {
  await server.stop();
  await meta.close();
});

async function deploy(tenant: TestTenant): Promise<void> {
  const api = client(server.url, tenant.apiKey);
  const created = await api.post<{ id: string }>('/v1/flows', SHOP_BOT);
  await api.post(`/v1/flows/${created.body.id}/publish`);
  await api.post(`/v1/flows/${created.body.id}/default`);
}

const whatsappConfig = (phoneNumberId = '106540352242922') => ({
  config: { phoneNumberId, accessToken: 'EAAG-secret-token', appSecret: 'app-secret', verifyToken: 'verify-me', graphApiBaseUrl: meta.url },
});

/** Posts a body to a tenant's webhook, signed like Meta signs it. */
function postMeta(tenant: TestTenant, channel: string, body: string, secret = 'app-secret') {
  return fetch(`${server.url}/v1/channels/${tenant.slug}/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMeta(secret, body) },
    body,
  });
}

describe('channel settings API', () => {
  it('lists channel kinds with the JSON Schema of their settings', async () => {
    const tenant = await createTenant(server.app);
    const kinds = await client(server.url, tenant.apiKey).get<{ kinds: { id: string; configSchema: { properties: Record<string, unknown> }; secretFields: string[] }[] }>('/v1/channels/kinds');
    expect(kinds.status).toBe(200);
    expect(kinds.body.kinds.map((k) => k.id)).toEqual(['web', 'whatsapp', 'messenger', 'slack', 'voice']);
    const whatsapp = kinds.body.kinds.find((k) => k.id === 'whatsapp')!;
    expect(Object.keys(whatsapp.configSchema.properties)).toContain('phoneNumberId');
    expect(whatsapp.secretFields).toEqual(['accessToken', 'appSecret', 'verifyToken']);
  });

  it('lets whoever reads conversations list the channel kinds (the conversation filter), and nobody else', async () => {
    const tenant = await createTenant(server.app);
    const asKey = async (scope: 'conversations:read' | 'analytics:read') => client(server.url, (await server.app.security.createApiKey(tenant.id, { name: scope, scopes: [scope] })).secret);
    const reader = await (await asKey('conversations:read')).get<{ kinds: { id: string }[] }>('/v1/channels/kinds');
    expect(reader.status).toBe(200);
    expect(reader.body.kinds.map((k) => k.id)).toContain('whatsapp');
    expect((await (await asKey('analytics:read')).get('/v1/channels/kinds')).status).toBe(403);
  });

  it('stores secrets encrypted, never returns them, keeps them when left out, and isolates tenants', async () => {
    const [a, b] = await twoTenants(server.app);
    const apiA = client(server.url, a.apiKey);
    const apiB = client(server.url, b.apiKey);
    const put = await apiA.call('PUT', '/v1/channels/whatsapp', whatsappConfig());
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ channel: 'whatsapp', enabled: true, secretsSet: ['accessToken', 'appSecret', 'verifyToken'], webhookPath: `/v1/channels/${a.slug}/whatsapp` });
    expect(JSON.stringify(put.body)).not.toContain('EAAG-secret-token');
    expect((put.body.config as Record<string, unknown>).graphApiVersion).toBe('v21.0');

    // Only the non-secret fields change; the credentials stay.
    const update = await apiA.call('PUT', '/v1/channels/whatsapp', { config: { phoneNumberId: '999', graphApiBaseUrl: meta.url } });
    expect(update.status).toBe(200);
    expect(update.body).toMatchObject({ config: { phoneNumberId: '999' }, secretsSet: ['accessToken', 'appSecret', 'verifyToken'] });

    const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT settings::text, secrets FROM channel_configs WHERE tenant_id = $1', [a.id]);
      expect(rows[0].settings).not.toContain('EAAG');
      expect(rows[0].secrets).toMatch(/^v1\./);
      expect(rows[0].secrets).not.toContain('EAAG');
    } finally {
      await db.end();
    }

    expect((await apiB.get('/v1/channels/whatsapp')).status).toBe(404);
    expect((await apiB.get<{ channels: unknown[] }>('/v1/channels')).body.channels).toEqual([]);
    expect((await apiA.get<{ channels: unknown[] }>('/v1/channels')).body.channels).toHaveLength(1);
    expect((await apiB.call('DELETE', '/v1/channels/whatsapp')).status).toBe(404);
    expect((await apiA.call('DELETE', '/v1/channels/whatsapp')).status).toBe(204);
    expect((await apiA.get('/v1/channels/whatsapp')).status).toBe(404);
  });

  it('rejects bad settings with the path of the problem', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    const missing = await api.call<{ error: { code: string; details: { issues: { path: string }[] } } }>('PUT', '/v1/channels/whatsapp', { config: { phoneNumberId: '1' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.issues.map((i) => i.path)).toContain('config.accessToken');
    expect((await api.call('PUT', '/v1/channels/telegram', { config: {} })).status).toBe(400);
    expect((await api.call('PUT', '/v1/channels/voice', { config: { accountSid: 'nope', authToken: 'x' } })).status).toBe(400);
    expect((await api.call('PUT', '/v1/channels/whatsapp', 'not json', { 'content-type': 'application/json' })).status).toBe(400);
  });

  it('refuses other base URLs unless the operator allows them (SSRF)', async () => {
    const strict = await startApp({ env: { MCP_CHANNEL_BASE_URL_OVERRIDE: 'false' } });
    try {
      const tenant = await createTenant(strict.app);
      const refused = await client(strict.url, tenant.apiKey).call<{ error: { message: string } }>('PUT', '/v1/channels/whatsapp', whatsappConfig());
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toContain('MCP_CHANNEL_BASE_URL_OVERRIDE');
      const { graphApiBaseUrl: _, ...config } = whatsappConfig().config;
      expect((await client(strict.url, tenant.apiKey).call('PUT', '/v1/channels/whatsapp', { config })).status).toBe(200);
    } finally {
      await strict.stop();
    }
  });

  it('needs channels permissions', async () => {
    expect((await client(server.url).get('/v1/channels')).status).toBe(401);
  });
});

describe('WhatsApp webhooks', () => {
  it('answers the verification handshake only with the right verify token', async () => {
    const tenant = await createTenant(server.app);
    await client(server.url, tenant.apiKey).call('PUT', '/v1/channels/whatsapp', whatsappConfig());
    const base = `${server.url}/v1/channels/${tenant.slug}/whatsapp`;
    const ok = await fetch(`${base}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    expect((await fetch(`${base}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`)).status).toBe(403);
    expect((await fetch(`${server.url}/v1/channels/no-such-tenant/whatsapp?hub.mode=subscribe`)).status).toBe(404);
    expect((await fetch(`${server.url}/v1/channels/${tenant.slug}/messenger?hub.mode=subscribe`)).status).toBe(404);
  });

  it('refuses unsigned or wrongly signed bodies', async () => {
    const tenant = await createTenant(server.app);
    await client(server.url, tenant.apiKey).call('PUT', '/v1/channels/whatsapp', whatsappConfig());
    const body = fixture('whatsapp-text.json');
    expect((await postMeta(tenant, 'whatsapp', body, 'other-secret')).status).toBe(401);
    const unsigned = await fetch(`${server.url}/v1/channels/${tenant.slug}/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    // A signature over other bytes (whitespace changed) does not pass either.
    const reformatted = await fetch(`${server.url}/v1/channels/${tenant.slug}/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMeta('app-secret', body) },
      body: JSON.stringify(JSON.parse(body)),
    });
    expect(reformatted.status).toBe(401);
    const broken = await postMeta(tenant, 'whatsapp', '{not json');
    expect(broken.status).toBe(400);
  });

  it('runs a conversation: text in, buttons out through the Graph API, duplicates dropped, statuses recorded', async () => {
    const tenant = await createTenant(server.app);
    await deploy(tenant);
    const phoneNumberId = `pn${tenant.slug.replace(/-/g, '')}`;
    await client(server.url, tenant.apiKey).call('PUT', '/v1/channels/whatsapp', whatsappConfig(phoneNumberId));
    const body = fixture('whatsapp-text.json').replaceAll('106540352242922', phoneNumberId);
    const before = meta.received.length;

    const first = await postMeta(tenant, 'whatsapp', body);
    expect(first.status).toBe(200);
    expect((await postMeta(tenant, 'whatsapp', body)).status).toBe(200); // Meta's retry of the same message

    const sent = (await meta.waitFor(before + 2)).slice(before).filter((r) => r.path.includes(phoneNumberId));
    expect(sent).toHaveLength(2);
    expect(sent[0]!.path).toBe(`/v21.0/${phoneNumberId}/messages`);
    expect(sent[0]!.headers.authorization).toBe('Bearer EAAG-secret-token');
    expect(sent[0]!.body).toMatchObject({
      messaging_product: 'whatsapp',
      to: '16505551234',
      type: 'interactive',
      interactive: { type: 'button', body: { text: 'Hi Sheena Nelson! What can I do?' }, action: { buttons: [{ type: 'reply', reply: { id: 'track_order', title: 'Track an order' } }, { type: 'reply', reply: { id: 'human' } }] } },
    });
    expect(sent.slice(1).map((r) => (r.body.text as { body: string }).body)).toEqual(['Your order is on its way.']);

    const conversationId = `whatsapp:${phoneNumberId}:16505551234`;
    const api = client(server.url, tenant.apiKey);
    const history = await api.get<{ messages: { direction: string; text: string; externalId?: string }[] }>(`/v1/conversations/${conversationId}/messages`);
    // The duplicate was dropped: one inbound message, not two.
    expect(history.body.messages.filter((m) => m.direction === 'inbound')).toHaveLength(1);

    // Wait until the outbox recorded the platform ids, then report statuses for them.
    let entries: { externalId: string | null; status: string }[] = [];
    for (let i = 0; i < 200 && !(entries.length === 2 && entries.every((e) => e.status === 'sent')); i += 1) {
      entries = (await api.get<{ entries: typeof entries }>('/v1/channels/outbox')).body.entries;
      await new Promise((r) => setTimeout(r, 20));
    }
    const wamid = entries.find((e) => e.externalId !== null)!.externalId!;
    const statuses = fixture('whatsapp-statuses.json').replace('wamid.OUTBOUND_ID', wamid).replaceAll('106540352242922', phoneNumberId);
    expect((await postMeta(tenant, 'whatsapp', statuses)).status).toBe(200);
    let delivered: { delivery?: { status: string } }[] = [];
    for (let i = 0; i < 200 && delivered.length === 0; i += 1) {
      const all = (await api.get<{ messages: { direction: string; delivery?: { status: string } }[] }>(`/v1/conversations/${conversationId}/messages`)).body.messages;
      delivered = all.filter((m) => m.delivery?.status === 'delivered');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(delivered).toHaveLength(1);
    // Status events are never user messages.
    const after = await api.get<{ messages: { direction: string }[] }>(`/v1/conversations/${conversationId}/messages`);
    expect(after.body.messages.filter((m) => m.direction === 'inbound')).toHaveLength(1);
  });

  it('does not deliver to another tenant: the slug picks the tenant, its secret checks the body', async () => {
    const [a, b] = await twoTenants(server.app);
    await client(server.url, a.apiKey).call('PUT', '/v1/channels/whatsapp', whatsappConfig());
    await client(server.url, b.apiKey).call('PUT', '/v1/channels/whatsapp', { config: { ...whatsappConfig().config, appSecret: 'b-secret' } });
    expect((await postMeta(b, 'whatsapp', fixture('whatsapp-text.json'), 'app-secret')).status).toBe(401);
  });
});

describe('Messenger webhooks', () => {
  it('answers text with a button template, postbacks run the flow, echoes are ignored', async () => {
    const tenant = await createTenant(server.app);
    await deploy(tenant);
    const api = client(server.url, tenant.apiKey);
    await api.call('PUT', '/v1/channels/messenger', {
      config: { pageId: 'PAGE_ID', pageAccessToken: 'page-token', appSecret: 'app-secret', verifyToken: 'v', graphApiBaseUrl: meta.url },
    });
    const psid = `PSID_${tenant.slug.replace(/-/g, '')}`;
    const body = fixture('messenger-events.json').replaceAll('PSID_1', psid).replaceAll('"m_', `"m_${psid}_`);
    const before = meta.received.length;
    expect((await postMeta(tenant, 'messenger', body)).status).toBe(200);

    // text → welcome (template) + fallback; quick reply track_order → tracked; postback human → handoff.
    const conversationId = `messenger:PAGE_ID:${psid}`;
    let messages: { direction: string; text: string }[] = [];
    for (let i = 0; i < 300 && messages.filter((m) => m.direction === 'inbound').length < 3; i += 1) {
      messages = (await api.get<{ messages: typeof messages }>(`/v1/conversations/${conversationId}/messages`)).body.messages ?? [];
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(messages.filter((m) => m.direction === 'inbound').map((m) => m.text)).toEqual(['where is my order', 'Track an order', 'Talk to a person']);
    const mine = (await meta.waitFor(before + 4)).slice(before).filter((r) => (r.body.recipient as { id: string } | undefined)?.id === psid);
    expect(mine[0]!.path).toBe('/v21.0/me/messages');
    expect(mine[0]!.headers.authorization).toBe('Bearer page-token');
    expect(mine[0]!.body.message).toMatchObject({ attachment: { type: 'template', payload: { template_type: 'button', text: 'Hi there! What can I do?' } } });
    const summary = await api.get(`/v1/conversations/${conversationId}`);
    expect(summary.body).toMatchObject({ status: 'handoff', handoff: { by: 'flow' } });
  });
});
