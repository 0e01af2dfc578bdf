import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { completion, type FakeOpenAi, startFakeOpenAi } from './fakes/openai.js';
import { TEST_DATABASE_URL } from './support/env.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant, twoTenants } from './support/tenants.js';

const GREETER = readFileSync(new URL('./flows/greeter.yaml', import.meta.url), 'utf8');
const TENANT_KEY = 'sk-tenant-secret-abcd1234';
const INSTALLATION_KEY = 'sk-installation-secret-9999';

let server: TestApp;
let installationFake: FakeOpenAi;
let fake: FakeOpenAi;
beforeAll(async () => {
  installationFake = await startFakeOpenAi({ apiKey: INSTALLATION_KEY });
  // Tenant-configured model servers go through the SSRF guard: the loopback fakes must be allow-listed.
  server = await startApp({ env: { OPENAI_API_KEY: INSTALLATION_KEY, OPENAI_BASE_URL: installationFake.url, MCP_MODELS_RETRY_BASE_MS: '1', MCP_SSRF_ALLOW: '127.0.0.1' } });
});
afterAll(async () => {
  await server.stop();
  await installationFake.close();
});
afterEach(async () => {
  await fake?.close();
});

const openaiWithKey = (url: string) => ({ kind: 'openai', baseUrl: url, apiKey: TENANT_KEY });

