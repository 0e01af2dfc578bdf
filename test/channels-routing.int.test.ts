import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Recorder } from './fakes/http-recorder.js';
import { signMeta, startFakeMeta } from './fakes/meta.js';
import { signTwilio } from './fakes/twilio.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { twoTenants, type TestTenant } from './support/tenants.js';

const bot = (name: string) => readFileSync(new URL(`./fixtures/channels/${name}`, import.meta.url), 'utf8');
const fixture = (name: string) => readFileSync(new URL(`./fixtures/channels/${name}`, import.meta.url), 'utf8');
const ACCOUNT_SID = `AC${'0'.repeat(32)}`;

let server: TestApp;
let meta: Recorder;
beforeAll(async () => {
  meta = await startFakeMeta();
  server = await startApp({ env: { MCP_OUTBOX_POLL_MS: '20' } });
});
afterAll(async () => {
  await server.stop();
  await meta.close();
});

/** A workspace with two bots: shop-bot (the default) and pizza-bot (published, not the default). */
async function workspace(tenant: TestTenant) {
  const api = client(server.url, tenant.apiKey);
  const shop = await api.post<{ id: string }>('/v1/flows', bot('shop-bot.yaml'));
  await api.post(`/v1/flows/${shop.body.id}/publish`);
  await api.post(`/v1/flows/${shop.body.id}/default`);
  const pizza = await api.post<{ id: string }>('/v1/flows', bot('pizza-bot.yaml'));
  expect(pizza.status).toBe(201);
  await api.post(`/v1/flows/${pizza.body.id}/publish`);
  return { api, pizzaId: pizza.body.id };
}

/** The WhatsApp text fixture, sent to `phoneNumberId` by `from`. */
function whatsappText(phoneNumberId: string, from: string, id: string): string {
  return fixture('whatsapp-text.json').replaceAll('106540352242922', phoneNumberId).replaceAll('16505551234', from).replace(/wamid\.[A-Za-z0-9=]+/, id);
}

