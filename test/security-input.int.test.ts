import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import WebSocket from 'ws';
import { signMeta } from './fakes/meta.js';
import { signTwilio } from './fakes/twilio.js';
import { client } from './support/http.js';
import { concretePath, deepJson, NUL_TEXT, type Operation, operations, probeBody } from './support/openapi-probes.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant } from './support/tenants.js';
import { newWorkspace, type Workspace } from './support/workspaces.js';

const SHOP_BOT = readFileSync(new URL('./fixtures/channels/shop-bot.yaml', import.meta.url), 'utf8');
const PLATFORM_KEY = `platform-${'d'.repeat(40)}`;
const PROBE_ID = '00000000-0000-4000-8000-000000000000';
/** Platform webhooks take raw, signed bytes: they are probed below with signed bodies. */
const WEBHOOK = '/v1/channels/{tenantSlug}/{channel}';

let server: TestApp;
let ws: Workspace;
beforeAll(async () => {
  server = await startApp({ env: { MCP_PLATFORM_ADMIN_KEY: PLATFORM_KEY } });
});
// A workspace of its own per test: a probe that got through (logout, password) must not spoil the next.
beforeEach(async () => {
  ws = await newWorkspace(server.url, PLATFORM_KEY);
  const flow = await ws.api.post<{ id: string }>('/v1/flows', SHOP_BOT);
  await ws.api.post(`/v1/flows/${flow.body.id}/publish`);
  await ws.api.post(`/v1/flows/${flow.body.id}/default`);
});
afterAll(async () => {
  await server.stop();
});

interface Answer {
  status: number;
  code: string | undefined;
  message: string;
}

