import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestIntegrationResult } from '../src/modules/adaptors/contract.js';
import { type FakeCrm, startFakeCrm } from './fakes/crm.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant } from './support/tenants.js';

let guarded: TestApp;
let allowing: TestApp;
let crm: FakeCrm;
beforeAll(async () => {
  crm = await startFakeCrm();
  // The default guard: MCP_SSRF_ALLOW unset.
  guarded = await startApp({ env: { MCP_INTEGRATION_MAX_RETRIES: '0' } });
  allowing = await startApp({ env: { MCP_SSRF_ALLOW: '127.0.0.1' } });
});
afterAll(async () => {
  await Promise.all([guarded.stop(), allowing.stop()]);
  await crm.close();
});

/** Creates an http integration with one GET operation and calls it (or tests connectivity). */
async function attempt(server: TestApp, baseUrl: string, path = '/orders/1', auth: object = { type: 'none' }, secrets: object = {}): Promise<TestIntegrationResult> {
  const tenant = await createTenant(server.app);
  const api = client(server.url, tenant.apiKey);
  const created = await api.post<{ id: string }>('/v1/integrations', { name: 'target', kind: 'http', config: { baseUrl, auth, operations: { get: { path } } }, secrets });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return (await api.post<TestIntegrationResult>(`/v1/integrations/${created.body.id}/test`, { operation: 'get' })).body;
}

const port = () => new URL(crm.url).port;

describe('the default SSRF guard', () => {
  it('refuses 127.0.0.1 without sending anything', async () => {
    const before = crm.requests.length;
    const outcome = await attempt(guarded, crm.url);
    expect(outcome).toMatchObject({ ok: false, error: { code: 'ssrf_blocked', message: expect.stringContaining('127.0.0.1 is a loopback address') } });
    expect(outcome.error!.message).toContain('MCP_SSRF_ALLOW');
    expect(crm.requests.length).toBe(before);
  });

  it('checks the address a host name resolves to, not the name', async () => {
    const before = crm.requests.length;
    expect(await attempt(guarded, `http://localhost:${port()}`)).toMatchObject({ ok: false, error: { code: 'ssrf_blocked', message: expect.stringContaining('localhost') } });
    expect(crm.requests.length).toBe(before);
  });

  it.each([
    ['cloud metadata', 'http://169.254.169.254', '/latest/meta-data/'],
    ['IPv6 loopback', 'http://[::1]:9', '/'],
    ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]:9', '/'],
    ['private range', 'http://10.0.0.1', '/'],
    ['unspecified address', 'http://0.0.0.0:9', '/'],
  ])('refuses the %s', async (_label, baseUrl, path) => {
    expect(await attempt(guarded, baseUrl, path)).toMatchObject({ ok: false, error: { code: 'ssrf_blocked' } });
  });

  it('guards the OAuth token endpoint too', async () => {
    const auth = { type: 'oauth2_client_credentials', tokenUrl: 'http://169.254.169.254/token', clientId: 'x' };
    expect(await attempt(guarded, 'https://api.example.com', '/x', auth, { clientSecret: 'secret-1' })).toMatchObject({ ok: false, error: { code: 'ssrf_blocked' } });
  });

  it('refuses non-http(s) URLs when the integration is saved', async () => {
    const tenant = await createTenant(guarded.app);
    const api = client(guarded.url, tenant.apiKey);
    for (const baseUrl of ['file:///etc/passwd', 'gopher://127.0.0.1:6379/_INFO', 'ftp://example.com']) {
      const created = await api.post('/v1/integrations', { name: 'bad', kind: 'http', config: { baseUrl } });
      expect(created.status).toBe(400);
      expect(created.body).toMatchObject({ error: { code: 'bad_request', details: { issues: [expect.objectContaining({ path: 'config.baseUrl' })] } } });
    }
  });
});

describe('an operator allow-list', () => {
  it('lets integrations reach allow-listed addresses', async () => {
    expect(await attempt(allowing, crm.url)).toMatchObject({ ok: true, value: { order: { id: '1' } } });
  });

  it('still refuses every redirect hop that leaves it', async () => {
    const to = (target: string) => `/redirect?to=${encodeURIComponent(target)}`;
    const metadata = await attempt(allowing, crm.url, to('http://169.254.169.254/latest/meta-data/'));
    expect(metadata).toMatchObject({ ok: false, error: { code: 'ssrf_blocked', message: expect.stringContaining('169.254.169.254') } });
    expect(await attempt(allowing, crm.url, to('file:///etc/passwd'))).toMatchObject({ ok: false, error: { code: 'ssrf_blocked' } });
    expect(await attempt(allowing, crm.url, to('http://10.1.2.3/'))).toMatchObject({ ok: false, error: { code: 'ssrf_blocked' } });
  });

  it('follows redirects that stay allowed', async () => {
    // `localhost` resolves to 127.0.0.1 (allowed) and possibly ::1 (not allowed): only the allowed address is used.
    const outcome = await attempt(allowing, crm.url, `/redirect?to=${encodeURIComponent(`http://localhost:${port()}/orders/42`)}`);
    expect(outcome).toMatchObject({ ok: true, value: { order: { id: '42' } } });
  });
});
