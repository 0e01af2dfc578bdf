import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant, type TestTenant, twoTenants } from './support/tenants.js';

const GREETER = readFileSync(new URL('./flows/greeter.yaml', import.meta.url), 'utf8');

let server: TestApp;
beforeAll(async () => {
  server = await startApp({ env: { MCP_BODY_LIMIT_BYTES: String(64 * 1024) } });
});
afterAll(async () => {
  await server.stop();
});

/** Creates, publishes and defaults a flow for the tenant, as a bot builder would through the API. */
async function deploy(tenant: TestTenant, source = GREETER): Promise<string> {
  const api = client(server.url, tenant.apiKey);
  const created = await api.post<{ id: string }>('/v1/flows', source);
  expect(created.status).toBe(201);
  expect((await api.post(`/v1/flows/${created.body.id}/publish`)).status).toBe(201);
  expect((await api.post(`/v1/flows/${created.body.id}/default`)).status).toBe(200);
  return created.body.id;
}

describe('health', () => {
  it('answers liveness and readiness without a key', async () => {
    const api = client(server.url);
    expect((await api.get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await api.get('/readyz')).body).toEqual({ status: 'ready' });
  });
});

describe('flows and conversations over HTTP', () => {
  it('runs a conversation through the published default flow', async () => {
    const tenant = await createTenant(server.app);
    const flowId = await deploy(tenant);
    const api = client(server.url, tenant.apiKey);

    const first = await api.post('/v1/conversations/c1/messages', { text: 'good morning', user: { name: 'Ada' } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ state: 'chat', intent: 'greet', ended: false });
    expect((first.body.replies as { text: string }[]).map((r) => r.text)).toEqual(['Hello Ada!']);

    const second = await api.post('/v1/conversations/c1/messages', { text: 'goodbye' });
    expect(second.body).toMatchObject({ state: 'done', intent: 'bye', ended: true });
    expect((second.body.replies as { text: string }[]).map((r) => r.text)).toEqual(['Goodbye!']);

    const conversation = await api.get('/v1/conversations/c1');
    expect(conversation.status).toBe(200);
    expect(conversation.body).toMatchObject({ id: 'c1', flowId, flowVersion: 1, state: 'done', turn: 2, vars: { greetings: 1 } });

    const messages = await api.get<{ messages: { direction: string; text: string }[] }>('/v1/conversations/c1/messages');
    expect(messages.body.messages.map((m) => `${m.direction}:${m.text}`)).toEqual([
      'inbound:good morning',
      'outbound:Hello Ada!',
      'inbound:goodbye',
      'outbound:Goodbye!',
    ]);

    const flows = await api.get<{ flows: { id: string; isDefault: boolean; publishedVersion: number }[] }>('/v1/flows');
    expect(flows.body.flows).toEqual([expect.objectContaining({ id: flowId, isDefault: true, publishedVersion: 1 })]);
    const flow = await api.get(`/v1/flows/${flowId}`);
    expect(flow.body).toMatchObject({ name: 'greeter', source: GREETER, versions: [{ version: 1 }] });
  });

  it('accepts flows as JSON objects too', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    const created = await api.post('/v1/flows', {
      name: 'json-flow',
      start: 'hi',
      states: { hi: { type: 'response', say: 'Hi', next: 'bye' }, bye: { type: 'end' } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'json-flow', isDefault: false, publishedVersion: null });
  });
});