/** One call, read whatever comes back (a 500 or a webhook answer may not be our JSON). */
async function send(method: string, path: string, options: { body?: string; headers?: Record<string, string>; key?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...(options.key ? { authorization: `Bearer ${options.key}` } : {}), ...options.headers };
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${server.url}${path}`, { method, headers, ...(options.body === undefined ? {} : { body: options.body }) });
  const text = await response.text();
  let error: { code?: string; message?: string } = {};
  try {
    error = (JSON.parse(text) as { error?: typeof error }).error ?? {};
  } catch {
    error = { message: text };
  }
  return { status: response.status, code: error.code, message: error.message ?? '' };
}

/** The credential each operation accepts: the platform key, none (public), or the workspace owner. */
const keyFor = (op: Operation): string | undefined =>
  op.permission === 'platform:admin' ? PLATFORM_KEY : op.permission === 'public' ? undefined : ws.owner.accessToken;

async function routes(methods: string[]): Promise<Operation[]> {
  const found = (await operations(server.url, methods)).filter((op) => op.path !== WEBHOOK);
  expect(found.length).toBeGreaterThan(20);
  // Logging out ends the owner's session; were it let through, it must not spoil the rest.
  return found.sort((a, b) => Number(a.path === '/v1/auth/logout') - Number(b.path === '/v1/auth/logout'));
}

async function refusals(ops: Operation[], request: (op: Operation) => Promise<Answer>, expected: RegExp): Promise<string[]> {
  const wrong: string[] = [];
  for (const op of ops) {
    const answer = await request(op);
    if (answer.status !== 400 || answer.code !== 'bad_request' || !expected.test(answer.message)) {
      wrong.push(`${op.method} ${op.path} → ${answer.status} ${answer.code ?? ''} ${answer.message.slice(0, 80)}`);
    }
  }
  return wrong;
}

const pathOf = (op: Operation) => concretePath(op.path, { version: '1', channel: 'web', tenantSlug: ws.slug }, PROBE_ID);

describe('NUL characters and deep nesting are refused at the edge', () => {
  it('every POST, PUT and PATCH route answers a NUL in any string of its body with a 400 naming it', async () => {
    const ops = await routes(['POST', 'PUT', 'PATCH']);
    const wrong = await refusals(ops, (op) => send(op.method, pathOf(op), { body: probeBody(op.body, { nul: true }), key: keyFor(op) }), /NUL/);
    expect(wrong).toEqual([]);
  });

  it('every POST, PUT and PATCH route answers a body nested 10,000 deep with a 400 naming the limit', async () => {
    const ops = await routes(['POST', 'PUT', 'PATCH']);
    const wrong = await refusals(ops, (op) => send(op.method, pathOf(op), { body: probeBody(op.body, { deep: 10_000 }), key: keyFor(op) }), /deeper than 64/);
    expect(wrong).toEqual([]);
  });

  it('every route answers a NUL in its query string with a 400', async () => {
    const ops = await routes(['GET', 'DELETE']);
    const wrong = await refusals(ops, (op) => send(op.method, `${pathOf(op)}?q=a%00b`, { key: keyFor(op) }), /NUL/);
    expect(wrong).toEqual([]);
    expect(await send('GET', `/v1/conversations?q=%00`, { key: ws.owner.accessToken })).toMatchObject({ status: 400, message: expect.stringContaining('query string') });
  });

  it('stores nothing of a refused message: web chat (JSON, text/plain, WebSocket) and the API', async () => {
    const widgetKey = (await server.app.security.getTenantBySlug(ws.slug))!.widgetKey;
    const message = { key: widgetKey, conversation: 'nul-visitor', id: 'm1', text: NUL_TEXT };
    expect(await send('POST', '/v1/webchat/messages', { body: JSON.stringify(message) })).toMatchObject({ status: 400, code: 'bad_request' });
    const plain = await send('POST', '/v1/webchat/messages', { body: JSON.stringify(message), headers: { 'content-type': 'text/plain' } });
    expect(plain).toMatchObject({ status: 400, code: 'bad_request', message: expect.stringContaining('NUL') });
    expect(await webSocketAnswer(widgetKey, JSON.stringify({ type: 'message', id: 'w1', text: NUL_TEXT }))).toMatchObject({ type: 'error', error: { code: 'bad_request' } });
    const history = await client(server.url).get<{ messages: unknown[] }>(`/v1/webchat/messages?key=${widgetKey}&conversation=nul-visitor`);
    expect(history.body.messages).toEqual([]);

    // An unpaired surrogate is valid JSON that PostgreSQL's jsonb refuses just the same.
    const broken = await send('POST', '/v1/conversations/broken-1/messages', { body: '{"text":"hi \\ud800 there"}', key: ws.owner.accessToken });
    expect(broken).toMatchObject({ status: 400, message: expect.stringContaining('surrogate') });
    expect((await send('GET', '/v1/conversations/broken-1', { key: ws.owner.accessToken })).status).toBe(404);

    const deep = `{"text":"hi","user":${deepJson(10_000)}}`;
    expect(await send('POST', '/v1/conversations/deep-1/messages', { body: deep, key: ws.owner.accessToken })).toMatchObject({ status: 400, code: 'bad_request' });
    expect((await send('GET', '/v1/conversations/deep-1', { key: ws.owner.accessToken })).status).toBe(404);
  });
});

describe('flow sources (YAML) carry the same limits', () => {
  it('answers 400 to a NUL written as a YAML escape and to nesting past 64 levels', async () => {
    const flow = (name: string) => `name: ${name}\nstart: a\nstates:\n  a: { type: end, say: "hi" }\n`;
    const nul = await send('POST', '/v1/flows', { body: flow('"bad\\0name"'), headers: { 'content-type': 'application/yaml' }, key: ws.owner.accessToken });
    expect(nul).toMatchObject({ status: 400, message: expect.stringContaining('NUL') });
    const deep = `${flow('deep')}vars: ${'['.repeat(5_000)}${']'.repeat(5_000)}\n`;
    const nested = await send('POST', '/v1/flows', { body: deep, headers: { 'content-type': 'application/yaml' }, key: ws.owner.accessToken });
    expect(nested).toMatchObject({ status: 400 });
    const validated = await ws.api.post<{ valid: boolean; issues: { path: string; message: string }[] }>('/v1/flows/validate', flow('"bad\\0name"'));
    expect(validated.body).toMatchObject({ valid: false, issues: [{ path: 'name', message: expect.stringContaining('NUL') }] });
  });
});

async function webSocketAnswer(widgetKey: string, frame: string): Promise<unknown> {
  const socket = new WebSocket(`${server.url.replace('http', 'ws')}/v1/webchat?key=${widgetKey}&conversation=nul-visitor`);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const answer = new Promise<unknown>((resolve) => {
    socket.on('message', (data: Buffer) => {
      const parsed = JSON.parse(data.toString()) as { type: string };
      if (parsed.type !== 'ack') resolve(parsed);
    });
  });
  socket.send(frame);
  const result = await answer;
  socket.close();
  return result;
}

describe('signed webhooks with NUL or deep nesting', () => {
  const waText = (text: string) =>
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ changes: [{ field: 'messages', value: { metadata: { phone_number_id: '1065' }, messages: [{ from: '33600000001', id: 'wamid.nul', type: 'text', text: { body: text } }] } }] }],
    });

  it('answers 400 to a signed WhatsApp body with a NUL or nested 10,000 deep, and stores no conversation', async () => {
    const put = await ws.api.call('PUT', '/v1/channels/whatsapp', { config: { phoneNumberId: '1065', accessToken: 'EAAG-x', appSecret: 'app-secret', verifyToken: 'verify-me', graphApiBaseUrl: 'http://127.0.0.1:9' } });
    expect(put.status).toBe(200);
    const post = (body: string) => send('POST', `/v1/channels/${ws.slug}/whatsapp`, { body, headers: { 'x-hub-signature-256': signMeta('app-secret', body) } });
    expect(await post(waText(NUL_TEXT))).toMatchObject({ status: 400, message: expect.stringContaining('NUL') });
    expect(await post(`{"object":"whatsapp_business_account","entry":[],"x":${deepJson(10_000)}}`)).toMatchObject({ status: 400, message: expect.stringContaining('deeper than 64') });
    expect(await send('GET', `/v1/channels/${ws.slug}/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=a%00b`)).toMatchObject({ status: 400 });
    expect((await send('GET', '/v1/conversations/whatsapp:1065:33600000001', { key: ws.owner.accessToken })).status).toBe(404);
  });

  it('answers 400 to a signed Twilio form with a NUL, and stores no conversation', async () => {
    const put = await ws.api.call('PUT', '/v1/channels/voice', { config: { accountSid: `AC${'0'.repeat(32)}`, authToken: 'twilio-token' } });
    expect(put.status).toBe(200);
    const url = `${server.url}/v1/channels/${ws.slug}/voice`;
    const params = { CallSid: 'CA-nul', From: '+15550001111', SpeechResult: NUL_TEXT };
    const answer = await send('POST', `/v1/channels/${ws.slug}/voice`, {
      body: new URLSearchParams(params).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signTwilio('twilio-token', url, params) },
    });
    expect(answer).toMatchObject({ status: 400, message: expect.stringContaining('NUL') });
    expect((await send('GET', '/v1/conversations/voice:CA-nul', { key: ws.owner.accessToken })).status).toBe(404);
  });
});

describe('request logs', () => {
  it('redact credentials in query strings (Meta verify token, access_token, key) and carry no Authorization header', async () => {
    const lines: string[] = [];
    const logged = await startApp({ logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }) });
    try {
      const tenant = await createTenant(logged.app);
      const api = client(logged.url, tenant.apiKey);
      const put = await api.call('PUT', '/v1/channels/whatsapp', { config: { phoneNumberId: '1', accessToken: 'EAAG-x', appSecret: 's', verifyToken: 'verify-me-4242' } });
      expect(put.status).toBe(200);
      const handshake = await fetch(`${logged.url}/v1/channels/${tenant.slug}/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me-4242&hub.challenge=c-77`);
      expect(await handshake.text()).toBe('c-77');
      expect((await api.get('/v1/flows?access_token=tok-5151&key=key-6161&limit=5')).status).toBe(200);

      const text = lines.join('');
      expect(text).toContain('hub.verify_token=[redacted]&hub.challenge=c-77');
      expect(text).toContain('/v1/flows?access_token=[redacted]&key=[redacted]&limit=5');
      for (const secret of ['verify-me-4242', 'tok-5151', 'key-6161', tenant.apiKey]) expect(text).not.toContain(secret);
    } finally {
      await logged.stop();
    }
  });
});
