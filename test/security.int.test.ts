import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from './support/clock.js';
import pg from 'pg';
import { TEST_DATABASE_URL, uniqueSuffix } from './support/env.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';

const GREETER = readFileSync(new URL('./flows/greeter.yaml', import.meta.url), 'utf8');
const PLATFORM_KEY = `platform-${'k'.repeat(40)}`;
const clock = manualClock();

let server: TestApp;
beforeAll(async () => {
  server = await startApp({ clock, env: { MCP_PLATFORM_ADMIN_KEY: PLATFORM_KEY, MCP_ACCESS_TOKEN_TTL_SECONDS: '300' } });
});
afterAll(async () => {
  await server.stop();
});

type Session = { accessToken: string; refreshToken: string; expiresIn: number; user: { id: string; role: string } };

/** A workspace made the way an operator makes one: through the platform API, with its first owner. */
async function newWorkspace() {
  const platform = client(server.url, PLATFORM_KEY);
  const slug = `ws-${uniqueSuffix()}`;
  const created = await platform.post<{ tenant: { id: string; slug: string } }>('/v1/tenants', {
    slug,
    name: 'Workspace',
    owner: { email: 'Owner@Example.com', password: 'correct horse battery' },
  });
  expect(created.status).toBe(201);
  const login = await client(server.url).post<Session>('/v1/auth/login', { workspace: slug, email: 'owner@example.com', password: 'correct horse battery' });
  expect(login.status).toBe(200);
  return { tenantId: created.body.tenant.id, slug, owner: login.body, api: client(server.url, login.body.accessToken) };
}

describe('people: login, roles, invitations, revocation', () => {
  it('logs an owner in, and refuses wrong passwords with one message for every cause', async () => {
    const ws = await newWorkspace();
    expect(ws.owner.expiresIn).toBe(300);
    expect((await ws.api.get('/v1/auth/me')).body).toMatchObject({ kind: 'user', role: 'owner', tenantId: ws.tenantId });
    const anon = client(server.url);
    for (const body of [
      { workspace: ws.slug, email: 'owner@example.com', password: 'wrong password' },
      { workspace: ws.slug, email: 'nobody@example.com', password: 'correct horse battery' },
      { workspace: 'no-such-workspace', email: 'owner@example.com', password: 'correct horse battery' },
    ]) {
      const res = await anon.post('/v1/auth/login', body);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 'unauthorized', message: 'Wrong workspace, e-mail or password.' } });
    }
    expect((await anon.post('/v1/auth/login', { workspace: ws.slug, email: 'not-an-email' })).status).toBe(400);
  });

  it('invites people with roles; each role gets exactly its permissions', async () => {
    const ws = await newWorkspace();
    const invite = await ws.api.post<{ inviteToken: string; user: { id: string; status: string } }>('/v1/users', { email: 'ed@example.com', role: 'editor' });
    expect(invite.status).toBe(201);
    expect(invite.body.user.status).toBe('invited');
    const accepted = await client(server.url).post<Session>('/v1/auth/accept-invite', { token: invite.body.inviteToken, password: 'editor password 1' });
    expect(accepted.status).toBe(200);
    const editor = client(server.url, accepted.body.accessToken);
    expect((await editor.post('/v1/flows', GREETER)).status).toBe(201);
    const forbidden = await editor.get('/v1/users');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ error: { code: 'forbidden', message: expect.stringContaining('users:read') } });
    // The invitation works once.
    expect((await client(server.url).post('/v1/auth/accept-invite', { token: invite.body.inviteToken, password: 'another password' })).status).toBe(401);

    const analystInvite = await ws.api.post<{ inviteToken: string }>('/v1/users', { email: 'ana@example.com', role: 'analyst' });
    const analyst = await client(server.url).post<Session>('/v1/auth/accept-invite', { token: analystInvite.body.inviteToken, password: 'analyst password' });
    const analystApi = client(server.url, analyst.body.accessToken);
    expect((await analystApi.get('/v1/flows')).status).toBe(200);
    expect((await analystApi.post('/v1/flows', GREETER)).status).toBe(403);

    expect((await ws.api.post('/v1/users', { email: 'ed@example.com', role: 'agent' })).status).toBe(409);
    expect((await ws.api.post('/v1/users', { email: 'x@example.com', role: 'emperor' })).status).toBe(400);
  });

  it('revokes tokens on logout, password change, disabling and role change', async () => {
    const ws = await newWorkspace();
    const invite = await ws.api.post<{ inviteToken: string; user: { id: string } }>('/v1/users', { email: 'a@example.com', role: 'editor' });
    const session = (await client(server.url).post<Session>('/v1/auth/accept-invite', { token: invite.body.inviteToken, password: 'first password' })).body;
    const person = client(server.url, session.accessToken);
    expect((await person.get('/v1/flows')).status).toBe(200);

    // Refresh rotates: the old refresh token works once.
    const refreshed = await client(server.url).post<Session>('/v1/auth/refresh', { refreshToken: session.refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await client(server.url).post('/v1/auth/refresh', { refreshToken: session.refreshToken })).status).toBe(401);
    // That reuse ended the whole login session (test/security-accounts.int.test.ts); go on in a new one.
    const relogin = await client(server.url).post<Session>('/v1/auth/login', { workspace: ws.slug, email: 'a@example.com', password: 'first password' });

    const current = client(server.url, relogin.body.accessToken);
    expect((await current.post('/v1/auth/password', { currentPassword: 'wrong', newPassword: 'second password' })).status).toBe(403);
    expect((await current.post('/v1/auth/password', { currentPassword: 'first password', newPassword: 'second password' })).status).toBe(200);
    expect((await current.get('/v1/flows')).status).toBe(401);
    expect((await client(server.url).post('/v1/auth/refresh', { refreshToken: relogin.body.refreshToken })).status).toBe(401);

    const again = (await client(server.url).post<Session>('/v1/auth/login', { workspace: ws.slug, email: 'a@example.com', password: 'second password' })).body;
    expect((await ws.api.call('PATCH', `/v1/users/${invite.body.user.id}`, { status: 'disabled' })).status).toBe(200);
    expect((await client(server.url, again.accessToken).get('/v1/flows')).status).toBe(401);
    expect((await client(server.url).post('/v1/auth/login', { workspace: ws.slug, email: 'a@example.com', password: 'second password' })).status).toBe(401);

    const logout = await ws.api.post('/v1/auth/logout');
    expect(logout.status).toBe(200);
    expect((await ws.api.get('/v1/flows')).status).toBe(401);
  });

  it('expires access tokens; refresh gives new ones', async () => {
    const ws = await newWorkspace();
    clock.advance(301_000);
    expect((await ws.api.get('/v1/flows')).status).toBe(401);
    const refreshed = await client(server.url).post<Session>('/v1/auth/refresh', { refreshToken: ws.owner.refreshToken });
    expect((await client(server.url, refreshed.body.accessToken).get('/v1/flows')).status).toBe(200);
  });

  it('keeps at least one active owner', async () => {
    const ws = await newWorkspace();
    const res = await ws.api.call('PATCH', `/v1/users/${ws.owner.user.id}`, { role: 'editor' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'conflict', message: expect.stringContaining('at least one active owner') } });
  });
});

