import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Recorder } from './fakes/http-recorder.js';
import { signMeta, startFakeMeta } from './fakes/meta.js';
import { startFakeSlack } from './fakes/slack.js';
import { startFakeTwilio } from './fakes/twilio.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { twoTenants, type TestTenant } from './support/tenants.js';

const SHOP_BOT = readFileSync(new URL('./fixtures/channels/shop-bot.yaml', import.meta.url), 'utf8');
const ACCOUNT_SID = `AC${'0'.repeat(32)}`;

let server: TestApp;
let meta: Recorder;
let slack: Recorder;
let twilio: Recorder;
beforeAll(async () => {
  [meta, slack, twilio] = await Promise.all([startFakeMeta(), startFakeSlack(), startFakeTwilio()]);
  server = await startApp({ env: { MCP_OUTBOX_POLL_MS: '20' } });
});
afterAll(async () => {
  await server.stop();
  await Promise.all([meta.close(), slack.close(), twilio.close()]);
});

async function deploy(tenant: TestTenant) {
  const api = client(server.url, tenant.apiKey);
  const flow = await api.post<{ id: string }>('/v1/flows', SHOP_BOT);
  await api.post(`/v1/flows/${flow.body.id}/publish`);
  await api.post(`/v1/flows/${flow.body.id}/default`);
  return api;
}

const phoneId = () => `3${Date.now()}${Math.floor(Math.random() * 1000)}`.slice(0, 15);

