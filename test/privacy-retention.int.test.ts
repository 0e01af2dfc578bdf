import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from './support/clock.js';
import { TEST_DATABASE_URL } from './support/env.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant, type TestTenant } from './support/tenants.js';

/** Each workspace's message retention, enforced by the hourly task, moved through days by the app's clock. */
const FLOW = `
name: echo
start: ask
states:
  ask:
    type: intent
    transitions: [{ to: echo }]
  echo:
    type: response
    say: "You said {{ message.text }}"
    next: ask
`;
const DAY_MS = 86_400_000;
const clock = manualClock();
let server: TestApp;
let db: pg.Client;
let ws: TestTenant;
let other: TestTenant;

async function withFlow(label: string): Promise<TestTenant> {
  const tenant = await createTenant(server.app, label);
  const api = client(server.url, tenant.apiKey);
  const created = await api.post<{ id: string }>('/v1/flows', FLOW);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect((await api.post(`/v1/flows/${created.body.id}/publish`)).status).toBe(201);
  expect((await api.post(`/v1/flows/${created.body.id}/default`)).status).toBe(200);
  return tenant;
}

const say = async (tenant: TestTenant, conversation: string) =>
  expect((await client(server.url, tenant.apiKey).post(`/v1/conversations/${conversation}/messages`, { text: 'hello' })).status).toBe(200);

const rows = async (table: string, column: string, tenant: TestTenant, conversation: string) =>
  (await db.query(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1 AND ${column} = $2`, [tenant.id, conversation])).rows[0].n as number;

beforeAll(async () => {
  server = await startApp({ clock });
  db = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await db.connect();
  [ws, other] = [await withFlow('keep30'), await withFlow('keepall')];
});

afterAll(async () => {
  await db?.end();
  await server?.stop();
});

describe('message retention per workspace', () => {
  it('is set by the owner, validated, and unset by default', async () => {
    const api = client(server.url, ws.apiKey);
    expect((await api.get('/v1/privacy/policy')).body).toMatchObject({ messageRetentionDays: null });
    for (const bad of [{ messageRetentionDays: 0 }, { messageRetentionDays: 1.5 }, { messageRetentionDays: '30' }, { keepFor: 30 }, {}]) {
      const refused = await api.call<{ error: { code: string; message: string } }>('PUT', '/v1/privacy/policy', bad);
      expect(refused.status, JSON.stringify(bad)).toBe(400);
    }
    const set = await api.call('PUT', '/v1/privacy/policy', { messageRetentionDays: 30 });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect((await api.get('/v1/privacy/policy')).body).toMatchObject({ messageRetentionDays: 30 });
    // Another workspace sees its own policy, not this one's.
    expect((await client(server.url, other.apiKey).get('/v1/privacy/policy')).body).toMatchObject({ messageRetentionDays: null });
  });

  it('deletes conversations quiet for longer than the workspace keeps them; recent ones and other workspaces stay', async () => {
    await say(ws, 'old');
    await say(other, 'old');
    clock.advance(31 * DAY_MS);
    await say(ws, 'recent');

    const report = await server.app.privacy.runRetention();
    expect(report[ws.id]).toMatchObject({ 'chat.messages': 2, 'chat.conversations': 1, 'engine.contexts': 1 });
    expect(report[other.id]).toBeUndefined();

    expect(await rows('messages', 'conversation_id', ws, 'old')).toBe(0);
    expect(await rows('conversations', 'id', ws, 'old')).toBe(0);
    expect(await rows('conversation_contexts', 'conversation_id', ws, 'old')).toBe(0);
    expect(await rows('turn_traces', 'conversation_id', ws, 'old')).toBe(0);
    expect((await client(server.url, ws.apiKey).get('/v1/conversations/old')).status).toBe(404);

    expect(await rows('messages', 'conversation_id', ws, 'recent')).toBe(2);
    expect(await rows('conversation_contexts', 'conversation_id', ws, 'recent')).toBe(1);
    expect(await rows('messages', 'conversation_id', other, 'old')).toBe(2);
    expect(await rows('turn_traces', 'conversation_id', other, 'old')).toBe(1);

    // The next message of an expired conversation starts it afresh.
    await say(ws, 'old');
    expect(await rows('messages', 'conversation_id', ws, 'old')).toBe(2);
  });
});
