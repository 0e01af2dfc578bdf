import { spawn } from 'node:child_process';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPeopleCommand } from '../src/cli/people.js';
import { TEST_DATABASE_URL, TEST_MASTER_KEY, TEST_REDIS_URL, uniqueSuffix } from './support/env.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant, type TestTenant } from './support/tenants.js';

/**
 * One end user's data, exported and erased through the API and the CLI. Proof of erasure is
 * generic: every table of the schema (as superuser, past row-level security) and every Redis key
 * of the app, names and values, is searched for the person's marker, which their user id,
 * conversation ids and message text all carry. Another person and another workspace holding the
 * very same ids must keep every row.
 */
const FLOW = `
name: echo
start: ask
states:
  ask:
    type: intent
    transitions: [{ to: echo }]
  echo:
    type: response
    on_entry: [{ set: { vars.last: "{{ message.text }}" } }, { emit: { name: said, tags: { text: "{{ message.text }}" } } }]
    say: "You said {{ message.text }}"
    next: ask
`;

const sfx = uniqueSuffix();
const A = `pa${sfx}`; // the person erased
const B = `pb${sfx}`; // another person in the same workspace
let server: TestApp;
let db: pg.Client;
let redis: Redis;
let ws: TestTenant;
let other: TestTenant;

async function say(tenant: TestTenant, conversation: string, userId: string, text: string) {
  const turn = await client(server.url, tenant.apiKey).post(`/v1/conversations/${conversation}/messages`, { text, user: { id: userId, name: 'Ada' } });
  expect(turn.status, JSON.stringify(turn.body)).toBe(200);
}

async function withFlow(label: string): Promise<TestTenant> {
  const tenant = await createTenant(server.app, label);
  const api = client(server.url, tenant.apiKey);
  const created = await api.post<{ id: string }>('/v1/flows', FLOW);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect((await api.post(`/v1/flows/${created.body.id}/publish`)).status).toBe(201);
  expect((await api.post(`/v1/flows/${created.body.id}/default`)).status).toBe(200);
  return tenant;
}

/** Rows mentioning `marker`, per table, in one workspace (or in tables without a tenant). */
async function rowsMentioning(marker: string, tenantId: string): Promise<Record<string, number>> {
  const tables = await db.query<{ name: string; tenant: boolean }>(
    `SELECT c.relname AS name, EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS tenant
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition`,
  );
  const found: Record<string, number> = {};
  for (const t of tables.rows) {
    const where = `position($1 IN t::text) > 0${t.tenant ? ' AND t.tenant_id::text = $2' : ''}`;
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${t.name}" t WHERE ${where}`, t.tenant ? [marker, tenantId] : [marker]);
    if (rows[0]!.n > 0) found[t.name] = rows[0]!.n;
  }
  return found;
}

/** Keys of the app whose name or value mentions `marker`. */
async function keysMentioning(marker: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${server.config.storage.redisKeyPrefix}*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      const value =
        type === 'string' ? await redis.get(key)
        : type === 'hash' ? JSON.stringify(await redis.hgetall(key))
        : type === 'list' ? JSON.stringify(await redis.lrange(key, 0, -1))
        : type === 'set' ? JSON.stringify(await redis.smembers(key))
        : type === 'zset' ? JSON.stringify(await redis.zrange(key, 0, -1))
        : '';
      if (key.includes(marker) || (value ?? '').includes(marker)) found.push(key);
    }
  } while (cursor !== '0');
  return found;
}

