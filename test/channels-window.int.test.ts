import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Recorder } from './fakes/http-recorder.js';
import { signMeta, startFakeMeta } from './fakes/meta.js';
import { manualClock } from './support/clock.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant } from './support/tenants.js';

const SHOP_BOT = readFileSync(new URL('./fixtures/channels/shop-bot.yaml', import.meta.url), 'utf8');
const WHATSAPP_TEXT = readFileSync(new URL('./fixtures/channels/whatsapp-text.json', import.meta.url), 'utf8');

const clock = manualClock();
let server: TestApp;
let meta: Recorder;
beforeAll(async () => {
  meta = await startFakeMeta();
  server = await startApp({ clock, env: { MCP_OUTBOX_POLL_MS: '20' } });
});
afterAll(async () => {
  await server.stop();
  await meta.close();
});

describe('WhatsApp 24-hour window', () => {
  it('lets an agent answer inside it; outside it refuses a free-form reply clearly, or sends the window template', async () => {
    const tenant = await createTenant(server.app, 'window');
    const api = client(server.url, tenant.apiKey);
    const flow = await api.post<{ id: string }>('/v1/flows', SHOP_BOT);
    await api.post(`/v1/flows/${flow.body.id}/publish`);
    await api.post(`/v1/flows/${flow.body.id}/default`);
    const phone = `6${Date.now()}`.slice(0, 14);
    const config = { phoneNumberId: phone, accessToken: 'tok', appSecret: 'app-secret', verifyToken: 'v', graphApiBaseUrl: meta.url };
    await api.call('PUT', '/v1/channels/whatsapp', { config });
    const body = WHATSAPP_TEXT.replaceAll('106540352242922', phone).replace('where is my order', 'talk to a person').replace(/wamid\.[A-Za-z0-9=]+/, `wamid.W${phone}`);
    await fetch(`${server.url}/v1/channels/${tenant.slug}/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMeta('app-secret', body) }, body });
    const conversation = `whatsapp:${phone}:16505551234`;
    for (let i = 0; i < 200; i += 1) {
      const summary = await api.get<{ status?: string }>(`/v1/conversations/${conversation}`);
      if (summary.body.status === 'handoff') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const sentTo = () => meta.received.filter((r) => r.path === `/v21.0/${phone}/messages` && r.body.type !== undefined);

    expect((await api.post(`/v1/conversations/${conversation}/agent-reply`, { text: 'Hi, Sam here.' })).status).toBe(201);
    // Waits for that very message: the outbox may send it before the reply to the POST arrives.
    const agentReplySent = () => sentTo().some((r) => JSON.stringify(r.body).includes('Hi, Sam here.'));
    for (let i = 0; i < 200 && !agentReplySent(); i += 1) await new Promise((r) => setTimeout(r, 50));
    expect(agentReplySent()).toBe(true);

    clock.advance(25 * 60 * 60 * 1000);
    const late = await api.post<{ error: { code: string; message: string } }>(`/v1/conversations/${conversation}/agent-reply`, { text: 'Are you still there?' });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toContain('outside the 24-hour customer-service window');
    const transcript = await api.get<{ messages: { text: string }[] }>(`/v1/conversations/${conversation}/messages`);
    expect(transcript.body.messages.map((m) => m.text)).not.toContain('Are you still there?');

    await api.call('PUT', '/v1/channels/whatsapp', { config: { ...config, windowTemplate: { name: 'reopen_chat', language: 'en' } } });
    const before = sentTo().length;
    expect((await api.post(`/v1/conversations/${conversation}/agent-reply`, { text: 'Are you still there?' })).status).toBe(201);
    for (let i = 0; i < 200 && sentTo().length === before; i += 1) await new Promise((r) => setTimeout(r, 50));
    expect(sentTo().at(-1)!.body).toMatchObject({ type: 'template', template: { name: 'reopen_chat', language: { code: 'en' } } });
    expect(sentTo().map((r) => r.body.type)).toContain('text'); // the reply inside the window went as text
  });
});