describe('API keys', () => {
  it('shows the secret once, scopes permissions, expires and revokes', async () => {
    const ws = await newWorkspace();
    const created = await ws.api.post<{ secret: string; key: { id: string; prefix: string; scopes: string[] } }>('/v1/api-keys', {
      name: 'read-only',
      scopes: ['flows:read'],
      expiresAt: new Date(clock.now() + 3600_000).toISOString(),
    });
    expect(created.status).toBe(201);
    expect(created.body.secret.startsWith(created.body.key.prefix)).toBe(true);
    const listed = await ws.api.get<{ apiKeys: Record<string, unknown>[] }>('/v1/api-keys');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expect(listed.body.apiKeys).toEqual([expect.objectContaining({ id: created.body.key.id, scopes: ['flows:read'] })]);

    const key = client(server.url, created.body.secret);
    expect((await key.get('/v1/flows')).status).toBe(200);
    expect((await key.post('/v1/flows', GREETER)).status).toBe(403);
    // A key cannot mint a key with more than it has.
    expect((await key.post('/v1/api-keys', { name: 'escalate', scopes: ['users:write'] })).status).toBe(403);

    const other = await ws.api.post<{ secret: string; key: { id: string } }>('/v1/api-keys', { name: 'full' });
    clock.advance(3601_000);
    expect((await key.get('/v1/flows')).status).toBe(401);
    const owner = await client(server.url).post<Session>('/v1/auth/refresh', { refreshToken: ws.owner.refreshToken });
    ws.api = client(server.url, owner.body.accessToken);

    expect((await client(server.url, other.body.secret).get('/v1/flows')).status).toBe(200);
    expect((await ws.api.call('DELETE', `/v1/api-keys/${other.body.key.id}`)).body).toMatchObject({ revokedAt: expect.any(String) });
    expect((await client(server.url, other.body.secret).get('/v1/flows')).status).toBe(401);

    expect((await ws.api.post('/v1/api-keys', { name: 'past', expiresAt: '2001-01-01T00:00:00Z' })).status).toBe(400);
    expect((await ws.api.post('/v1/api-keys', { name: 'bad', scopes: ['flows:fly'] })).status).toBe(400);
    expect((await ws.api.call('DELETE', '/v1/api-keys/not-an-id')).status).toBe(404);
  });
});