/** Waits until the relay has moved every staged analytics record of these workspaces into the tables. */
async function analyticsRelayed(tenantIds: string[]): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    const { rows } = await db.query('SELECT 1 FROM analytics_outbox WHERE tenant_id = ANY($1::uuid[]) LIMIT 1', [tenantIds]);
    if (rows.length === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('analytics records were not relayed within 20 s');
}

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'people', ...args], {
    env: { PATH: process.env.PATH, DATABASE_URL: TEST_DATABASE_URL, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: server.config.storage.redisKeyPrefix, MCP_MASTER_KEY: TEST_MASTER_KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

beforeAll(async () => {
  server = await startApp();
  db = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await db.connect();
  redis = new Redis(TEST_REDIS_URL);
  [ws, other] = [await withFlow('people'), await withFlow('others')];
  for (const tenant of [ws, other]) {
    await say(tenant, `c1-${A}`, `user-${A}`, `my email is ${A}@example.com`);
    await say(tenant, `c1-${A}`, `user-${A}`, `call me on +44 20 7946 0958, ${A}`);
    await say(tenant, `c2-${A}`, `user-${A}`, `another chat of ${A}`);
  }
  await say(ws, `c-${B}`, `user-${B}`, `hello from ${B}`);
  // Raw analytics rows, not only staged ones, must go too; and nothing may move between the counts.
  await analyticsRelayed([ws.id, other.id]);
}, 90_000);

afterAll(async () => {
  await db?.end();
  redis?.disconnect();
  await server?.stop();
});

describe('one person\'s data', () => {
  it('is exported as JSON: their conversations, messages, contexts, traces and analytics, nobody else\'s', async () => {
    const exported = await client(server.url, ws.apiKey).post<{ conversationIds: string[]; data: Record<string, Record<string, unknown[]>> }>('/v1/people/export', { userId: `user-${A}` });
    expect(exported.status, JSON.stringify(exported.body)).toBe(200);
    expect(exported.body.conversationIds).toEqual([`c1-${A}`, `c2-${A}`]);
    const { chat, engine, analytics } = exported.body.data;
    expect(chat!.messages!.length).toBe(6);
    expect(JSON.stringify(chat!.messages)).toContain(`${A}@example.com`);
    expect(engine!.contexts).toHaveLength(2);
    expect(engine!.traces!.length).toBeGreaterThanOrEqual(3);
    expect(analytics!.conversation_analytics!.length).toBeGreaterThan(0);
    expect(JSON.stringify(exported.body)).not.toContain(B);
    expect(JSON.stringify(exported.body)).not.toContain(other.id);
  });

  it('refuses unclear requests with a clear error, and another workspace reaches nothing', async () => {
    const api = client(server.url, ws.apiKey);
    const empty = await api.post<{ error: { code: string; message: string } }>('/v1/people/forget', {});
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/userId|conversationIds/);
    expect((await api.post('/v1/people/forget', { conversationIds: ['not a valid id!'] })).status).toBe(400);
    const unknown = await api.post<{ error: { code: string } }>('/v1/people/export', { userId: `nobody-${sfx}` });
    expect(unknown.status).toBe(404);
    // The other workspace names a conversation that only this one has: nothing, and nothing deleted.
    const across = await client(server.url, other.apiKey).post('/v1/people/forget', { conversationIds: [`c-${B}`] });
    expect(across.status).toBe(404);
    expect(await rowsMentioning(B, ws.id)).toMatchObject({ messages: 2, conversations: 1 });
    const unauthenticated = await client(server.url).post('/v1/people/export', { userId: `user-${A}` });
    expect(unauthenticated.status).toBe(401);
  });

  it('is erased through the API: no row or key mentions them; the other person and workspace keep theirs; audited by digest', async () => {
    const before = { b: await rowsMentioning(B, ws.id), other: await rowsMentioning(A, other.id) };
    expect(Object.keys(await rowsMentioning(A, ws.id))).toEqual(expect.arrayContaining(['messages', 'conversations', 'conversation_contexts', 'turn_traces', 'conversation_analytics']));
    expect(await keysMentioning(`${ws.id}:c1-${A}`)).not.toEqual([]);

    const erased = await client(server.url, ws.apiKey).post<{ conversationIds: string[]; deleted: Record<string, number>; subject: string }>('/v1/people/forget', { userId: `user-${A}` });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect(erased.body.deleted).toMatchObject({ 'chat.messages': 6, 'chat.conversations': 2, 'engine.contexts': 2 });

    expect(await rowsMentioning(A, ws.id)).toEqual({});
    expect(await keysMentioning(`${ws.id}:c1-${A}`)).toEqual([]);
    expect(await keysMentioning(`${ws.id}:c2-${A}`)).toEqual([]);
    expect(await rowsMentioning(B, ws.id)).toEqual(before.b);
    expect(await rowsMentioning(A, other.id)).toEqual(before.other);

    const audit = await client(server.url, ws.apiKey).get<{ entries: { action: string; details: Record<string, unknown> }[] }>('/v1/audit?action=person.forget');
    expect(audit.body.entries[0]).toMatchObject({ action: 'person.forget', details: { subject: erased.body.subject, conversations: 2 } });
    expect((await client(server.url, ws.apiKey).post('/v1/people/export', { userId: `user-${A}` })).status).toBe(404);
  });

  it('is exported and erased by the CLI, audited with the system as actor', async () => {
    // In process for export and usage errors (the command's own function); a real process for the erasure.
    let printed = '';
    const errors: string[] = [];
    const run = (args: string[]) => runPeopleCommand(args, server.config, async (text) => void (printed += text), (text) => errors.push(String(text)));
    expect(await run(['export', '--workspace', ws.slug, '--user', `user-${B}`])).toBe(0);
    expect(JSON.parse(printed)).toMatchObject({ conversationIds: [`c-${B}`] });
    expect(await run(['forget', '--workspace', ws.slug])).toBe(2);
    expect(errors.join('')).toContain('Usage: mcp-engine people');
    expect(await run(['forget', '--workspace', `nope-${sfx}`, '--user', 'x'])).toBe(1);
    expect(errors.join('')).toContain(`No workspace 'nope-${sfx}'`);
    const forgot = await cli(['forget', '--workspace', ws.slug, '--conversation', `c-${B}`]);
    expect(forgot.code, forgot.stderr).toBe(0);
    expect(forgot.stdout).toContain('Deleted 1 conversation(s)');
    expect(await rowsMentioning(B, ws.id)).toEqual({});
    const { rows } = await db.query(`SELECT actor_type FROM audit_log WHERE tenant_id = $1 AND action = 'person.forget' AND details->>'via' = 'cli'`, [ws.id]);
    expect(rows).toHaveLength(1);
  }, 60_000);
});
