import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { addMember, auditOf, newWorkspace } from './support/workspaces.js';

const PLATFORM_KEY = `platform-${'r'.repeat(40)}`;

let server: TestApp;
beforeAll(async () => {
  server = await startApp({ env: { MCP_PLATFORM_ADMIN_KEY: PLATFORM_KEY } });
});
afterAll(async () => {
  await server.stop();
});

const workspace = () => newWorkspace(server.url, PLATFORM_KEY);

describe('who may grant which role', () => {
  it('does not let an admin make an owner, promote itself, or demote or disable the owner', async () => {
    const ws = await workspace();
    const admin = await addMember(server.url, ws.api, 'admin');

    const inviteOwner = await admin.api.post('/v1/users', { email: 'boss@example.com', role: 'owner' });
    expect(inviteOwner.status).toBe(403);
    expect(inviteOwner.body).toMatchObject({ error: { code: 'forbidden', message: expect.stringContaining('owner') } });
    expect((await admin.api.call('PATCH', `/v1/users/${admin.id}`, { role: 'owner' })).status).toBe(403);
    expect((await admin.api.call('PATCH', `/v1/users/${ws.owner.user.id}`, { role: 'editor' })).status).toBe(403);
    expect((await admin.api.call('PATCH', `/v1/users/${ws.owner.user.id}`, { status: 'disabled' })).status).toBe(403);
    const users = await ws.api.get<{ users: { id: string; role: string; status: string }[] }>('/v1/users');
    expect(users.body.users.find((u) => u.id === ws.owner.user.id)).toMatchObject({ role: 'owner', status: 'active' });
    expect(users.body.users.find((u) => u.id === admin.id)).toMatchObject({ role: 'admin' });

    // Within their rank admins still manage people.
    expect((await admin.api.post('/v1/users', { email: 'ed@example.com', role: 'editor' })).status).toBe(201);
    const other = await addMember(server.url, admin.api, 'admin');
    expect((await admin.api.call('PATCH', `/v1/users/${other.id}`, { role: 'analyst' })).status).toBe(200);
  });

  it('lets owners make, demote and disable owners, but never the last active one', async () => {
    const ws = await workspace();
    const second = await addMember(server.url, ws.api, 'owner');
    expect((await second.api.call('PATCH', `/v1/users/${ws.owner.user.id}`, { role: 'admin' })).status).toBe(200);
    const last = await second.api.call('PATCH', `/v1/users/${second.id}`, { status: 'disabled' });
    expect(last.status).toBe(409);
    expect(last.body).toMatchObject({ error: { code: 'conflict', message: expect.stringContaining('at least one active owner') } });
    expect((await second.api.call('PATCH', `/v1/users/${second.id}`, { role: 'editor' })).status).toBe(409);
  });

  it('never lets an API key make, change or remove an owner, nor grant more than its scopes carry', async () => {
    const ws = await workspace();
    const usersOnly = await ws.api.post<{ secret: string }>('/v1/api-keys', { name: 'users', scopes: ['users:write'] });
    const narrow = client(server.url, usersOnly.body.secret);
    expect((await narrow.post('/v1/users', { email: 'o@example.com', role: 'owner' })).status).toBe(403);
    expect((await narrow.post('/v1/users', { email: 'a@example.com', role: 'agent' })).status).toBe(403);

    const full = client(server.url, (await ws.api.post<{ secret: string }>('/v1/api-keys', { name: 'full' })).body.secret);
    const ownerByKey = await full.post('/v1/users', { email: 'o@example.com', role: 'owner' });
    expect(ownerByKey.status).toBe(403);
    expect(ownerByKey.body).toMatchObject({ error: { message: expect.stringContaining('API key') } });
    expect((await full.call('PATCH', `/v1/users/${ws.owner.user.id}`, { role: 'agent' })).status).toBe(403);
    expect((await full.call('PATCH', `/v1/users/${ws.owner.user.id}`, { status: 'disabled' })).status).toBe(403);
    const admin = await full.post<{ user: { id: string } }>('/v1/users', { email: 'adm@example.com', role: 'admin' });
    expect(admin.status).toBe(201);
    expect((await full.call('PATCH', `/v1/users/${admin.body.user.id}`, { role: 'owner' })).status).toBe(403);

    const agentScopes = ['users:write', 'conversations:read', 'conversations:write', 'conversations:reset', 'handoff:reply'];
    const agentMaker = client(server.url, (await ws.api.post<{ secret: string }>('/v1/api-keys', { name: 'agents', scopes: agentScopes })).body.secret);
    expect((await agentMaker.post('/v1/users', { email: 'ag@example.com', role: 'agent' })).status).toBe(201);
    expect((await agentMaker.post('/v1/users', { email: 'ed@example.com', role: 'editor' })).status).toBe(403);
  });

  it('audits role changes with the old and the new role', async () => {
    const ws = await workspace();
    const editor = await addMember(server.url, ws.api, 'editor');
    expect((await ws.api.call('PATCH', `/v1/users/${editor.id}`, { role: 'admin' })).status).toBe(200);
    const [entry] = await auditOf(ws.api, 'user.update');
    expect(entry).toMatchObject({ actorId: ws.owner.user.id, target: editor.id, details: { role: { from: 'editor', to: 'admin' } } });
  });
});

describe('denied attempts', () => {
  it('are audited with who, which permission and which route', async () => {
    const ws = await workspace();
    const analyst = await addMember(server.url, ws.api, 'analyst');
    expect((await analyst.api.get('/v1/users')).status).toBe(403);
    const admin = await addMember(server.url, ws.api, 'admin');
    expect((await admin.api.post('/v1/users', { email: 'x@example.com', role: 'owner' })).status).toBe(403);

    const denied = await auditOf(ws.api, 'access.denied');
    expect(denied).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actorId: analyst.id, details: expect.objectContaining({ permission: 'users:read', method: 'GET', route: '/v1/users' }) }),
        expect.objectContaining({ actorId: admin.id, details: expect.objectContaining({ permission: 'users:write', method: 'POST', route: '/v1/users' }) }),
      ]),
    );
  });
});
