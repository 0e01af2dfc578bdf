import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestIntegrationResult } from '../src/modules/adaptors/contract.js';
import { type FakeCrm, startFakeCrm } from './fakes/crm.js';
import { type FakeErp, startFakeErp } from './fakes/erp.js';
import { client } from './support/http.js';
import { INTEGRATION_TEST_ENV } from './support/integration-env.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant } from './support/tenants.js';

let server: TestApp;
let crm: FakeCrm;
let erp: FakeErp;
beforeAll(async () => {
  [crm, erp] = await Promise.all([startFakeCrm(), startFakeErp()]);
  server = await startApp({
    // The fakes listen on loopback, which the SSRF guard refuses unless allow-listed.
    env: INTEGRATION_TEST_ENV,
  });
});
afterAll(async () => {
  await server.stop();
  await Promise.all([crm.close(), erp.close()]);
});

/** A fresh tenant with one integration; returns a caller of its operations through `POST …/test`. */
async function setup(definition: Record<string, unknown>) {
  const tenant = await createTenant(server.app);
  const api = client(server.url, tenant.apiKey);
  const created = await api.post<{ id: string }>('/v1/integrations', definition);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id;
  const call = async (operation: string, input: Record<string, unknown> = {}, timeoutMs = 5000) => {
    const response = await api.post<TestIntegrationResult>(`/v1/integrations/${id}/test`, { operation, input, timeoutMs });
    expect(response.status).toBe(200);
    const { latencyMs, ...outcome } = response.body;
    expect(latencyMs).toBeGreaterThanOrEqual(0);
    return outcome;
  };
  return { api, id, call };
}

const hubspot = () => ({ name: 'crm', kind: 'hubspot', config: { baseUrl: crm.url }, secrets: { accessToken: crm.accessToken } });

const httpOps = (operations: Record<string, unknown>, auth: Record<string, unknown> = { type: 'none' }) => ({
  name: 'api',
  kind: 'http',
  config: { baseUrl: crm.url, auth, operations },
});

describe('CRM and ERP presets', () => {
  it('finds a contact and opens a ticket in the CRM, mapping the answers', async () => {
    const { call } = await setup(hubspot());
    expect(await call('find_contact', { email: 'ada@example.com' })).toEqual({
      ok: true,
      value: { id: '101', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace', phone: '+44 20 7946 0000', matches: 1 },
    });
    expect((await call('find_contact', { email: 'nobody@example.com' })).value).toMatchObject({ id: null, matches: 0 });
    const ticket = await call('create_ticket', { subject: 'Broken parcel', content: 'It arrived crushed' });
    expect(ticket).toMatchObject({ ok: true, value: { id: expect.stringMatching(/^T-/), subject: 'Broken parcel' } });
    const sent = crm.calls('/crm/v3/objects/tickets').at(-1)!;
    expect(sent.headers.authorization).toBe(`Bearer ${crm.accessToken}`);
    expect(sent.body).toEqual({ properties: { subject: 'Broken parcel', content: 'It arrived crushed', hs_ticket_priority: 'MEDIUM', hs_pipeline: '0', hs_pipeline_stage: '1' } });
  });

  it('reports a missing required input without calling the CRM', async () => {
    const { call } = await setup(hubspot());
    const before = crm.requests.length;
    expect(await call('create_ticket', {})).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining("'subject'") } });
    expect(crm.requests.length).toBe(before);
  });

  it('looks up an order status in the ERP over JSON-RPC, and surfaces its errors', async () => {
    const definition = { name: 'erp', kind: 'odoo', config: { baseUrl: erp.url, database: erp.database, userId: erp.userId }, secrets: { apiKey: erp.apiKey } };
    const { api, id, call } = await setup(definition);
    expect(await call('order_status', { order: 'S00042' })).toEqual({
      ok: true,
      value: { found: 1, order: 'S00042', state: 'sale', total: 129.5, date: '2024-05-01 10:00:00' },
    });
    expect((await call('order_status', { order: 'S99999' })).value).toMatchObject({ found: 0, order: null });

    expect((await api.call('PUT', `/v1/integrations/${id}`, { secrets: { apiKey: 'wrong-key-123' } })).status).toBe(200);
    expect(await call('order_status', { order: 'S00042' })).toMatchObject({ ok: false, error: { code: 'remote_error', message: expect.stringContaining('Access Denied') } });
  });
});

