import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from './support/clock.js';
import { uniqueSuffix } from './support/env.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { addMember, MEMBER_PASSWORD, newWorkspace, OWNER_PASSWORD, type Session } from './support/workspaces.js';

const PLATFORM_KEY = `platform-${'a'.repeat(40)}`;
const clock = manualClock();

let server: TestApp;
beforeAll(async () => {
  server = await startApp({ clock, env: { MCP_PLATFORM_ADMIN_KEY: PLATFORM_KEY } });
});
afterAll(async () => {
  await server.stop();
});

const workspace = () => newWorkspace(server.url, PLATFORM_KEY);
const anon = () => client(server.url);
const login = (slug: string, email: string, password: string) => anon().post<Session>('/v1/auth/login', { workspace: slug, email, password });

describe('login throttling per account', () => {
  it('locks an account after 5 failures with a growing delay; a success resets it', async () => {
    const ws = await workspace();
    const statuses = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await login(ws.slug, 'owner@example.com', `wrong guess ${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);

    // Locked: even the right password waits, and the answer says for how long.
    const locked = await login(ws.slug, 'owner@example.com', OWNER_PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ error: { code: 'rate_limited', message: expect.stringContaining('failed logins') } });
    const firstDelay = Number(locked.headers.get('retry-after'));
    expect(firstDelay).toBeGreaterThan(0);

    // Other people of the workspace are not locked out.
    const colleague = await addMember(server.url, ws.api, 'editor');
    expect((await login(ws.slug, colleague.email, MEMBER_PASSWORD)).status).toBe(200);

    // One more failure after the lock ends locks it again, for longer.
    clock.advance(firstDelay * 1000);
    expect((await login(ws.slug, 'owner@example.com', 'wrong again')).status).toBe(401);
    const relocked = await login(ws.slug, 'owner@example.com', OWNER_PASSWORD);
    expect(relocked.status).toBe(429);
    const secondDelay = Number(relocked.headers.get('retry-after'));
    expect(secondDelay).toBeGreaterThan(firstDelay);

    clock.advance(secondDelay * 1000);
    expect((await login(ws.slug, 'owner@example.com', OWNER_PASSWORD)).status).toBe(200);
    // The success cleared the count: four failures in a row are answered 401 again.
    for (let i = 0; i < 4; i += 1) expect((await login(ws.slug, 'owner@example.com', `wrong ${i}`)).status).toBe(401);
    expect((await login(ws.slug, 'owner@example.com', OWNER_PASSWORD)).status).toBe(200);
  });

  it('counts failures for e-mails that do not exist too, so locks do not reveal who is a member', async () => {
    const ws = await workspace();
    const statuses = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await login(ws.slug, 'ghost@example.com', `guess ${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('limits failures per workspace, across accounts', async () => {
    const ws = await workspace();
    const statuses: number[] = [];
    // 4 failures for each of many addresses stays under the per-account lock.
    for (let i = 0; statuses.length < 60 && !statuses.includes(429); i += 1) {
      for (let j = 0; j < 4; j += 1) statuses.push((await login(ws.slug, `spray-${i}@example.com`, `guess ${j}`)).status);
    }
    expect(statuses).toContain(429);
    const blocked = await login(ws.slug, `fresh-${uniqueSuffix()}@example.com`, 'anything at all');
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({ error: { code: 'rate_limited', message: expect.stringContaining('workspace') } });
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another workspace is not affected.
    const other = await workspace();
    expect((await login(other.slug, 'owner@example.com', OWNER_PASSWORD)).status).toBe(200);
  });

  it('keeps the login limit per address apart from web chat’s', async () => {
    const limited = await startApp({ env: { MCP_RATE_LIMIT_PUBLIC_PER_IP: '3' } });
    try {
      const tenant = await limited.app.security.createTenant({ slug: `rl-${uniqueSuffix()}`, name: 'RL' });
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await client(limited.url).post('/v1/auth/login', { workspace: tenant.slug, email: `u${i}@b.co`, password: 'p' })).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      const chat = await client(limited.url).get(`/v1/webchat/messages?key=${tenant.widgetKey}&conversation=c1`);
      expect(chat.status).not.toBe(429);
    } finally {
      await limited.stop();
    }
  });
});

describe('refresh token reuse', () => {
  it('revokes the whole login session when a rotated refresh token is used again, and only that one', async () => {
    const ws = await workspace();
    const first = ws.owner;
    const rotated = await anon().post<Session>('/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(rotated.status).toBe(200);
    const other = (await login(ws.slug, 'owner@example.com', OWNER_PASSWORD)).body;

    // Someone replays the old token (stolen): refused, and the session it belongs to ends.
    expect((await anon().post('/v1/auth/refresh', { refreshToken: first.refreshToken })).status).toBe(401);
    expect((await anon().post('/v1/auth/refresh', { refreshToken: rotated.body.refreshToken })).status).toBe(401);
    expect((await client(server.url, rotated.body.accessToken).get('/v1/flows')).status).toBe(401);

    // The same person's other login is untouched.
    expect((await client(server.url, other.accessToken).get('/v1/flows')).status).toBe(200);
    expect((await anon().post('/v1/auth/refresh', { refreshToken: other.refreshToken })).status).toBe(200);
  });
});

describe('API keys of people who leave', () => {
  it('stop working while their creator is disabled, and work again when re-enabled', async () => {
    const ws = await workspace();
    const admin = await addMember(server.url, ws.api, 'admin');
    const key = (await admin.api.post<{ secret: string }>('/v1/api-keys', { name: 'admin key' })).body.secret;
    // A key made by that key answers to the same person.
    const child = (await client(server.url, key).post<{ secret: string }>('/v1/api-keys', { name: 'child' })).body.secret;
    const ownerKey = (await ws.api.post<{ secret: string }>('/v1/api-keys', { name: 'owner key' })).body.secret;
    for (const k of [key, child, ownerKey]) expect((await client(server.url, k).get('/v1/flows')).status).toBe(200);

    expect((await ws.api.call('PATCH', `/v1/users/${admin.id}`, { status: 'disabled' })).status).toBe(200);
    expect((await client(server.url, key).get('/v1/flows')).status).toBe(401);
    expect((await client(server.url, child).get('/v1/flows')).status).toBe(401);
    expect((await client(server.url, ownerKey).get('/v1/flows')).status).toBe(200);

    expect((await ws.api.call('PATCH', `/v1/users/${admin.id}`, { status: 'active' })).status).toBe(200);
    expect((await client(server.url, key).get('/v1/flows')).status).toBe(200);
  });

  it('never carry more than their creator’s current role', async () => {
    const ws = await workspace();
    const admin = await addMember(server.url, ws.api, 'admin');
    const key = client(server.url, (await admin.api.post<{ secret: string }>('/v1/api-keys', { name: 'admin key' })).body.secret);
    expect((await key.get('/v1/users')).status).toBe(200);
    expect((await ws.api.call('PATCH', `/v1/users/${admin.id}`, { role: 'analyst' })).status).toBe(200);
    expect((await key.get('/v1/users')).status).toBe(403);
    expect((await key.get('/v1/flows')).status).toBe(200);
  });
});

describe('password strength', () => {
  it('refuses short and easily guessed passwords, saying why', async () => {
    const ws = await workspace();
    const invite = await ws.api.post<{ inviteToken: string }>('/v1/users', { email: 'weak@example.com', role: 'editor' });
    const weak = await anon().post('/v1/auth/accept-invite', { token: invite.body.inviteToken, password: 'password12' });
    expect(weak.status).toBe(400);
    expect(weak.body).toMatchObject({ error: { code: 'bad_request', message: expect.stringMatching(/too easy to guess.*commonly used/i) } });
    expect((await anon().post('/v1/auth/accept-invite', { token: invite.body.inviteToken, password: 'short' })).status).toBe(400);
    // The invitation is still usable with a good password.
    expect((await anon().post('/v1/auth/accept-invite', { token: invite.body.inviteToken, password: MEMBER_PASSWORD })).status).toBe(200);

    const change = await ws.api.post('/v1/auth/password', { currentPassword: OWNER_PASSWORD, newPassword: 'qwertyuiop' });
    expect(change.status).toBe(400);
    expect(change.body).toMatchObject({ error: { code: 'bad_request', message: expect.stringContaining('too easy to guess') } });
    expect((await login(ws.slug, 'owner@example.com', OWNER_PASSWORD)).status).toBe(200);

    const platform = client(server.url, PLATFORM_KEY);
    const tenant = await platform.post('/v1/tenants', { slug: `weak-${uniqueSuffix()}`, name: 'Weak', owner: { email: 'o@example.com', password: 'password12' } });
    expect(tenant.status).toBe(400);
  });
});