const postMeta = (tenant: TestTenant, channel: string, body: string) =>
  fetch(`${server.url}/v1/channels/${tenant.slug}/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMeta('app-secret', body) }, body });

describe('several bots per workspace', () => {
  it('routes each WhatsApp number to its flow, replying from that number; other numbers get the default flow', async () => {
    const [tenant] = await twoTenants(server.app);
    const { api, pizzaId } = await workspace(tenant);
    const phone = `2${Date.now()}`.slice(0, 15);
    await api.call('PUT', '/v1/channels/whatsapp', { config: { phoneNumberId: '106540352242922', accessToken: 'tok', appSecret: 'app-secret', verifyToken: 'v', graphApiBaseUrl: meta.url } });
    const route = await api.call('PUT', `/v1/channels/whatsapp/routes/${phone}`, { flowId: pizzaId });
    expect(route.status).toBe(200);
    expect(route.body).toMatchObject({ channel: 'whatsapp', account: phone, flowId: pizzaId });

    const before = meta.received.length;
    expect((await postMeta(tenant, 'whatsapp', whatsappText(phone, '15550000001', `wamid.R1${phone}`))).status).toBe(200);
    expect((await postMeta(tenant, 'whatsapp', whatsappText('999000111', '15550000002', `wamid.R2${phone}`))).status).toBe(200);
    const sent = (await meta.waitFor(before + 6)).slice(before);
    const toPizza = sent.filter((r) => r.body.to === '15550000001');
    const toShop = sent.filter((r) => r.body.to === '15550000002');
    // The routed number's bot (its menu; "order" reads as its order intent, so the size list follows), sent through the number the user wrote to.
    expect(new Set(toPizza.map((r) => r.path))).toEqual(new Set([`/v21.0/${phone}/messages`]));
    expect(toPizza.map((r) => r.body.type)).toEqual(['image', 'text', 'interactive', 'interactive']);
    expect(toPizza[3]!.body).toMatchObject({ interactive: { type: 'list', body: { text: 'Which size?' } } });
    expect(toPizza[1]!.body).toMatchObject({ text: { body: 'Pizza time! Pick one.' } });
    expect(toShop[0]!.path).toBe('/v21.0/999000111/messages');
    expect(toShop[0]!.body).toMatchObject({ type: 'interactive', interactive: { body: { text: 'Hi Sheena Nelson! What can I do?' } } });
  });

  it('routes a Twilio number, a Slack team and the widget key; lists and removes routes', async () => {
    const [tenant] = await twoTenants(server.app);
    const { api, pizzaId } = await workspace(tenant);
    await api.call('PUT', '/v1/channels/voice', { config: { accountSid: ACCOUNT_SID, authToken: 'twilio-token' } });
    expect((await api.call('PUT', '/v1/channels/voice/routes/+15550001111', { flowId: pizzaId })).status).toBe(200);
    expect((await api.call('PUT', `/v1/channels/web/routes/${tenant.widgetKey}`, { flowId: pizzaId })).status).toBe(200);
    expect((await api.call('PUT', '/v1/channels/slack/routes/T0001', { flowId: pizzaId })).status).toBe(200);

    const url = `${server.url}/v1/channels/${tenant.slug}/voice`;
    const call = async (to: string) => {
      const params = { AccountSid: ACCOUNT_SID, CallSid: `CA${to.slice(1)}${'0'.repeat(21)}`.slice(0, 34), From: '+15557654321', To: to, SpeechResult: 'hello', Confidence: '0.9' };
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signTwilio('twilio-token', url, params) }, body: new URLSearchParams(params).toString() });
      return response.text();
    };
    expect(await call('+15550001111')).toContain('Pizza time! Pick one.');
    expect(await call('+15550002222')).toContain('Hi there! What can I do?');

    const web = await client(server.url).post<{ replies: { text: string }[] }>('/v1/webchat/messages', { key: tenant.widgetKey, conversation: 'route-test', id: 'm1', text: 'hi' });
    expect(web.body.replies[0]!.text).toBe('Pizza time! Pick one.');

    const listed = await api.get<{ routes: { account: string }[] }>('/v1/channels/slack/routes');
    expect(listed.body.routes.map((r) => r.account)).toEqual(['T0001']);
    expect((await api.call('DELETE', '/v1/channels/slack/routes/T0001')).status).toBe(204);
    expect((await api.call('DELETE', '/v1/channels/slack/routes/T0001')).status).toBe(404);
  });

  it('refuses a malformed account, an unknown or unpublished flow, and hides routes from other tenants', async () => {
    const [a, b] = await twoTenants(server.app);
    const { api, pizzaId } = await workspace(a);
    const bad = await api.call<{ error: { code: string; message: string } }>('PUT', '/v1/channels/whatsapp/routes/not-a-number', { flowId: pizzaId });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe("'not-a-number' is not a whatsapp phone number id (for example 106540352242922).");
    const voice = await api.call<{ error: { message: string } }>('PUT', '/v1/channels/voice/routes/5550001111', { flowId: pizzaId });
    expect(voice.body.error.message).toContain('E.164');
    expect((await api.call('PUT', '/v1/channels/whatsapp/routes/123456', { flowId: 'flow_nope' })).status).toBe(404);
    expect((await api.call('PUT', '/v1/channels/whatsapp/routes/123456', { flowId: 'has spaces' })).status).toBe(400);
    const draft = await api.post<{ id: string }>('/v1/flows', bot('pizza-bot.yaml').replace('name: pizza-bot', 'name: draft-bot'));
    const unpublished = await api.call<{ error: { code: string } }>('PUT', '/v1/channels/whatsapp/routes/123456', { flowId: draft.body.id });
    expect(unpublished.body.error.code).toBe('flow_not_published');

    expect((await api.call('PUT', '/v1/channels/messenger/routes/104858002312345', { flowId: pizzaId })).status).toBe(200);
    const other = client(server.url, b.apiKey);
    expect((await other.get<{ routes: unknown[] }>('/v1/channels/messenger/routes')).body.routes).toEqual([]);
    expect((await other.call('DELETE', '/v1/channels/messenger/routes/104858002312345')).status).toBe(404);
    // Tenant B cannot route to tenant A's flow either.
    expect((await other.call('PUT', '/v1/channels/messenger/routes/104858002312345', { flowId: pizzaId })).status).toBe(404);
    expect((await api.get<{ routes: unknown[] }>('/v1/channels/messenger/routes')).body.routes).toHaveLength(1);
  });
});
