import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntegrationInfo, KindInfo } from '../src/modules/adaptors/contract.js';
import { type FakeCrm, startFakeCrm } from './fakes/crm.js';
import { TEST_DATABASE_URL } from './support/env.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant, twoTenants } from './support/tenants.js';

let server: TestApp;
let crm: FakeCrm;
beforeAll(async () => {
  crm = await startFakeCrm();
  server = await startApp({ env: { MCP_SSRF_ALLOW: '127.0.0.1' } });
});
afterAll(async () => {
  await server.stop();
  await crm.close();
});

const SECRET = 'sk-live-very-secret-token-42';
const definition = (name = 'orders') => ({
  name,
  kind: 'http',
  description: 'Order system',
  config: { baseUrl: crm.url, auth: { type: 'bearer' }, operations: { whoami: { path: '/echo-headers' }, get_order: { path: '/orders/{{ input.id }}', output: 'body.order' } } },
  secrets: { token: SECRET },
});

describe('integration registry', () => {
  it('lists kinds with JSON Schemas for the console', async () => {
    const tenant = await createTenant(server.app);
    const kinds = await client(server.url, tenant.apiKey).get<{ kinds: KindInfo[] }>('/v1/integrations/kinds');
    expect(kinds.status).toBe(200);
    expect(kinds.body.kinds.map((k) => k.id)).toEqual(['http', 'mcp', 'hubspot', 'odoo']);
    const http = kinds.body.kinds[0]!;
    expect(http.configSchema).toMatchObject({ type: 'object', required: ['baseUrl'], properties: { baseUrl: { type: 'string' } } });
    expect(http.secretsSchema).toMatchObject({ properties: { token: { type: 'string' }, clientSecret: { type: 'string' } } });
    expect(kinds.body.kinds.find((k) => k.id === 'hubspot')!.operations!.map((o) => o.name)).toEqual(['find_contact', 'create_ticket']);
  });

  it('creates, reads, updates and deletes integrations; secrets go in and never come out', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    const created = await api.post<IntegrationInfo>('/v1/integrations', definition());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'orders', kind: 'http', description: 'Order system', secretsSet: ['token'], config: { baseUrl: crm.url } });
    expect(JSON.stringify(created.body)).not.toContain(SECRET);

    const id = created.body.id;
    const listed = await api.get<{ integrations: IntegrationInfo[] }>('/v1/integrations');
    expect(listed.body.integrations.map((i) => i.id)).toEqual([id]);
    expect(JSON.stringify(listed.body)).not.toContain(SECRET);
    expect((await api.get(`/v1/integrations/${id}`)).body).toMatchObject({ id, name: 'orders' });

    // At rest the secrets are one AES-GCM sealed value; the config column holds none.
    const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    const { rows } = await db.query<{ secrets: string; config: object }>('SELECT secrets, config FROM integrations WHERE id = $1', [id]).finally(() => db.end());
    expect(rows[0]!.secrets).toMatch(/^v1\./);
    expect(JSON.stringify(rows[0])).not.toContain(SECRET);

    const renamed = await api.call<IntegrationInfo>('PUT', `/v1/integrations/${id}`, { name: 'shop', secrets: { token: null }, config: { ...definition().config, auth: { type: 'none' } } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'shop', secretsSet: [] });
    const kept = await api.call<IntegrationInfo>('PUT', `/v1/integrations/${id}`, { secrets: { token: 'another-token-1' }, config: definition().config });
    expect(kept.body).toMatchObject({ name: 'shop', description: 'Order system', secretsSet: ['token'] });

    expect((await api.call('DELETE', `/v1/integrations/${id}`)).status).toBe(204);
    expect((await api.get(`/v1/integrations/${id}`)).status).toBe(404);
  });

  it('rejects bad definitions with every problem and its path', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    const cases: [unknown, string][] = [
      [{ name: 'x', kind: 'nope' }, 'kind'],
      [{ name: 'Bad Name', kind: 'http', config: { baseUrl: crm.url } }, 'name'],
      [{ name: 'x', kind: 'http', config: {} }, 'config.baseUrl'],
      [{ name: 'x', kind: 'http', config: { baseUrl: crm.url, operations: { go: { method: 'FETCH' } } } }, 'config.operations.go.method'],
      [{ name: 'x', kind: 'http', config: { baseUrl: crm.url }, secrets: { sessionCookie: 'a' } }, 'secrets'],
    ];
    for (const [body, path] of cases) {
      const response = await api.post<{ error: { code: string; details: { issues: { path: string }[] } } }>('/v1/integrations', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe('bad_request');
      expect(response.body.error.details.issues[0]!.path).toBe(path);
    }
    const noSecret = await api.post('/v1/integrations', { name: 'x', kind: 'http', config: { baseUrl: crm.url, auth: { type: 'bearer' } } });
    expect(noSecret.status).toBe(400);
    expect(noSecret.body).toMatchObject({ error: { message: expect.stringContaining("needs the secret 'token'") } });
    expect((await api.post('/v1/integrations', { ...definition(), name: 'echo' })).status).toBe(409);
    expect((await api.post('/v1/integrations', definition())).status).toBe(201);
    expect((await api.post('/v1/integrations', definition())).body).toMatchObject({ error: { code: 'conflict' } });
    expect((await api.get<{ integrations: unknown[] }>('/v1/integrations')).body.integrations).toHaveLength(1);
  });

  it('keeps tenants apart: 404 for another tenant’s integration, none in its lists', async () => {
    const [a, b] = await twoTenants(server.app);
    const apiA = client(server.url, a.apiKey);
    const apiB = client(server.url, b.apiKey);
    const { id } = (await apiA.post<IntegrationInfo>('/v1/integrations', definition())).body;
    expect((await apiB.get<{ integrations: unknown[] }>('/v1/integrations')).body.integrations).toEqual([]);
    for (const [method, path, body] of [
      ['GET', `/v1/integrations/${id}`],
      ['PUT', `/v1/integrations/${id}`, { description: 'mine now' }],
      ['DELETE', `/v1/integrations/${id}`],
      ['POST', `/v1/integrations/${id}/test`, {}],
      ['GET', `/v1/integrations/${id}/status`],
      ['GET', `/v1/integrations/${id}/operations`],
    ] as const) {
      expect((await apiB.call(method, path, body)).status, `${method} ${path}`).toBe(404);
    }
    // B may use the same name, and B's flows cannot reach A's integration.
    expect((await apiB.post('/v1/integrations', definition())).status).toBe(201);
    expect(await server.app.adaptors.listIntegrationNames(b.id)).toEqual(['echo', 'orders']);
    expect((await apiA.get(`/v1/integrations/${id}`)).body).toMatchObject({ description: 'Order system' });
  });

  it('needs the integrations permissions', async () => {
    const anonymous = client(server.url);
    expect((await anonymous.get('/v1/integrations')).status).toBe(401);
  });
});

