import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant, type TestTenant } from './support/tenants.js';

const SHOP_BOT = readFileSync(new URL('./fixtures/channels/shop-bot.yaml', import.meta.url), 'utf8');

let server: TestApp;
beforeAll(async () => {
  server = await startApp();
});
afterAll(async () => {
  await server.stop();
});

async function tenantWithBot(allowedOrigins?: string[]): Promise<TestTenant> {
  const tenant = await createTenant(server.app);
  const api = client(server.url, tenant.apiKey);
  const created = await api.post<{ id: string }>('/v1/flows', SHOP_BOT);
  await api.post(`/v1/flows/${created.body.id}/publish`);
  await api.post(`/v1/flows/${created.body.id}/default`);
  if (allowedOrigins) expect((await api.call('PUT', '/v1/channels/web', { config: { allowedOrigins } })).status).toBe(200);
  return tenant;
}

const post = (body: unknown, headers: Record<string, string> = {}) => client(server.url).post<Record<string, unknown>>('/v1/webchat/messages', body, headers);

describe('web chat over HTTP', () => {
  it('answers a message, and a resend with the same id gets the same answer without a second turn', async () => {
    const tenant = await tenantWithBot();
    const message = { key: tenant.widgetKey, conversation: 'visitor-9', id: 'c-1', text: 'where is my order' };
    const [first, resend] = await Promise.all([post(message), post(message)]);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: 'c-1', state: 'ask' });
    expect(resend.body).toEqual(first.body);
    expect((await post(message)).body).toEqual(first.body);

    const api = client(server.url, tenant.apiKey);
    const history = await api.get<{ messages: { direction: string }[] }>('/v1/conversations/web:visitor-9/messages');
    expect(history.body.messages.filter((m) => m.direction === 'inbound')).toHaveLength(1);
    expect((await api.get('/v1/conversations/web:visitor-9')).body).toMatchObject({ turn: 1 });

    // The page reads history (agents' replies included) with its widget key.
    await server.app.chat.sendAgentReply(tenant.id, 'web:visitor-9', 'Sam here.');
    const page = await client(server.url).get<{ messages: { author: string; text: string }[] }>(`/v1/webchat/messages?key=${tenant.widgetKey}&conversation=visitor-9`);
    expect(page.body.messages.at(-1)).toMatchObject({ author: 'agent', text: 'Sam here.' });
  });

  it('accepts JSON sent as text/plain (no CORS preflight) and refuses bad input and keys', async () => {
    const tenant = await tenantWithBot();
    const plain = await post(JSON.stringify({ key: tenant.widgetKey, conversation: 'v2', id: 'a', text: 'hi' }), { 'content-type': 'text/plain' });
    expect(plain.status).toBe(200);
    expect((await post({ key: 'wk_nope', conversation: 'v', id: 'a', text: 'hi' })).status).toBe(401);
    expect((await post({ key: tenant.widgetKey, conversation: 'v', id: 'a' })).status).toBe(400);
    expect((await post({ key: tenant.widgetKey, conversation: 'bad id!', id: 'a', text: 'x' })).status).toBe(400);
    expect((await post('{oops', { 'content-type': 'text/plain' })).status).toBe(400);
  });

  it('checks the page origin against web.allowedOrigins', async () => {
    const tenant = await tenantWithBot(['https://shop.example.com']);
    const message = { key: tenant.widgetKey, conversation: 'v3', id: 'a', text: 'hi' };
    const allowed = await post(message, { origin: 'https://shop.example.com' });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    expect((await post(message, { origin: 'https://evil.example.net' })).status).toBe(403);
    expect((await post(message)).status).toBe(403);
    // Other tenants are unaffected by this tenant's list.
    const other = await tenantWithBot();
    expect((await post({ ...message, key: other.widgetKey }, { origin: 'https://evil.example.net' })).status).toBe(200);
  });
});

describe('web chat over WebSocket', () => {
  function connect(tenant: TestTenant, origin?: string) {
    return new WebSocket(`${server.url.replace('http', 'ws')}/v1/webchat?key=${tenant.widgetKey}&conversation=sock-1`, origin ? { origin } : {});
  }

  it('refuses a page from another origin', async () => {
    const tenant = await tenantWithBot(['https://shop.example.com']);
    const socket = connect(tenant, 'https://evil.example.net');
    const [frames, code] = await new Promise<[unknown[], number]>((resolve) => {
      const got: unknown[] = [];
      socket.on('message', (data) => got.push(JSON.parse(data.toString())));
      socket.on('close', (closeCode) => resolve([got, closeCode]));
    });
    expect(code).toBe(4403);
    expect(frames).toEqual([expect.objectContaining({ type: 'error', error: expect.objectContaining({ code: 'forbidden' }) })]);
  });

  it('answers frames and replays the answer to a resent frame id', async () => {
    const tenant = await tenantWithBot(['https://shop.example.com']);
    const socket = connect(tenant, 'https://shop.example.com');
    const replies: { type: string; id: string; turnId?: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      socket.on('error', reject);
      socket.on('open', () => {
        socket.send(JSON.stringify({ type: 'message', id: 'm1', text: 'where is my order' }));
        socket.send(JSON.stringify({ type: 'message', id: 'm1', text: 'where is my order' }));
      });
      socket.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as { type: string; id: string; turnId?: string };
        if (frame.type === 'reply') replies.push(frame);
        if (replies.length === 2) resolve();
      });
    });
    socket.close();
    expect(replies[0]!.turnId).toBeDefined();
    expect(replies[1]!.turnId).toBe(replies[0]!.turnId);
  });
});
