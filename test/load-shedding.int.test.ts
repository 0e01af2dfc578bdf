import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { client } from './support/http.js';
import { INTEGRATION_TEST_ENV } from './support/integration-env.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant, type TestTenant } from './support/tenants.js';

/**
 * Issue 21: an instance past MCP_MAX_TURNS_IN_FLIGHT turns answered while the caller waits refuses
 * more at once (503, Retry-After) instead of queueing without bound. The turns in flight are held
 * in an integration call to a loopback server that answers only when the test lets it.
 */
const LIMIT = 2;

let server: TestApp;
let backend: Server;
let tenant: TestTenant;
const held: ServerResponse[] = [];
let heldChanged = () => {};

function holdRequest(_request: IncomingMessage, response: ServerResponse): void {
  held.push(response);
  heldChanged();
}

async function untilHeld(count: number): Promise<void> {
  while (held.length < count) await new Promise<void>((resolve) => (heldChanged = resolve));
}

function releaseAll(): void {
  for (const response of held.splice(0)) response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
}

beforeAll(async () => {
  backend = createServer(holdRequest);
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  server = await startApp({ env: { ...INTEGRATION_TEST_ENV, MCP_MAX_TURNS_IN_FLIGHT: String(LIMIT) } });
  tenant = await createTenant(server.app);
  const api = client(server.url, tenant.apiKey);
  expect((await api.post('/v1/integrations', { name: 'slow', kind: 'http', config: { baseUrl, operations: { check: { method: 'GET', path: '/check' } } } })).status).toBe(201);
  const flow = await api.post<{ id: string }>(
    '/v1/flows',
    `
name: slow-lookup
start: call
states:
  call: { type: integration, integration: slow, operation: check, on_error: failed, next: done }
  failed: { type: end, say: "The lookup failed." }
  done: { type: end, say: "Checked." }
`,
  );
  expect(flow.status, JSON.stringify(flow.body)).toBe(201);
  expect((await api.post(`/v1/flows/${flow.body.id}/publish`)).status).toBe(201);
  expect((await api.post(`/v1/flows/${flow.body.id}/default`)).status).toBe(200);
});

afterAll(async () => {
  releaseAll();
  await server?.stop();
  backend?.closeAllConnections();
  await new Promise((resolve) => backend?.close(resolve));
});

type Turn = { replies: { text: string }[] };

describe('turns answered while the caller waits', () => {
  it('are refused with 503 and Retry-After past the limit, and admitted again once one ends', async () => {
    const api = client(server.url, tenant.apiKey);
    const first = [api.post<Turn>('/v1/conversations/held-1/messages', { text: 'hi' }), api.post<Turn>('/v1/conversations/held-2/messages', { text: 'hi' })];
    await untilHeld(LIMIT);

    const refused = await api.post<{ error: { code: string; message: string } }>('/v1/conversations/third/messages', { text: 'hi' });
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('unavailable');
    expect(refused.body.error.message).toMatch(/already answering 2 messages; send this one again/);
    expect(refused.headers.get('retry-after')).toBe('1');

    // Web chat over HTTP counts against the same limit.
    const webchat = await client(server.url).post<{ error: { code: string } }>('/v1/webchat/messages', { key: tenant.widgetKey, conversation: 'c1', id: 'm1', text: 'hi' });
    expect(webchat.status).toBe(503);

    // Reads are not shed.
    expect((await api.get('/v1/flows')).status).toBe(200);

    releaseAll();
    for (const turn of await Promise.all(first)) {
      expect(turn.status).toBe(200);
      expect(turn.body.replies.map((r) => r.text)).toEqual(['Checked.']);
    }

    // The refused message was never run: sent again, it is a first turn.
    const again = api.post<Turn>('/v1/conversations/third/messages', { text: 'hi' });
    await untilHeld(1);
    releaseAll();
    expect((await again).status).toBe(200);
    expect((await api.get<{ messages: unknown[] }>('/v1/conversations/third/messages')).body.messages).toHaveLength(2);
  });

  it('takes its limit from MCP_MAX_TURNS_IN_FLIGHT: 0 turns it off, a negative number is refused', () => {
    const off = loadConfig({ MCP_MAX_TURNS_IN_FLIGHT: '0' });
    expect(off.ok && off.config.chat.maxTurnsInFlight).toBe(0);
    const bad = loadConfig({ MCP_MAX_TURNS_IN_FLIGHT: '-1' });
    expect(bad.ok).toBe(false);
    expect(bad.ok ? [] : bad.problems.join('; ')).toMatch(/MCP_MAX_TURNS_IN_FLIGHT/);
  });
});
