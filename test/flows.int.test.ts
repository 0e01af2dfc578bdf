import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant, type TestTenant, twoTenants } from './support/tenants.js';

const GREETER = readFileSync(new URL('./flows/greeter.yaml', import.meta.url), 'utf8');

let server: TestApp;
beforeAll(async () => {
  server = await startApp({ env: { MCP_BODY_LIMIT_BYTES: String(2 * 1024 * 1024) } });
});
afterAll(async () => {
  await server.stop();
});

type Issue = { path: string; message: string; severity: string; code: string; line?: number };
type Turn = { replies: { text: string }[]; state: string; ended: boolean };

async function deploy(tenant: TestTenant, source = GREETER): Promise<string> {
  const api = client(server.url, tenant.apiKey);
  const created = await api.post<{ id: string }>('/v1/flows', source);
  expect(created.status).toBe(201);
  await api.post(`/v1/flows/${created.body.id}/publish`);
  await api.post(`/v1/flows/${created.body.id}/default`);
  return created.body.id;
}

describe('flow versions', () => {
  it('keeps a running conversation on its version until it ends or is reset', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    const flowId = await deploy(tenant);
    await api.post('/v1/conversations/old/messages', { text: 'hello' });

    const v2 = GREETER.replace('Hello {{', 'Welcome back {{').replace('say: "Goodbye!"', 'say: "See you!"');
    const edited = await api.call('PUT', `/v1/flows/${flowId}`, v2);
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ source: v2, publishedVersion: 1 });
    expect((await api.post<{ version: number }>(`/v1/flows/${flowId}/publish`)).body.version).toBe(2);
    expect((await api.get(`/v1/flows/${flowId}/versions/1`)).body).toMatchObject({ version: 1, source: GREETER });
    expect((await api.get(`/v1/flows/${flowId}/versions/2`)).body).toMatchObject({ version: 2, source: v2 });

    // The running conversation stays on version 1 …
    const bye = await api.post<Turn>('/v1/conversations/old/messages', { text: 'goodbye' });
    expect(bye.body.replies.map((r) => r.text)).toEqual(['Goodbye!']);
    // … and moves to version 2 once it has ended.
    const again = await api.post<Turn>('/v1/conversations/old/messages', { text: 'hi' });
    expect(again.body.replies[0]?.text).toBe('Welcome back friend!');
    expect((await api.get('/v1/conversations/old')).body).toMatchObject({ flowVersion: 2 });

    // A new conversation starts on version 2.
    await api.post('/v1/conversations/other/messages', { text: 'hello' });
    expect((await api.get('/v1/conversations/other')).body).toMatchObject({ flowVersion: 2 });
  });

  it('resets a conversation: the next message starts the flow afresh', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    await deploy(tenant);
    await api.post('/v1/conversations/r/messages', { text: 'hello' });
    await api.post('/v1/conversations/r/messages', { text: 'hey' });
    expect((await api.get('/v1/conversations/r')).body).toMatchObject({ vars: { greetings: 2 } });
    expect((await api.post('/v1/conversations/r/reset')).body).toEqual({ reset: true });
    const fresh = await api.post<Turn>('/v1/conversations/r/messages', { text: 'hello' });
    expect(fresh.body.replies[0]?.text).toBe('Hello friend!');
    expect((await api.get('/v1/conversations/r')).body).toMatchObject({ vars: { greetings: 1 } });
    expect((await api.post('/v1/conversations/nope/reset')).status).toBe(404);
  });
});

describe('traces', () => {
  it('stores every turn’s trace: states, transitions, intent, actions, replies', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    await deploy(tenant);
    await api.post('/v1/conversations/t/messages', { text: 'good morning' });
    await api.post('/v1/conversations/t/messages', { text: 'see you later' });
    const trace = await api.get<{ turns: { turn: number; events: { type: string; [k: string]: unknown }[] }[] }>('/v1/conversations/t/trace');
    expect(trace.status).toBe(200);
    expect(trace.body.turns.map((t) => t.turn)).toEqual([1, 2]);
    const first = trace.body.turns[0]!.events;
    expect(first).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'model_call', task: 'intent', provider: 'offline' }),
        expect.objectContaining({ type: 'state_entered', state: 'hello' }),
        expect.objectContaining({ type: 'intent', name: 'greet' }),
        expect.objectContaining({ type: 'transition', from: 'chat', to: 'chat' }),
      ]),
    );
    expect(trace.body.turns[1]!.events).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'ended', state: 'done' })]));
    expect((await api.get('/v1/conversations/none/trace')).status).toBe(404);
  });
});

