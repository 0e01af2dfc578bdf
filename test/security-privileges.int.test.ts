import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { addMember, newWorkspace, type Client, type Workspace } from './support/workspaces.js';

const PLATFORM_KEY = `platform-${'p'.repeat(40)}`;
const PROBE_ID = '00000000-0000-4000-8000-000000000000';
/** Routes for people only: API keys are refused (400 or 403) whatever they carry. */
const PERSON_ONLY = new Set(['POST /v1/auth/logout', 'POST /v1/auth/password']);

interface Operation {
  method: string;
  path: string;
  /** Any one of these lets a caller in. */
  anyOf: string[];
}
interface Principal {
  name: string;
  kind: 'user' | 'key' | 'platform';
  api: Client;
  permissions: Set<string>;
}

let server: TestApp;
beforeAll(async () => {
  server = await startApp({ env: { MCP_PLATFORM_ADMIN_KEY: PLATFORM_KEY } });
});
afterAll(async () => {
  await server.stop();
});

/** Every /v1 operation the gateway registers, with the permission it declares, from its own OpenAPI document. */
async function operations(): Promise<Operation[]> {
  const spec = await client(server.url).get<{ paths: Record<string, Record<string, { 'x-permission'?: string | string[] }>> }>('/v1/openapi.json');
  const found: Operation[] = [];
  for (const [path, methods] of Object.entries(spec.body.paths)) {
    if (!path.startsWith('/v1/')) continue;
    for (const [method, operation] of Object.entries(methods)) {
      const declared = operation['x-permission'];
      expect({ path, method, declared }).toEqual({ path, method, declared: expect.anything() });
      if (declared === 'public') continue;
      found.push({ method: method.toUpperCase(), path, anyOf: Array.isArray(declared) ? declared : [declared!] });
    }
  }
  // Logging out revokes the caller's tokens, so it goes last.
  return found.sort((a, b) => Number(a.path === '/v1/auth/logout') - Number(b.path === '/v1/auth/logout'));
}

async function principals(ws: Workspace, permissionsUsed: string[]): Promise<Principal[]> {
  const me = async (api: Client) => new Set((await api.get<{ permissions: string[] }>('/v1/auth/me')).body.permissions);
  const list: Principal[] = [{ name: 'owner', kind: 'user', api: ws.api, permissions: await me(ws.api) }];
  for (const role of ['admin', 'editor', 'analyst', 'agent']) {
    const member = await addMember(server.url, ws.api, role);
    list.push({ name: role, kind: 'user', api: member.api, permissions: await me(member.api) });
  }
  for (const permission of permissionsUsed.filter((p) => p !== 'platform:admin')) {
    const created = await ws.api.post<{ secret: string }>('/v1/api-keys', { name: `only ${permission}`, scopes: [permission] });
    expect(created.status).toBe(201);
    list.push({ name: `key[${permission}]`, kind: 'key', api: client(server.url, created.body.secret), permissions: new Set([permission]) });
  }
  list.push({ name: 'platform', kind: 'platform', api: client(server.url, PLATFORM_KEY), permissions: new Set(['platform:admin']) });
  return list;
}

function call(api: Client, op: Operation) {
  const path = op.path.replace('{version}', '1').replace(/\{[^}]+\}/g, PROBE_ID);
  return ['POST', 'PUT', 'PATCH'].includes(op.method) ? api.call(op.method, path, {}) : api.call(op.method, path);
}

describe('privilege matrix', () => {
  it('refuses every route to principals lacking its permission, and lets those having it through', async () => {
    const ops = await operations();
    expect(ops.length).toBeGreaterThan(30);
    expect(ops).toContainEqual(expect.objectContaining({ method: 'POST', path: '/v1/flows/{flowId}/try/{sessionId}' }));
    const everyone = await principals(await newWorkspace(server.url, PLATFORM_KEY), [...new Set(ops.flatMap((op) => op.anyOf))]);

    const wrong: string[] = [];
    for (const op of ops) {
      // One operation at a time (logout must come last), every principal at once.
      await Promise.all(
        everyone.map(async (who) => {
          const allowed = op.anyOf.some((p) => who.permissions.has(p));
          const { status } = await call(who.api, op);
          const personOnly = who.kind === 'key' && PERSON_ONLY.has(`${op.method} ${op.path}`);
          const ok = !allowed ? status === 403 : personOnly ? status >= 400 : status !== 401 && status !== 403;
          if (!ok) wrong.push(`${who.name} ${op.method} ${op.path} → ${status} (needs ${op.anyOf.join(' or ')})`);
        }),
      );
    }
    expect(wrong.sort()).toEqual([]);
  }, 120_000);
});

describe('running flows', () => {
  it('needs flows:run (or flows:write): editors may try and test flows, analysts and agents may not', async () => {
    const ws = await newWorkspace(server.url, PLATFORM_KEY);
    const roles = { editor: await addMember(server.url, ws.api, 'editor'), analyst: await addMember(server.url, ws.api, 'analyst'), agent: await addMember(server.url, ws.api, 'agent') };
    const perms = async (api: Client) => (await api.get<{ permissions: string[] }>('/v1/auth/me')).body.permissions;
    expect(await perms(ws.api)).toContain('flows:run');
    expect(await perms(roles.editor.api)).toContain('flows:run');
    expect(await perms(roles.analyst.api)).not.toContain('flows:run');
    expect(await perms(roles.agent.api)).not.toContain('flows:run');

    const flow = await roles.editor.api.post<{ id: string }>('/v1/flows', 'name: t\nstart: a\nstates:\n  a: { type: end, say: hi }\n');
    expect(flow.status).toBe(201);
    const tryIt = (api: Client) => api.post(`/v1/flows/${flow.body.id}/try/s1?draft=true`, { text: 'hello' });
    const testIt = (api: Client) => api.post(`/v1/flows/${flow.body.id}/test?draft=true`, { tests: [] });
    expect((await tryIt(roles.editor.api)).status).toBe(200);
    const denied = await tryIt(roles.analyst.api);
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ error: { code: 'forbidden', message: expect.stringContaining('flows:run') } });
    expect((await testIt(roles.analyst.api)).status).toBe(403);
    expect((await tryIt(roles.agent.api)).status).toBe(403);

    const writer = (await ws.api.post<{ secret: string }>('/v1/api-keys', { name: 'ci', scopes: ['flows:read', 'flows:write'] })).body.secret;
    expect((await tryIt(client(server.url, writer))).status).toBe(200);
    const reader = (await ws.api.post<{ secret: string }>('/v1/api-keys', { name: 'ro', scopes: ['flows:read'] })).body.secret;
    expect((await tryIt(client(server.url, reader))).status).toBe(403);
  });
});
