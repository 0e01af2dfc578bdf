/**
 * Issue 16 over HTTP: sub-flows found among the tenant's own published flows (never another's),
 * call cycles refused at publish, a handoff an agent is assigned to and handed back from (the flow
 * resumes in place), and a context stored before these features still running.
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './support/env.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant, twoTenants } from './support/tenants.js';

let server: TestApp;
beforeAll(async () => {
  server = await startApp();
});
afterAll(async () => {
  await server.stop();
});

type Turn = { replies: { text: string }[]; state: string; ended: boolean; handoff: boolean };
type Api = ReturnType<typeof client>;

const address = (prompt: string) => ({
  name: 'address',
  start: 'ask',
  states: {
    ask: { type: 'slot_filling', slots: [{ name: 'street', prompt }], next: 'done' },
    done: { type: 'end' },
  },
});

const caller = {
  name: 'order',
  start: 'size',
  states: {
    size: { type: 'slot_filling', slots: [{ name: 'size', prompt: 'Size?' }], next: 'where' },
    where: { type: 'flow', flow: 'address', output: { 'slots.street': '{{ slots.street }}' }, on_error: 'broken', next: 'summary' },
    summary: { type: 'intent', say: 'A {{ slots.size }} to {{ slots.street }}.', transitions: [{ to: 'summary' }] },
    broken: { type: 'end', say: 'No address flow.' },
  },
};

async function publish(api: Api, source: object, options: { default?: boolean } = {}): Promise<{ id: string; status: number; body: Record<string, unknown> }> {
  const created = await api.post<{ id: string }>('/v1/flows', source);
  expect(created.status).toBe(201);
  const published = await api.post(`/v1/flows/${created.body.id}/publish`);
  if (options.default && published.status === 201) expect((await api.post(`/v1/flows/${created.body.id}/default`)).status).toBe(200);
  return { id: created.body.id, status: published.status, body: published.body };
}

async function say(api: Api, conversation: string, text: string): Promise<Turn> {
  const sent = await api.post<Turn>(`/v1/conversations/${conversation}/messages`, { text });
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  return sent.body;
}

describe('sub-flows', () => {
  it('calls the tenant’s own published flow by name, and another tenant’s flow of that name is never used', async () => {
    const [a, b] = await twoTenants(server.app);
    const apiA = client(server.url, a.apiKey);
    const apiB = client(server.url, b.apiKey);
    await publish(apiA, address('Street for A?'));
    await publish(apiA, caller, { default: true });

    // B has no 'address' flow: its caller cannot be published, A's flow is not found for it.
    const refused = await publish(apiB, caller);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { code: 'flow_invalid', message: expect.stringContaining("No published flow named 'address'") } });

    await publish(apiB, address('Street for B?'));
    expect((await apiB.post(`/v1/flows/${refused.id}/publish`)).status).toBe(201);
    expect((await apiB.post(`/v1/flows/${refused.id}/default`)).status).toBe(200);

    expect((await say(apiA, 'c1', 'hi')).replies.map((r) => r.text)).toEqual(['Size?']);
    expect((await say(apiA, 'c1', 'large')).replies.map((r) => r.text)).toEqual(['Street for A?']);
    expect((await apiA.get('/v1/conversations/c1')).body).toMatchObject({ state: 'ask', calls: [{ flow: 'address', version: 1, from: 'where' }] });
    expect((await say(apiB, 'c1', 'hi')).replies.map((r) => r.text)).toEqual(['Size?']);
    expect((await say(apiB, 'c1', 'small')).replies.map((r) => r.text)).toEqual(['Street for B?']);
    expect((await say(apiA, 'c1', '1 Main St')).replies.map((r) => r.text)).toEqual(['A large to 1 Main St.']);
    const state = await apiA.get('/v1/conversations/c1');
    expect(state.body).toMatchObject({ state: 'summary', slots: { size: 'large', street: '1 Main St' }, calls: [] });
    const trace = await apiA.get<{ turns: { events: { type: string }[] }[] }>('/v1/conversations/c1/trace');
    expect(trace.body.turns.flatMap((t) => t.events.map((e) => e.type))).toEqual(expect.arrayContaining(['flow_called', 'flow_returned']));
  });

  it('refuses to publish a flow whose calls lead back to it', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    const ping = await publish(api, { name: 'ping', start: 'hello', states: { hello: { type: 'intent', say: 'ping', transitions: [{ to: 'hello' }] } } });
    await publish(api, { name: 'pong', start: 'call', states: { call: { type: 'flow', flow: 'ping', next: 'out' }, out: { type: 'end' } } });
    const looping = { name: 'ping', start: 'call', states: { call: { type: 'flow', flow: 'pong', next: 'out' }, out: { type: 'end' } } };
    expect((await api.call('PUT', `/v1/flows/${ping.id}`, looping)).status).toBe(200);
    const refused = await api.post(`/v1/flows/${ping.id}/publish`);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { code: 'flow_invalid', message: expect.stringContaining('ping → pong → ping') } });
    // And a flow calling itself never gets that far.
    const self = await api.post('/v1/flows', { ...looping, name: 'selfish', states: { ...looping.states, call: { type: 'flow', flow: 'selfish', next: 'out' } } });
    expect(self.status).toBe(400);
  });
});

const helpdesk = {
  name: 'helpdesk',
  start: 'name',
  nlu: { intents: { human: ['talk to a person', 'agent please'] } },
  global: [{ when: 'intent == "human"', to: 'human' }],
  states: {
    name: { type: 'slot_filling', slots: [{ name: 'name', prompt: 'Your name?' }, { name: 'email', entity: 'email', prompt: 'Your email?' }], next: 'done' },
    human: { type: 'handoff', say: 'Getting a person.', waiting: { say: 'A person will answer shortly.', timeout_minutes: 30, then: '@return' } },
    done: { type: 'end', say: 'Thanks {{ slots.name }}.' },
  },
};

describe('handoff', () => {
  it('waits with a message, goes silent once assigned, and hand-back resumes the question the user was at', async () => {
    const [a, b] = await twoTenants(server.app);
    const api = client(server.url, a.apiKey);
    await publish(api, helpdesk, { default: true });
    await say(api, 'h1', 'hello');
    expect((await say(api, 'h1', 'Ada')).replies.map((r) => r.text)).toEqual(['Your email?']);
    const handed = await say(api, 'h1', 'talk to a person');
    expect(handed).toMatchObject({ handoff: true, replies: [{ text: 'Getting a person.' }] });
    expect((await say(api, 'h1', 'hello?')).replies.map((r) => r.text)).toEqual(['A person will answer shortly.']);

    // Another workspace cannot assign it; a bad agent value is refused with a clear error.
    expect((await client(server.url, b.apiKey).post('/v1/conversations/h1/assign', { agent: 'eve' })).status).toBe(404);
    const bad = await api.post('/v1/conversations/h1/assign', { agent: 42 });
    expect(bad.status).toBe(400);
    const assigned = await api.post('/v1/conversations/h1/assign', { agent: 'ann@example.com' });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ status: 'handoff', handoff: { assignee: 'ann@example.com' } });
    expect((await say(api, 'h1', 'are you there?')).replies).toEqual([]);
    expect((await api.post('/v1/conversations/h1/agent-reply', { text: 'Hi Ada, how can I help?' })).status).toBe(201);

    const back = await api.post<{ status: string; replies: { text: string }[] }>('/v1/conversations/h1/hand-back');
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ status: 'active', replies: [{ text: 'Your email?' }] });
    const messages = await api.get<{ messages: { direction: string; text: string; author?: string }[] }>('/v1/conversations/h1/messages');
    expect(messages.body.messages.at(-1)).toMatchObject({ direction: 'outbound', text: 'Your email?' });
    // The flow resumed in place: the name is still there and the email completes it.
    expect((await say(api, 'h1', 'ada@example.com')).replies.map((r) => r.text)).toEqual(['Thanks Ada.']);

    // Not handed off (any more): assigning is a conflict, not a silent no-op.
    await say(api, 'h2', 'hello');
    const conflict = await api.post('/v1/conversations/h2/assign', { agent: 'ann' });
    expect(conflict.status).toBe(409);
  });

  it('runs a conversation whose context was stored before sub-flows, repair and agent handoff existed', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    await publish(api, helpdesk, { default: true });
    await say(api, 'old', 'hello');
    // What an older version stored: the unversioned context, without the fields added since (and no cached copy).
    const makeOld = async () => {
      const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
      const redis = new Redis(TEST_REDIS_URL);
      try {
        await db.connect();
        const stripped = await db.query(
          `UPDATE conversation_contexts
           SET context = jsonb_build_object('state', context->'state', 'status', context->'status', 'slots', context->'slots', 'vars', context->'vars',
             'user', context->'user', 'turn', context->'turn', 'tags', context->'tags', 'internal', jsonb_build_object(
               'message', null, 'pendingMessage', null, 'result', context->'result', 'fallbackCount', context->'fallbackCount',
               'slotAttempts', context->'slotAttempts', 'awaitingConfirmation', context->'awaitingConfirmation', 'visited', '[]'::jsonb, 'effectSeq', 0, 'pending', null))
           WHERE tenant_id = $1 AND conversation_id = 'old' RETURNING context->'internal' AS internal`,
          [tenant.id],
        );
        expect(Object.keys(stripped.rows[0].internal as object)).not.toContain('frames');
        await redis.del(`${server.config.storage.redisKeyPrefix}conversation:${tenant.id}:old`);
      } finally {
        await db.end();
        redis.disconnect();
      }
    };
    await makeOld();
    expect((await say(api, 'old', 'Ada')).replies.map((r) => r.text)).toEqual(['Your email?']);
    expect((await say(api, 'old', 'agent please')).handoff).toBe(true);
    // A handoff stored by an older version can be assigned and handed back (it has nowhere to resume, so it starts over).
    await makeOld();
    expect((await api.post('/v1/conversations/old/assign', { agent: 'ann' })).status).toBe(200);
    expect((await say(api, 'old', 'hello?')).replies).toEqual([]);
    expect((await api.post('/v1/conversations/old/hand-back')).body).toMatchObject({ status: 'active', replies: [] });
    expect((await say(api, 'old', 'hi')).replies.map((r) => r.text)).toEqual(['Your name?']);
  });
});