describe('generic HTTP integration', () => {
  it('renders path, query and headers from the input, URL-encoding path values', async () => {
    const { call } = await setup(
      httpOps({ get_order: { path: '/orders/{{ input.id }}', query: { expand: '{{ input.expand }}' }, headers: { 'x-tenant-ref': 'ref-{{ input.ref }}' }, output: 'body.order' } }),
    );
    expect(await call('get_order', { id: '12/../34', expand: 'items', ref: 7 })).toEqual({ ok: true, value: { id: '12/../34', status: 'shipped' } });
    const sent = crm.requests.at(-1)!;
    expect(sent.path).toBe('/orders/12%2F..%2F34');
    expect(sent.query).toEqual({ expand: 'items' });
    expect(sent.headers['x-tenant-ref']).toBe('ref-7');
  });

  it('fetches an OAuth token once, reuses it, and refreshes it on a 401', async () => {
    const auth = { type: 'oauth2_client_credentials', tokenUrl: `${crm.url}/oauth/token`, clientId: crm.client.id };
    const ops = { contacts: { path: '/crm/v3/objects/contacts', output: 'body.results.size' } };
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    const created = await api.post<{ id: string }>('/v1/integrations', { ...httpOps(ops, auth), secrets: { clientSecret: crm.client.secret } });
    const call = async () => (await api.post<TestIntegrationResult>(`/v1/integrations/${created.body.id}/test`, { operation: 'contacts' })).body.value;

    const issued = crm.tokensIssued();
    expect(await call()).toBe(1);
    expect(await call()).toBe(1);
    expect(crm.tokensIssued()).toBe(issued + 1);

    crm.revokeTokens();
    expect(await call()).toBe(1);
    expect(crm.tokensIssued()).toBe(issued + 2);
    const contactCalls = crm.calls('/crm/v3/objects/contacts').slice(-2);
    expect(contactCalls.map((c) => c.headers.authorization)).toEqual([`Bearer oat-${issued + 1}`, `Bearer oat-${issued + 2}`]);
  });

  it('says so when the OAuth client credentials are wrong', async () => {
    const auth = { type: 'oauth2_client_credentials', tokenUrl: `${crm.url}/oauth/token`, clientId: crm.client.id };
    const { call } = await setup({ ...httpOps({ contacts: { path: '/crm/v3/objects/contacts' } }, auth), secrets: { clientSecret: 'not-the-secret' } });
    expect(await call('contacts')).toMatchObject({ ok: false, error: { code: 'auth_failed', message: expect.stringContaining('client credentials') } });
  });

  it('retries idempotent calls after 429 and 5xx, then succeeds', async () => {
    const { call } = await setup(httpOps({ get_order: { path: '/orders/555', output: 'body.order.status' } }));
    crm.failNext('/orders/555', 2, 503);
    const before = crm.calls('/orders/555').length;
    expect(await call('get_order')).toEqual({ ok: true, value: 'shipped' });
    expect(crm.calls('/orders/555').length - before).toBe(3);

    crm.failNext('/orders/555', 1, 429, { 'retry-after': '0' });
    expect(await call('get_order')).toEqual({ ok: true, value: 'shipped' });
    expect(crm.calls('/orders/555').length - before).toBe(5);
  });

  it('gives up after the configured retries with the last error', async () => {
    const { call } = await setup(httpOps({ get_order: { path: '/orders/556' } }));
    crm.failNext('/orders/556', 10, 502);
    const before = crm.calls('/orders/556').length;
    expect(await call('get_order')).toMatchObject({ ok: false, error: { code: 'http_error', status: 502 } });
    expect(crm.calls('/orders/556').length - before).toBe(3);
  });

  it('never retries a non-idempotent operation', async () => {
    const { call } = await setup(httpOps({ open_ticket: { method: 'POST', path: '/orders/777', body: { note: '{{ input.note }}' } } }));
    crm.failNext('/orders/777', 1, 503);
    const before = crm.calls('/orders/777').length;
    expect(await call('open_ticket', { note: 'hi' })).toMatchObject({ ok: false, error: { code: 'http_error', status: 503 } });
    expect(crm.calls('/orders/777').length - before).toBe(1);
  });

  it('does not retry client errors', async () => {
    const { call } = await setup(httpOps({ missing: { path: '/nothing-here' } }));
    const before = crm.calls('/nothing-here').length;
    expect(await call('missing')).toMatchObject({ ok: false, error: { code: 'http_error', status: 404 } });
    expect(crm.calls('/nothing-here').length - before).toBe(1);
  });
});
