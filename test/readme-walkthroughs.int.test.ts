/**
 * The README's walkthroughs, followed as a new user follows them: the settings and the flow are read
 * from the README itself (the code block after each `<!-- walkthrough:… -->` marker), so a README
 * that drifts from the product fails here. The only change is where the platform lives: loopback
 * fakes of Meta's Graph API and OpenAI instead of the real ones.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Recorder } from './fakes/http-recorder.js';
import { signMeta, startFakeMeta } from './fakes/meta.js';
import { completion, type FakeOpenAi, startFakeOpenAi } from './fakes/openai.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant } from './support/tenants.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const DEMO_FLOW = readFileSync(new URL('../src/demo/order-support.yaml', import.meta.url), 'utf8');
const WHATSAPP_TEXT = readFileSync(new URL('./fixtures/channels/whatsapp-text.json', import.meta.url), 'utf8');

/** The fenced block right after `<!-- walkthrough:name -->`, without its indentation. */
function walkthroughBlock(name: string): string {
  const match = new RegExp(`<!-- walkthrough:${name} -->\\s*\\n(\\s*)\`\`\`\\w*\\n([\\s\\S]*?)\\n\\s*\`\`\``).exec(README);
  if (!match) throw new Error(`README has no walkthrough block '${name}'`);
  const indent = match[1]!.replace(/\n/g, '');
  return match[2]!.split('\n').map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line)).join('\n');
}

/** The JSON body of the block's first `curl … -d '…'`. */
const curlBody = (block: string): Record<string, Record<string, unknown>> => JSON.parse(/-d '([^']+)'/.exec(block.replace(/\\\n\s*/g, ''))![1]!);

let server: TestApp;
let meta: Recorder;
let openai: FakeOpenAi;
beforeAll(async () => {
  [meta, openai] = await Promise.all([startFakeMeta(), startFakeOpenAi()]);
  server = await startApp({ env: { MCP_OUTBOX_POLL_MS: '20', MCP_SSRF_ALLOW: '127.0.0.1' } });
});
afterAll(async () => {
  await server?.stop();
  await Promise.all([meta?.close(), openai?.close()]);
});

async function deploy(api: ReturnType<typeof client>, yaml: string): Promise<void> {
  const flow = await api.post<{ id: string }>('/v1/flows', yaml);
  expect(flow.status).toBe(201);
  expect((await api.post(`/v1/flows/${flow.body.id}/publish`)).status).toBeLessThan(300);
  expect((await api.post(`/v1/flows/${flow.body.id}/default`)).status).toBeLessThan(300);
}

describe('README walkthroughs', () => {
  it('WhatsApp: settings, Meta webhook verification, and the demo bot answering on WhatsApp', async () => {
    const tenant = await createTenant(server.app, 'wa');
    const api = client(server.url, tenant.apiKey);
    await deploy(api, DEMO_FLOW);

    // Step 2, with the fake standing in for graph.facebook.com.
    const { config } = curlBody(walkthroughBlock('whatsapp-settings'));
    const put = await api.call<{ webhookPath: string }>('PUT', '/v1/channels/whatsapp', { config: { ...config, graphApiBaseUrl: meta.url } });
    expect(put.status).toBe(200);
    expect(put.body.webhookPath).toBe(`/v1/channels/${tenant.slug}/whatsapp`);

    // Step 3: Meta's "Verify and save".
    const verify = await fetch(`${server.url}${put.body.webhookPath}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(String(config!.verifyToken))}&hub.challenge=1158201444`);
    expect(verify.status).toBe(200);
    expect(await verify.text()).toBe('1158201444');

    // Step 4: a customer writes to the number (the fixture's phone number id is the README's).
    const body = WHATSAPP_TEXT;
    expect(body).toContain(String(config!.phoneNumberId));
    const inbound = await fetch(`${server.url}${put.body.webhookPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMeta(String(config!.appSecret), body) },
      body,
    });
    expect(inbound.status).toBe(200);
    for (let waited = 0; !meta.received.some((r) => r.raw.includes('What is your order number?')); waited += 50) {
      if (waited > 20_000) throw new Error(`no reply reached the fake Graph API: ${meta.received.map((r) => r.raw).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const reply = meta.received.find((r) => r.raw.includes('What is your order number?'))!;
    expect(reply.path).toBe(`/v21.0/${String(config!.phoneNumberId)}/messages`);
    expect(reply.headers.authorization).toBe(`Bearer ${String(config!.accessToken)}`);
    expect(reply.body).toMatchObject({ messaging_product: 'whatsapp', to: '16505551234' });
  });

  it('OpenAI: a workspace key, the model test, and a flow whose replies the model writes', async () => {
    const tenant = await createTenant(server.app, 'ai');
    const api = client(server.url, tenant.apiKey);
    const settings = curlBody(walkthroughBlock('openai-settings'));
    const providers = { openai: { ...settings.providers!.openai as object, baseUrl: openai.url } };
    expect((await api.call('PUT', '/v1/models/settings', { ...settings, providers })).status).toBe(200);
    expect((await api.post('/v1/models/test', { provider: 'openai' })).body).toMatchObject({ ok: true, models: ['gpt-4o-mini'] });

    await deploy(api, walkthroughBlock('openai-flow'));
    openai.answerWith(completion('Yes, we ship to Norway in 3 to 5 working days.'));
    const turn = await api.post<{ replies: { text: string }[] }>('/v1/conversations/c1/messages', { text: 'do you ship to Norway?' });
    expect(turn.status).toBe(200);
    expect(turn.body.replies.map((r) => r.text)).toEqual(['Yes, we ship to Norway in 3 to 5 working days.']);
    const sent = openai.chats().at(-1)!.body as { model: string; messages: { content: unknown }[] };
    expect(sent.model).toBe('gpt-4o-mini');
    expect(JSON.stringify(sent.messages)).toContain('friendly assistant of an online shop');
    expect(JSON.stringify(sent.messages)).toContain('do you ship to Norway?');
  });
});