describe('audit log', () => {
  it('records who did what, from where, with filters', async () => {
    const ws = await newWorkspace();
    const flow = await ws.api.post<{ id: string }>('/v1/flows', GREETER);
    await ws.api.post(`/v1/flows/${flow.body.id}/publish`);
    const key = await ws.api.post<{ key: { id: string } }>('/v1/api-keys', { name: 'ci' });
    await ws.api.call('DELETE', `/v1/api-keys/${key.body.key.id}`);

    const all = await ws.api.get<{ entries: { action: string; actorId: string; target: string; ip: string }[] }>('/v1/audit');
    expect(all.body.entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['auth.login', 'flow.create', 'flow.publish', 'api_key.create', 'api_key.revoke', 'tenant.create']),
    );
    const publish = all.body.entries.find((e) => e.action === 'flow.publish')!;
    expect(publish).toMatchObject({ actorId: ws.owner.user.id, target: flow.body.id, ip: expect.any(String) });
    const onlyKeys = await ws.api.get<{ entries: { action: string }[] }>('/v1/audit?action=api_key');
    expect(onlyKeys.body.entries.map((e) => e.action).sort()).toEqual(['api_key.create', 'api_key.revoke']);
    expect((await ws.api.get('/v1/audit?from=yesterday')).status).toBe(400);
  });
});

describe('platform administration', () => {
  it('suspends and deletes tenants, with all of their data', async () => {
    const ws = await newWorkspace();
    const platform = client(server.url, PLATFORM_KEY);
    const key = (await ws.api.post<{ secret: string }>('/v1/api-keys', { name: 'bot' })).body.secret;
    const flow = await ws.api.post<{ id: string }>('/v1/flows', GREETER);
    await ws.api.post(`/v1/flows/${flow.body.id}/publish`);
    await ws.api.post(`/v1/flows/${flow.body.id}/default`);
    await client(server.url, key).post('/v1/conversations/c/messages', { text: 'hello' });

    expect((await ws.api.get('/v1/tenants')).status).toBe(403);
    expect((await platform.get('/v1/flows')).status).toBe(403);

    expect((await platform.call('PATCH', `/v1/tenants/${ws.tenantId}`, { status: 'suspended' })).body).toMatchObject({ status: 'suspended' });
    expect((await client(server.url, key).get('/v1/flows')).status).toBe(401);
    expect((await client(server.url).post('/v1/auth/login', { workspace: ws.slug, email: 'owner@example.com', password: 'correct horse battery' })).status).toBe(401);
    await platform.call('PATCH', `/v1/tenants/${ws.tenantId}`, { status: 'active' });
    expect((await client(server.url, key).get('/v1/conversations/c')).status).toBe(200);

    expect((await platform.call('DELETE', `/v1/tenants/${ws.tenantId}`)).body).toEqual({ deleted: true });
    expect((await platform.get(`/v1/tenants/${ws.tenantId}`)).status).toBe(404);
    expect((await client(server.url, key).get('/v1/flows')).status).toBe(401);
    const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    try {
      for (const table of ['flows', 'flow_versions', 'conversation_contexts', 'turn_traces', 'messages', 'conversations', 'api_keys', 'users']) {
        const { rows } = await db.query(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [ws.tenantId]);
        expect({ table, n: rows[0].n }).toEqual({ table, n: 0 });
      }
    } finally {
      await db.end();
    }
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After per credential, and per address on public routes', async () => {
    const limited = await startApp({ env: { MCP_RATE_LIMIT_PER_CREDENTIAL: '3', MCP_RATE_LIMIT_PUBLIC_PER_IP: '2', MCP_RATE_LIMIT_WEBHOOK_PER_IP: '4' } });
    try {
      const tenant = await limited.app.security.createTenant({ slug: `rl-${uniqueSuffix()}`, name: 'RL' });
      const { secret } = await limited.app.security.createApiKey(tenant.id, { name: 'k' });
      const api = client(limited.url, secret);
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await api.get('/v1/flows')).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const blocked = await api.get('/v1/flows');
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(blocked.body).toMatchObject({ error: { code: 'rate_limited' } });

      const anon = client(limited.url);
      const logins = [];
      for (let i = 0; i < 3; i += 1) logins.push((await anon.post('/v1/auth/login', { workspace: 'x', email: 'a@b.co', password: 'p' })).status);
      expect(logins).toEqual([401, 401, 429]);

      // Webhooks have their own, higher, per-address budget.
      const hook = `/v1/channels/${tenant.slug}/whatsapp?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`;
      const hooks = [];
      for (let i = 0; i < 5; i += 1) hooks.push((await fetch(`${limited.url}${hook}`)).status);
      expect(hooks.slice(0, 4).every((status) => status !== 429)).toBe(true);
      expect(hooks[4]).toBe(429);
    } finally {
      await limited.stop();
    }
  });
});