describe('starting conversations from the API', () => {
  it('sends a WhatsApp template once per idempotency key, and the user’s reply continues that conversation', async () => {
    const [tenant, other] = await twoTenants(server.app);
    const api = await deploy(tenant);
    const phone = phoneId();
    await api.call('PUT', '/v1/channels/whatsapp', { config: { phoneNumberId: phone, accessToken: 'tok', appSecret: 'app-secret', verifyToken: 'v', graphApiBaseUrl: meta.url, typingIndicator: true } });
    const request = { channel: 'whatsapp', to: '15551230001', idempotencyKey: `order-${phone}`, template: { name: 'order_shipped', language: 'en_US', params: ['12345'] } };
    // Counted before the request: the outbox may send before the reply to it arrives.
    const sentBefore = meta.received.length;
    const first = await api.post<{ conversationId: string; created: boolean }>('/v1/conversations', request);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ conversationId: `whatsapp:${phone}:15551230001`, channel: 'whatsapp', created: true });
    const [sent] = (await meta.waitFor(sentBefore + 1)).filter((r) => r.path === `/v21.0/${phone}/messages`);
    expect(sent!.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '15551230001',
      type: 'template',
      template: { name: 'order_shipped', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: '12345' }] }] },
    });

    const repeat = await api.post<{ conversationId: string; created: boolean }>('/v1/conversations', request);
    expect(repeat.status).toBe(200);
    expect(repeat.body).toMatchObject({ conversationId: first.body.conversationId, created: false });
    const reused = await api.post<{ error: { code: string } }>('/v1/conversations', { ...request, template: { ...request.template, params: ['999'] } });
    expect(reused.status).toBe(409);
    await new Promise((r) => setTimeout(r, 200));
    expect(meta.received.filter((r) => r.path === `/v21.0/${phone}/messages`)).toHaveLength(1);


    // The user answers: the webhook's conversation key is the started one.
    const answer = readFileSync(new URL('./fixtures/channels/whatsapp-text.json', import.meta.url), 'utf8').replaceAll('106540352242922', phone).replaceAll('16505551234', '15551230001');
    const hook = await fetch(`${server.url}/v1/channels/${tenant.slug}/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMeta('app-secret', answer) }, body: answer });
    expect(hook.status).toBe(200);
    type Transcript = { messages: { direction: string; text: string | null; reply: { template?: unknown } | null }[] };
    let transcript = await api.get<Transcript>(`/v1/conversations/${first.body.conversationId}/messages`);
    for (let i = 0; i < 200 && transcript.body.messages.length < 2; i += 1) {
      await new Promise((r) => setTimeout(r, 50));
      transcript = await api.get<Transcript>(`/v1/conversations/${first.body.conversationId}/messages`);
    }
    // Meta showed "typing…" for it, on the number it was written to.
    expect(meta.received.some((r) => r.path === `/v21.0/${phone}/messages` && r.body.status === 'read' && (r.body.typing_indicator as { type?: string } | undefined)?.type === 'text')).toBe(true);
    expect(transcript.body.messages[0]).toMatchObject({ direction: 'outbound', reply: { template: { name: 'order_shipped', language: 'en_US', params: ['12345'] } } });
    expect(transcript.body.messages[1]).toMatchObject({ direction: 'inbound', text: 'where is my order' });
    // Another workspace's key space is its own, and it cannot read this conversation.
    expect((await client(server.url, other.apiKey).get(`/v1/conversations/${first.body.conversationId}/messages`)).status).toBe(404);
  });

  it('refuses free-form text outside the 24-hour window, or sends the configured window template instead', async () => {
    const [tenant] = await twoTenants(server.app);
    const api = await deploy(tenant);
    const phone = phoneId();
    const config = { phoneNumberId: phone, accessToken: 'tok', appSecret: 'app-secret', verifyToken: 'v', graphApiBaseUrl: meta.url };
    await api.call('PUT', '/v1/channels/whatsapp', { config });
    const refused = await api.post<{ error: { code: string; message: string; details: { reason: string } } }>('/v1/conversations', { channel: 'whatsapp', to: '15551230002', idempotencyKey: `t-${phone}`, text: 'Hello!' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('outside the 24-hour customer-service window');
    expect(refused.body.error.details.reason).toBe('whatsapp_window_closed');
    // Nothing half-done: the key is free again and no conversation was created.
    expect((await api.get<{ conversations: unknown[] }>('/v1/conversations?channel=whatsapp')).body.conversations).toEqual([]);

    await api.call('PUT', '/v1/channels/whatsapp', { config: { ...config, windowTemplate: { name: 'reopen_chat', language: 'en' } } });
    const before = meta.received.length;
    expect((await api.post('/v1/conversations', { channel: 'whatsapp', to: '15551230002', idempotencyKey: `t-${phone}`, text: 'Hello!' })).status).toBe(201);
    const [sent] = (await meta.waitFor(before + 1)).slice(before).filter((r) => r.path === `/v21.0/${phone}/messages`);
    expect(sent!.body).toMatchObject({ type: 'template', template: { name: 'reopen_chat', language: { code: 'en' } } });
  });

  it('opens a Slack DM, places an outbound call, and refuses bad requests clearly', async () => {
    const [tenant] = await twoTenants(server.app);
    const api = await deploy(tenant);
    await api.call('PUT', '/v1/channels/slack', { config: { botToken: 'xoxb-1', signingSecret: 's', apiBaseUrl: slack.url } });
    const user = `U${Date.now()}`;
    const dm = await api.post<{ conversationId: string }>('/v1/conversations', { channel: 'slack', to: user, idempotencyKey: `dm-${user}`, text: 'Your report is ready.' });
    expect(dm.status).toBe(201);
    expect(dm.body.conversationId).toBe(`slack:T0001:D${user}`);
    // The post goes out through the outbox, perhaps before the reply to the request arrives.
    const posts = () => slack.received.filter((r) => r.body.channel === `D${user}`);
    for (let i = 0; i < 200 && posts().length === 0; i += 1) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 100)); // and no second one
    expect(posts().map((p) => p.body)).toEqual([{ channel: `D${user}`, text: 'Your report is ready.' }]);

    await api.call('PUT', '/v1/channels/voice', { config: { accountSid: ACCOUNT_SID, authToken: 'twilio-token', apiBaseUrl: twilio.url } });
    const noCaller = await api.post<{ error: { message: string } }>('/v1/conversations', { channel: 'voice', to: '+15557654321', idempotencyKey: `call-${user}`, text: 'Hi' });
    expect(noCaller.status).toBe(400);
    expect(noCaller.body.error.message).toContain('callerId');
    await api.call('PUT', '/v1/channels/voice', { config: { accountSid: ACCOUNT_SID, apiBaseUrl: twilio.url, callerId: '+15550001111', webhookUrl: `https://bot.example.com/v1/channels/${tenant.slug}/voice` } });
    const before = twilio.received.length;
    const callStart = await api.post<{ conversationId: string }>('/v1/conversations', { channel: 'voice', to: '+15557654321', idempotencyKey: `call-${user}`, text: 'Your table is ready. Shall we keep it?' });
    expect(callStart.status).toBe(201);
    const [placed] = (await twilio.waitFor(before + 1)).slice(before);
    expect(placed!.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`);
    expect(placed!.body).toMatchObject({ To: '+15557654321', From: '+15550001111' });
    expect(placed!.body.Twiml).toContain(`<Gather input="dtmf speech" action="https://bot.example.com/v1/channels/${tenant.slug}/voice"`);
    expect(placed!.body.Twiml).toContain('Your table is ready. Shall we keep it?');
    expect(callStart.body.conversationId).toMatch(/^voice:CA/);

    const bad = await api.post<{ error: { message: string } }>('/v1/conversations', { channel: 'slack', to: '+1555', idempotencyKey: 'x', text: 'hi' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('Slack user id');
    expect((await api.post('/v1/conversations', { channel: 'slack', to: user, idempotencyKey: 'y' })).status).toBe(400);
    expect((await api.post('/v1/conversations', { channel: 'messenger', to: user, idempotencyKey: 'z', text: 'hi' })).status).toBe(400);
    expect((await api.post('/v1/conversations', { channel: 'slack', to: user, idempotencyKey: 'z', template: { name: 'a', language: 'en' } })).status).toBe(400);
  });
});