describe('validation and the flow language schema', () => {
  it('serves the JSON Schema of the flow language', async () => {
    const schema = await client(server.url).get<{ properties: Record<string, unknown> }>('/v1/flows/schema');
    expect(schema.status).toBe(200);
    expect(Object.keys(schema.body.properties)).toEqual(expect.arrayContaining(['name', 'start', 'states', 'nlu', 'global']));
  });

  it('serves the state kinds with their traits, for editors that draw or check the graph', async () => {
    const kinds = await client(server.url).get<{ stateTypes: { type: string; waitsForInput: boolean; targetFields: string[] }[] }>('/v1/flows/state-types');
    expect(kinds.status).toBe(200);
    expect(kinds.body.stateTypes.filter((k) => k.waitsForInput).map((k) => k.type)).toEqual(['intent', 'slot_filling', 'agent']);
    expect(kinds.body.stateTypes.find((k) => k.type === 'handoff')?.targetFields).toEqual(['waiting.then']);
  });

  it('reports every problem at once, with paths, hints and warnings, without saving', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    const flow = `
name: broken
start: ask
nlu:
  intents: { yes: ["yes", "sure"] }
  entities: { code: { type: regex, pattern: "([a-z" } }
states:
  ask:
    type: intent
    say: "{{ user.name | no_such_filter }}"
    transitions:
      - when: 'intent == "yes" &&'
        to: get_ordr
      - to: slots
  slots:
    type: slot_filling
    slots: [{ name: x, entity: undefined_entity, prompt: "x?" }]
    next: loop_a
  loop_a: { type: response, say: "a", next: loop_b }
  loop_b: { type: response, say: "b", next: loop_a }
  get_order: { type: end }
  orphan: { type: end }
`;
    const result = await api.post<{ valid: boolean; issues: Issue[] }>('/v1/flows/validate', flow);
    expect(result.status).toBe(200);
    expect(result.body.valid).toBe(false);
    const byPath = (path: string) => result.body.issues.filter((i) => i.path.startsWith(path));
    expect(byPath('states.ask.transitions[0].to')[0]?.message).toContain("did you mean 'get_order'?");
    // Each issue points at the line of the text the builder wrote (the flow starts with a blank line).
    expect(byPath('states.ask.transitions[0].to')[0]?.line).toBe(flow.split('\n').findIndex((l) => l.includes('to: get_ordr')) + 1);
    expect(byPath('states.orphan')[0]?.line).toBe(flow.split('\n').findIndex((l) => l.includes('orphan:')) + 1);
    expect(byPath('states.ask.transitions[0].when')[0]?.severity).toBe('error');
    expect(byPath('states.ask.say')[0]?.message).toMatch(/no_such_filter/);
    expect(byPath('states.slots.slots[0].entity')[0]?.message).toMatch(/undefined_entity/);
    expect(byPath('nlu.entities.code.pattern')[0]?.severity).toBe('error');
    expect(result.body.issues.some((i) => /loop_a|loop_b/.test(i.message) && i.severity === 'error')).toBe(true);
    expect(byPath('states.orphan').some((i) => i.severity === 'warning')).toBe(true);
    expect((await api.get<{ flows: unknown[] }>('/v1/flows')).body.flows).toEqual([]);

    const ok = await api.post('/v1/flows/validate', GREETER);
    expect(ok.body).toMatchObject({ valid: true });
  });

  it('refuses a flow over the size limit and says what the limit is', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    const huge = `${GREETER}\ndescription: "${'x'.repeat(600 * 1024)}"\n`;
    const res = await api.post<{ error: { code: string; details: { issues: Issue[] } } }>('/v1/flows', huge);
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0]).toMatchObject({ code: 'flow_too_large', message: expect.stringContaining('512 KiB') });
  });

  it('turns a run-time condition error into a safe path and a trace entry, never a crash', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    await deploy(
      tenant,
      `
name: throws
start: ask
states:
  ask:
    type: slot_filling
    slots: [{ name: n, entity: number, prompt: "A number?", validate: 'value / 0 > 1', retry: "Another one?", max_attempts: 2 }]
    on_exhausted: done
    next: done
  done: { type: end, say: "Bye" }
`,
    );
    const first = await api.post<Turn>('/v1/conversations/x/messages', { text: 'hi' });
    expect(first.status).toBe(200);
    const second = await api.post<Turn>('/v1/conversations/x/messages', { text: '12' });
    expect(second.status).toBe(200);
    const trace = await api.get<{ turns: { events: { type: string }[] }[] }>('/v1/conversations/x/trace');
    expect(trace.body.turns.flatMap((t) => t.events).some((e) => e.type === 'condition_error')).toBe(true);
  });

  it('stops a run-time cycle at the step limit with a safe reply', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    // Conditional exits pass validation, but at run time they bounce between two states forever.
    await deploy(
      tenant,
      `
name: cycle
start: a
states:
  a: { type: response, say: "a", transitions: [{ when: 'turn >= 0', to: b }] }
  b: { type: response, say: "b", transitions: [{ when: 'turn >= 0', to: a }] }
`,
    );
    const res = await api.post<Turn>('/v1/conversations/c/messages', { text: 'hi' });
    expect(res.status).toBe(200);
    expect(res.body.replies.map((r) => r.text)).toEqual(["Sorry, something went wrong on our side. Let's start over."]);
    const trace = await api.get<{ turns: { events: { type: string }[] }[] }>('/v1/conversations/c/trace');
    expect(trace.body.turns[0]!.events.some((e) => e.type === 'step_limit')).toBe(true);
  });
});