describe('bad input gets a clear 4xx and loses nothing', () => {
  it('refuses a missing or wrong API key', async () => {
    const none = await client(server.url).get('/v1/flows');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ error: { code: 'unauthorized', message: expect.stringContaining('Authorization: Bearer') } });
    const wrong = await client(server.url, 'mcp_not-a-real-key-at-all').get('/v1/flows');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('refuses malformed JSON, an oversize body and a message without text', async () => {
    const tenant = await createTenant(server.app);
    await deploy(tenant);
    const api = client(server.url, tenant.apiKey);
    await api.post('/v1/conversations/keep/messages', { text: 'hello' });

    const malformed = await api.post('/v1/conversations/keep/messages', '{"text": "hi"', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: { code: 'invalid_json' } });

    const huge = await api.post('/v1/conversations/keep/messages', { text: 'x'.repeat(70 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ error: { code: 'payload_too_large' } });

    for (const body of [{}, { text: '   ' }, { text: 42 }]) {
      const empty = await api.post('/v1/conversations/keep/messages', body);
      expect(empty.status).toBe(400);
      expect(empty.body).toMatchObject({ error: { code: 'bad_request' } });
    }
    const badId = await api.post(`/v1/conversations/${'x'.repeat(200)}/messages`, { text: 'hi' });
    expect(badId.status).toBe(400);

    // The conversation is intact: one good turn, nothing else stored.
    const messages = await api.get<{ messages: unknown[] }>('/v1/conversations/keep/messages');
    expect(messages.body.messages).toHaveLength(2);
    expect((await api.get('/v1/conversations/keep')).body).toMatchObject({ turn: 1, state: 'chat' });
  });

  it('reports every problem of an invalid flow, with paths, and stores nothing', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    const broken = GREETER.replace('to: done\n      - when: intent == "greet"', 'to: dnoe\n      - when: intent == "greet"');
    const invalid = await api.post<{ error: { code: string; message: string; details: { issues: { path: string; message: string }[] } } }>(
      '/v1/flows',
      broken,
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('flow_invalid');
    expect(invalid.body.error.details.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'states.chat.transitions[0].to', message: expect.stringContaining("'done'") })]),
    );

    const yamlError = await api.post('/v1/flows', 'name: x\nstates: [unclosed');
    expect(yamlError.status).toBe(400);
    expect(yamlError.body).toMatchObject({ error: { code: 'flow_invalid' } });

    expect((await api.get<{ flows: unknown[] }>('/v1/flows')).body.flows).toEqual([]);
  });

  it('answers 404 for unknown flows and conversations, 409 without a default flow', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    expect((await api.get('/v1/flows/flow_nope')).body).toMatchObject({ error: { code: 'flow_not_found' } });
    expect((await api.post('/v1/flows/flow_nope/publish')).status).toBe(404);
    expect((await api.post('/v1/flows/flow_nope/default')).status).toBe(404);
    expect((await api.get('/v1/conversations/nope')).status).toBe(404);
    const noFlow = await api.post('/v1/conversations/c/messages', { text: 'hi' });
    expect(noFlow.status).toBe(409);
    expect(noFlow.body).toMatchObject({ error: { code: 'no_default_flow' } });
    const unknownRoute = await api.get('/v1/nothing-here');
    expect(unknownRoute.status).toBe(404);
    expect(unknownRoute.body).toMatchObject({ error: { code: 'not_found' } });
  });

  it('refuses to make an unpublished flow the default', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    const created = await api.post<{ id: string }>('/v1/flows', GREETER);
    const res = await api.post(`/v1/flows/${created.body.id}/default`);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'flow_not_published' } });
  });
});

describe('tenant isolation', () => {
  it('never shows one tenant the flows or conversations of another', async () => {
    const [a, b] = await twoTenants(server.app);
    const flowId = await deploy(a);
    const apiA = client(server.url, a.apiKey);
    const apiB = client(server.url, b.apiKey);
    await apiA.post('/v1/conversations/shared-id/messages', { text: 'hello' });

    expect((await apiB.get<{ flows: unknown[] }>('/v1/flows')).body.flows).toEqual([]);
    expect((await apiB.get(`/v1/flows/${flowId}`)).status).toBe(404);
    expect((await apiB.post(`/v1/flows/${flowId}/publish`)).status).toBe(404);
    expect((await apiB.post(`/v1/flows/${flowId}/default`)).status).toBe(404);
    expect((await apiB.get('/v1/conversations/shared-id')).status).toBe(404);
    expect((await apiB.get('/v1/conversations/shared-id/messages')).status).toBe(404);

    // The same conversation id in tenant B is a different conversation, on B's own flow.
    await deploy(b);
    const reply = await apiB.post('/v1/conversations/shared-id/messages', { text: 'hello' });
    expect(reply.body).toMatchObject({ state: 'chat' });
    expect((await apiA.get('/v1/conversations/shared-id')).body).toMatchObject({ turn: 1, flowId });
    expect((await apiB.get<{ messages: unknown[] }>('/v1/conversations/shared-id/messages')).body.messages).toHaveLength(2);
  });
});
