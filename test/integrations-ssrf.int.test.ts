import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestIntegrationResult } from '../src/modules/adaptors/contract.js';
import { type FakeCrm, startFakeCrm } from './fakes/crm.js';
import { client, type HttpResult } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant } from './support/tenants.js';

let guarded: TestApp;
let allowing: TestApp;
let permissive: TestApp;
let crm: FakeCrm;
beforeAll(async () => {
  crm = await startFakeCrm();
  // The default guard: MCP_SSRF_ALLOW unset.
  guarded = await startApp({ env: { MCP_INTEGRATION_MAX_RETRIES: '0' } });
  allowing = await startApp({ env: { MCP_SSRF_ALLOW: '127.0.0.1' } });
  // Saves what the others refuse, as an installation did before its operator narrowed MCP_SSRF_ALLOW.
  permissive = await startApp({ env: { MCP_SSRF_ALLOW: '0.0.0.0/0,::/0' } });
});
afterAll(async () => {
  await Promise.all([guarded.stop(), allowing.stop(), permissive.stop()]);
  await crm.close();
});

const definition = (baseUrl: string, path = '/orders/1', auth: object = { type: 'none' }, secrets: object = {}) => ({
  name: 'target',
  kind: 'http',
  config: { baseUrl, auth, operations: { get: { path } } },
  secrets,
});

/**
 * Saves an http integration with one GET operation on `savedIn`, then calls it through `server`:
 * both share the database, so this is the call-time guard meeting an integration already stored.
 */
async function attempt(server: TestApp, ...args: Parameters<typeof definition>): Promise<TestIntegrationResult> {
  const savedIn = server === guarded ? permissive : server;
  const tenant = await createTenant(savedIn.app);
  const created = await client(savedIn.url, tenant.apiKey).post<{ id: string }>('/v1/integrations', definition(...args));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return (await client(server.url, tenant.apiKey).post<TestIntegrationResult>(`/v1/integrations/${created.body.id}/test`, { operation: 'get' })).body;
}

/** What the console shows when saving (or updating) an integration to point at `baseUrl`. */
async function save(server: TestApp, baseUrl: string): Promise<{ created: HttpResult<ErrorBody>; updated: HttpResult<ErrorBody> }> {
  const api = client(server.url, (await createTenant(server.app)).apiKey);
  const created = await api.post<ErrorBody>('/v1/integrations', definition(baseUrl));
  const existing = await api.post<{ id: string }>('/v1/integrations', { ...definition('https://api.example.com'), name: 'existing' });
  const updated = await api.call<ErrorBody>('PUT', `/v1/integrations/${existing.body.id}`, { config: definition(baseUrl).config });
  return { created, updated };
}
type ErrorBody = { error: { code: string; message: string; details: { issues: { path: string; message: string }[] } } };

/** IPv6 spellings of loopback, link-local and private IPv4 addresses. */
const EMBEDDED_IPV4 = [
  ['IPv4-compatible loopback', 'http://[::7f00:1]:9'],
  ['IPv4-compatible loopback, dotted', 'http://[::127.0.0.1]:9'],
  ['IPv4-compatible metadata address', 'http://[::a9fe:a9fe]'],
  ['6to4 of the metadata address', 'http://[2002:a9fe:a9fe::1]'],
  ['IPv4-mapped metadata address', 'http://[::ffff:a9fe:a9fe]'],
  ['NAT64 of a private address', 'http://[64:ff9b::a00:1]'],
];

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
    ...EMBEDDED_IPV4.map(([label, url]) => [label, url, '/']),
  ])('refuses the %s', async (_label, baseUrl, path) => {
    expect(await attempt(guarded, baseUrl!, path)).toMatchObject({ ok: false, error: { code: 'ssrf_blocked' } });
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

describe('saving an integration', () => {
  it.each([
    ['loopback', 'http://127.0.0.1:9', '127.0.0.1 is a loopback address'],
    ['cloud metadata', 'http://169.254.169.254', '169.254.169.254 is a link-local'],
    ['private range', 'http://10.0.0.1', '10.0.0.1 is a private address'],
    ['name of a loopback address', 'http://localhost:9', 'localhost resolves only to addresses integrations may not reach'],
    ...EMBEDDED_IPV4.map(([label, url]) => [label, url, 'address']),
  ])('refuses the %s with a 400 that names the field and the fix', async (_label, baseUrl, reason) => {
    const { created, updated } = await save(guarded, baseUrl!);
    for (const refused of [created, updated]) {
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'bad_request', details: { issues: [expect.objectContaining({ path: 'config.baseUrl' })] } });
      expect(refused.body.error.message).toContain(reason);
      expect(refused.body.error.message).toContain('MCP_SSRF_ALLOW');
    }
  });

  it('refuses an OAuth token endpoint and an MCP server the guard would refuse', async () => {
    const api = client(guarded.url, (await createTenant(guarded.app)).apiKey);
    const oauth = { type: 'oauth2_client_credentials', tokenUrl: 'http://[2002:a9fe:a9fe::1]/token', clientId: 'x' };
    const token = await api.post<ErrorBody>('/v1/integrations', definition('https://api.example.com', '/x', oauth, { clientSecret: 'secret-1' }));
    expect(token.body.error.details.issues).toEqual([expect.objectContaining({ path: 'config.auth.tokenUrl' })]);
    const mcp = await api.post<ErrorBody>('/v1/integrations', { name: 'tools', kind: 'mcp', config: { transport: { type: 'http', url: 'http://169.254.169.254/mcp' } } });
    expect(mcp.body.error.details.issues).toEqual([expect.objectContaining({ path: 'config.transport.url' })]);
  });

  it('accepts what MCP_SSRF_ALLOW allows, and only that', async () => {
    expect((await save(allowing, crm.url)).created.status).toBe(201);
    expect((await save(allowing, 'http://169.254.169.254')).created.status).toBe(400);
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