describe('GET/PUT /v1/models/settings', () => {
  it('shows the installation provider without any part of its key', async () => {
    const api = client(server.url, (await createTenant(server.app)).apiKey);
    const settings = await api.get('/v1/models/settings');
    expect(settings.status).toBe(200);
    expect(settings.body).toMatchObject({
      providers: { openai: { kind: 'openai', hasApiKey: true, apiKeyHint: null, source: 'installation', defaultModel: 'gpt-4o-mini' } },
      routing: {},
      effectiveRouting: { cascadeThreshold: 0.8, tasks: { intent: [{ provider: 'openai', model: 'gpt-4o-mini' }], entities: [] } },
      updatedAt: null,
    });
    expect(JSON.stringify(settings.body)).not.toContain(INSTALLATION_KEY);
  });

  it('stores tenant keys sealed, never returns them, and routes the tenant through them', async () => {
    fake = await startFakeOpenAi({ apiKey: TENANT_KEY });
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    const put = await api.call('PUT', '/v1/models/settings', {
      providers: { mine: openaiWithKey(fake.url), local: { kind: 'openai_compatible', baseUrl: 'http://127.0.0.1:9/v1' } },
      routing: { cascadeThreshold: 1, tasks: { intent: [{ provider: 'mine', model: 'gpt-4.1-mini' }] } },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      providers: { mine: { kind: 'openai', hasApiKey: true, apiKeyHint: '1234', source: 'tenant' }, local: { hasApiKey: false, apiKeyHint: null } },
      effectiveRouting: { cascadeThreshold: 1, tasks: { intent: [{ provider: 'mine', model: 'gpt-4.1-mini' }] } },
    });
    expect(JSON.stringify(put.body)).not.toContain(TENANT_KEY);
    expect(JSON.stringify((await api.get('/v1/models/settings')).body)).not.toContain(TENANT_KEY);

    const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    const { rows } = await db.query('SELECT providers::text AS providers FROM model_settings WHERE tenant_id = $1', [tenant.id]);
    await db.end();
    expect(rows[0].providers).not.toContain(TENANT_KEY);

    // A conversation's intent now comes from the tenant's own provider, with the tenant's key.
    fake.answerWith(completion({ intent: 'bye', confidence: 0.95 }));
    const flow = await api.post<{ id: string }>('/v1/flows', GREETER);
    await api.post(`/v1/flows/${flow.body.id}/publish`);
    await api.post(`/v1/flows/${flow.body.id}/default`);
    const turn = await api.post('/v1/conversations/c1/messages', { text: 'I am off now' });
    expect(turn.body).toMatchObject({ intent: 'bye', ended: true });
    expect(fake.chats()).toHaveLength(1);
    expect(fake.chats()[0]!.headers.authorization).toBe(`Bearer ${TENANT_KEY}`);
    expect(fake.chats()[0]!.body).toMatchObject({ model: 'gpt-4.1-mini' });
    expect(installationFake.chats()).toHaveLength(0);
  });

  it('keeps a stored key when it is omitted, asks for it again when the URL changes, and drops it on null', async () => {
    const api = client(server.url, (await createTenant(server.app)).apiKey);
    const put = (provider: object) => api.call('PUT', '/v1/models/settings', { providers: { mine: provider } });
    expect((await put(openaiWithKey('http://127.0.0.1:9/v1'))).status).toBe(200);
    const kept = await put({ kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1' });
    expect(kept.body).toMatchObject({ providers: { mine: { hasApiKey: true, apiKeyHint: '1234' } } });
    const moved = await put({ kind: 'openai', baseUrl: 'http://attacker.example/v1' });
    expect(moved.status).toBe(400);
    expect(moved.body).toMatchObject({ error: { code: 'bad_request', details: [{ path: 'providers.mine.apiKey' }] } });
    const dropped = await put({ kind: 'openai_compatible', baseUrl: 'http://127.0.0.1:9/v1', apiKey: null });
    expect(dropped.body).toMatchObject({ providers: { mine: { hasApiKey: false } } });
  });

  it('lists the provider kinds of the registry, with what each needs', async () => {
    const api = client(server.url, (await createTenant(server.app)).apiKey);
    const kinds = await api.get<{ kinds: { id: string; defaultBaseUrl: string | null; requiresApiKey: boolean; configSchema: { required?: string[] } }[] }>('/v1/models/kinds');
    expect(kinds.status).toBe(200);
    expect(kinds.body.kinds.map((k) => k.id)).toEqual(['openai', 'openai_compatible', 'anthropic']);
    const compatible = kinds.body.kinds.find((k) => k.id === 'openai_compatible')!;
    expect(compatible).toMatchObject({ defaultBaseUrl: null, requiresApiKey: false, configSchema: { required: ['baseUrl'] } });
    expect((await client(server.url).get('/v1/models/kinds')).status).toBe(401);
  });

  it('rejects bad settings with a 400 that names the field', async () => {
    const api = client(server.url, (await createTenant(server.app)).apiKey);
    const bad = async (body: unknown) => {
      const response = await api.call<{ error: { code: string; message: string } }>('PUT', '/v1/models/settings', body);
      expect(response.status).toBe(400);
      return response.body.error.message;
    };
    expect(await bad({ routing: { tasks: { intent: [{ provider: 'nobody', model: 'x' }] } } })).toContain("'nobody'");
    expect(await bad({ providers: { mine: { kind: 'openai' } } })).toContain('needs an API key');
    expect(await bad({ providers: { mine: { kind: 'openai_compatible' } } })).toContain('base URL');
    expect(await bad({ providers: { mine: { kind: 'gemini', apiKey: 'x' } } })).toBeTruthy();
    expect(await bad({ providers: { 'Bad Name': { kind: 'openai', apiKey: 'x' } } })).toBeTruthy();
    expect(await bad({ providers: { mine: { kind: 'openai_compatible', baseUrl: 'file:///etc/passwd' } } })).toBeTruthy();
    expect(await bad({ routing: { cascadeThreshold: 2 } })).toBeTruthy();
    expect(await bad('not json')).toBeTruthy();
  });

  it('needs models:read to read and models:write to change', async () => {
    const tenant = await createTenant(server.app);
    const { secret } = await server.app.security.createApiKey(tenant.id, { name: 'reader', scopes: ['models:read'] });
    const reader = client(server.url, secret);
    expect((await reader.get('/v1/models/settings')).status).toBe(200);
    expect((await reader.call('PUT', '/v1/models/settings', {})).status).toBe(403);
    expect((await reader.post('/v1/models/test', { provider: 'openai' })).status).toBe(403);
    expect((await client(server.url).get('/v1/models/settings')).status).toBe(401);
  });

  it("keeps each tenant's providers to itself", async () => {
    fake = await startFakeOpenAi({ apiKey: TENANT_KEY });
    const [a, b] = await twoTenants(server.app);
    const apiA = client(server.url, a.apiKey);
    const apiB = client(server.url, b.apiKey);
    expect((await apiA.call('PUT', '/v1/models/settings', { providers: { mine: openaiWithKey(fake.url) } })).status).toBe(200);
    const seenByB = await apiB.get<{ providers: Record<string, unknown> }>('/v1/models/settings');
    expect(Object.keys(seenByB.body.providers)).toEqual(['openai']);
    expect((await apiB.post('/v1/models/test', { provider: 'mine' })).status).toBe(404);
    expect((await apiB.call('PUT', '/v1/models/settings', { routing: { tasks: { intent: [{ provider: 'mine', model: 'x' }] } } })).status).toBe(400);
    expect((await apiA.post('/v1/models/test', { provider: 'mine' })).body).toMatchObject({ ok: true });
  });
});

describe('POST /v1/models/test', () => {
  it('checks saved and unsaved credentials by listing models', async () => {
    fake = await startFakeOpenAi({ apiKey: TENANT_KEY });
    const api = client(server.url, (await createTenant(server.app)).apiKey);
    expect((await api.post('/v1/models/test', { provider: 'openai' })).body).toMatchObject({ ok: true, models: ['gpt-4o-mini'] });
    expect((await api.post('/v1/models/test', { provider: openaiWithKey(fake.url) })).body).toMatchObject({ ok: true, models: ['gpt-4o-mini'] });
    const wrong = await api.post('/v1/models/test', { provider: { ...openaiWithKey(fake.url), apiKey: 'sk-wrong' } });
    expect(wrong.status).toBe(200);
    expect(wrong.body).toMatchObject({ ok: false, error: { code: 'auth' } });
    expect(fake.requests.every((r) => r.method === 'GET' && r.path === '/v1/models')).toBe(true);
    expect((await api.post('/v1/models/test', { provider: 'nobody' })).status).toBe(404);
    expect((await api.post('/v1/models/test', {})).status).toBe(400);
  });

  it('refuses a tenant model server on an internal address unless the operator allows it', async () => {
    fake = await startFakeOpenAi({ apiKey: TENANT_KEY });
    const guarded = await startApp({ env: { MCP_MODELS_RETRY_BASE_MS: '1' } });
    try {
      const api = client(guarded.url, (await createTenant(guarded.app)).apiKey);
      const refused = await api.post('/v1/models/test', { provider: openaiWithKey(fake.url) });
      expect(refused.body).toMatchObject({ ok: false });
      expect(fake.requests).toEqual([]);
    } finally {
      await guarded.stop();
    }
  });
});