describe('integrations in flows', () => {
  it('runs an integration state and keeps secrets out of the turn trace', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    expect((await api.post('/v1/integrations', definition())).status).toBe(201);
    const flow = [
      'name: lookup',
      'start: call',
      'states:',
      '  call: { type: integration, integration: orders, operation: whoami, save_as: who, on_error: failed, next: order }',
      "  order: { type: integration, integration: orders, operation: get_order, with: { id: '777' }, save_as: order, on_error: failed, next: done }",
      '  failed: { type: end, say: "failed" }',
      '  done: { type: end, say: "auth={{ who.authorization }} order={{ order.id }} {{ order.status }}" }',
    ].join('\n');
    const created = await api.post<{ id: string }>('/v1/flows', flow);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await api.post(`/v1/flows/${created.body.id}/publish`);
    await api.post(`/v1/flows/${created.body.id}/default`);

    const turn = await api.post<{ replies: { text: string }[] }>('/v1/conversations/c1/messages', { text: 'hi' });
    expect(turn.body.replies.map((r) => r.text)).toEqual(['auth=Bearer [redacted] order=777 shipped']);
    expect(crm.calls('/echo-headers').at(-1)!.headers.authorization).toBe(`Bearer ${SECRET}`);

    const trace = await api.get('/v1/conversations/c1/trace');
    const text = JSON.stringify(trace.body);
    expect(text).toContain('integration_call');
    expect(text).not.toContain(SECRET);
  });
});