describe('tenant isolation of people, keys and audit', () => {
  it('never lets workspace B see or change workspace A’s users, keys or audit entries', async () => {
    const a = await newWorkspace();
    const b = await newWorkspace();
    const key = await a.api.post<{ key: { id: string } }>('/v1/api-keys', { name: 'a-key' });
    const invite = await a.api.post<{ user: { id: string } }>('/v1/users', { email: 'x@example.com', role: 'agent' });

    expect((await b.api.get<{ users: { email: string }[] }>('/v1/users')).body.users.map((u) => u.email)).toEqual(['owner@example.com']);
    expect((await b.api.get<{ apiKeys: unknown[] }>('/v1/api-keys')).body.apiKeys).toEqual([]);
    expect((await b.api.call('PATCH', `/v1/users/${invite.body.user.id}`, { role: 'owner' })).status).toBe(404);
    expect((await b.api.call('DELETE', `/v1/api-keys/${key.body.key.id}`)).status).toBe(404);
    const audit = await b.api.get<{ entries: { target?: string }[] }>('/v1/audit');
    expect(audit.body.entries.some((e) => e.target === key.body.key.id)).toBe(false);
    expect((await a.api.get<{ apiKeys: { revokedAt: string | null }[] }>('/v1/api-keys')).body.apiKeys[0]?.revokedAt).toBeNull();
  });
});

describe('API surface', () => {
  it('publishes OpenAPI 3.1 and docs, and sends security headers', async () => {
    const spec = await client(server.url).get<{ openapi: string; paths: Record<string, unknown> }>('/v1/openapi.json');
    expect(spec.body.openapi).toBe('3.1.0');
    expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/v1/flows', '/v1/auth/login', '/v1/api-keys', '/v1/audit', '/v1/tenants']));
    const docs = await fetch(`${server.url}/docs/`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('x-content-type-options')).toBe('nosniff');
    // Helmet's headers on API answers and errors alike; the widget script alone may be loaded cross-origin.
    for (const response of [await fetch(`${server.url}/v1/flows`), await fetch(`${server.url}/v1/nope`), await fetch(`${server.url}/healthz`)]) {
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
      expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
    const widget = await fetch(`${server.url}/widget.js`);
    expect(widget.status).toBe(200);
    expect(widget.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(widget.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('CORS', () => {
  it('answers browsers only from the origins the operator lists', async () => {
    const withCors = await startApp({ env: { MCP_CORS_ORIGINS: 'https://console.example' } });
    try {
      const allowed = await fetch(`${withCors.url}/v1/flows`, { method: 'OPTIONS', headers: { origin: 'https://console.example', 'access-control-request-method': 'GET' } });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://console.example');
      const other = await fetch(`${withCors.url}/v1/flows`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await withCors.stop();
    }
    const plain = await fetch(`${server.url}/v1/flows`, { headers: { origin: 'https://console.example' } });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('quotas and audited configuration', () => {
  it('refuses messages past the workspace’s daily quota, storing none of them', async () => {
    const ws = await newWorkspace();
    const platform = client(server.url, PLATFORM_KEY);
    expect((await platform.call('PATCH', `/v1/tenants/${ws.tenantId}`, { dailyMessageQuota: 2 })).body).toMatchObject({ dailyMessageQuota: 2 });
    const flow = await ws.api.post<{ id: string }>('/v1/flows', GREETER);
    await ws.api.post(`/v1/flows/${flow.body.id}/publish`);
    await ws.api.post(`/v1/flows/${flow.body.id}/default`);
    expect((await ws.api.post('/v1/conversations/q/messages', { text: 'hello' })).status).toBe(200);
    expect((await ws.api.post('/v1/conversations/q/messages', { text: 'hey' })).status).toBe(200);
    const over = await ws.api.post('/v1/conversations/q/messages', { text: 'one more' });
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ error: { code: 'rate_limited', message: expect.stringContaining('2 messages for today') } });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    const stored = await ws.api.get<{ messages: { direction: string }[] }>('/v1/conversations/q/messages');
    expect(stored.body.messages.filter((m) => m.direction === 'inbound')).toHaveLength(2);
  });

  it('audits channel, integration and model settings changes', async () => {
    const ws = await newWorkspace();
    expect((await ws.api.call('PUT', '/v1/channels/web', { config: { allowedOrigins: ['https://shop.example'] } })).status).toBe(200);
    expect((await ws.api.post('/v1/integrations', { name: 'orders', kind: 'http', config: { baseUrl: 'https://orders.example', auth: { type: 'none' } } })).status).toBe(201);
    const audit = await ws.api.get<{ entries: { action: string; target?: string }[] }>('/v1/audit');
    expect(audit.body.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['channel.update', 'integration.create']));
    expect(audit.body.entries.find((e) => e.action === 'channel.update')?.target).toBe('web');
  });
});