describe('NLU parse', () => {
  it('parses with the published version, or the draft on request', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    const created = await api.post<{ id: string }>('/v1/flows', GREETER);
    const id = created.body.id;
    const unpublished = await api.post(`/v1/flows/${id}/nlu/parse`, { text: 'hello there' });
    expect(unpublished.status).toBe(409);
    expect(unpublished.body).toMatchObject({ error: { code: 'flow_not_published' } });
    const draft = await api.post(`/v1/flows/${id}/nlu/parse?draft=true`, { text: 'hello there' });
    expect(draft.body).toMatchObject({ intent: { name: 'greet' }, provider: 'offline' });
    await api.post(`/v1/flows/${id}/publish`);
    const published = await api.post<{ intent: { name: string }; alternatives: unknown[] }>(`/v1/flows/${id}/nlu/parse`, { text: 'bye bye' });
    expect(published.body.intent.name).toBe('bye');
    expect(published.body.alternatives.length).toBeGreaterThan(0);
    expect((await api.post(`/v1/flows/${id}/nlu/parse`, { text: 42 })).status).toBe(400);
  });
});

describe('try it', () => {
  it('runs a draft in a throwaway session that keeps its state, without creating a conversation', async () => {
    const [tenant, other] = await twoTenants(server.app);
    const api = client(server.url, tenant.apiKey);
    const created = await api.post<{ id: string }>('/v1/flows', GREETER);
    const id = created.body.id;
    type Tried = Turn & { trace: { type: string }[]; vars: Record<string, unknown>; intent: string };
    const first = await api.post<Tried>(`/v1/flows/${id}/try/s1?draft=true`, { text: 'hello', user: { name: 'Bo' } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ replies: [{ text: 'Hello Bo!' }], state: 'chat', intent: 'greet', vars: { greetings: 1 } });
    expect(first.body.trace.some((e) => e.type === 'state_entered')).toBe(true);
    const second = await api.post<Tried>(`/v1/flows/${id}/try/s1?draft=true`, { text: 'bye' });
    expect(second.body).toMatchObject({ state: 'done', ended: true });
    expect((await api.get('/v1/conversations/s1')).status).toBe(404);
    // Without ?draft=true it needs a published version.
    expect((await api.post(`/v1/flows/${id}/try/s2`, { text: 'hello' })).status).toBe(409);
    expect((await client(server.url, other.apiKey).post(`/v1/flows/${id}/try/s1?draft=true`, { text: 'hello' })).status).toBe(404);
  });
});

describe('tenant isolation of flow and conversation endpoints', () => {
  it('gives tenant B a 404 for everything of tenant A', async () => {
    const [a, b] = await twoTenants(server.app);
    const flowId = await deploy(a);
    const apiA = client(server.url, a.apiKey);
    const apiB = client(server.url, b.apiKey);
    await apiA.post('/v1/conversations/secret/messages', { text: 'hello' });

    expect((await apiB.call('PUT', `/v1/flows/${flowId}`, GREETER)).status).toBe(404);
    expect((await apiB.get(`/v1/flows/${flowId}/versions/1`)).status).toBe(404);
    expect((await apiB.post(`/v1/flows/${flowId}/nlu/parse`, { text: 'hi' })).status).toBe(404);
    expect((await apiB.get('/v1/conversations/secret/trace')).status).toBe(404);
    expect((await apiB.post('/v1/conversations/secret/reset')).status).toBe(404);
    // A's conversation is untouched by B's attempts.
    expect((await apiA.get('/v1/conversations/secret')).body).toMatchObject({ turn: 1 });
    expect((await apiA.get<{ turns: unknown[] }>('/v1/conversations/secret/trace')).body.turns).toHaveLength(1);
  });
});
