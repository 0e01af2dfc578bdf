/**
 * Conversations stored by an earlier engine carry on after an upgrade (issue 18): each real
 * version-1 snapshot of the fixture is put where the engine finds it (the database row, or the
 * cached copy an earlier version left in Redis), and the next step gives the reply that version
 * gave and stores the state it stored, now as a current snapshot. A snapshot from a newer engine
 * is refused and left alone; a damaged one is logged and the conversation starts over.
 */
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSnapshot, SNAPSHOT_VERSION } from '../src/modules/engine/index.js';
import { startFakeCrm, type FakeCrm } from './fakes/crm.js';
import { manualClock } from './support/clock.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './support/env.js';
import { client } from './support/http.js';
import { INTEGRATION_TEST_ENV } from './support/integration-env.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant } from './support/tenants.js';

type Step = { text: string } | { handBack: true } | { assign: string };
interface Case {
  conversation: string;
  step: number;
  at: string;
  stored: { flowId: string; flowVersion: number; context: object };
  then: Step;
  replies: string[] | null;
  after: object;
}
interface Fixture {
  flows: Record<'address' | 'pizza', object>;
  flowIds: Record<string, string>;
  cases: Case[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/snapshots/v1-pizza.json', import.meta.url), 'utf8')) as Fixture;
const clock = manualClock(Date.parse('2026-06-01T12:00:00.000Z'));
const logLines: string[] = [];
let server: TestApp;
let crm: FakeCrm;
let db: pg.Client;
let redis: Redis;

beforeAll(async () => {
  crm = await startFakeCrm();
  server = await startApp({ env: INTEGRATION_TEST_ENV, clock, logger: pino({ level: 'warn' }, { write: (line: string) => void logLines.push(line) }) });
  db = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await db.connect();
  redis = new Redis(TEST_REDIS_URL);
});
afterAll(async () => {
  await db.end();
  redis.disconnect();
  await server.stop();
  await crm.close();
});

/** A tenant with the fixture's flows and integration; `restore` maps the captured flow ids to this tenant's. */
async function workspace() {
  const tenant = await createTenant(server.app);
  const api = client(server.url, tenant.apiKey);
  expect((await api.post('/v1/integrations', { name: 'crm', kind: 'hubspot', config: { baseUrl: crm.url }, secrets: { accessToken: crm.accessToken } })).status).toBe(201);
  const ids = new Map<string, string>();
  for (const name of ['address', 'pizza'] as const) {
    const created = await api.post<{ id: string }>('/v1/flows', fixture.flows[name]);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await api.post(`/v1/flows/${created.body.id}/publish`)).status).toBe(201);
    ids.set(fixture.flowIds[name]!, created.body.id);
  }
  expect((await api.post(`/v1/flows/${ids.get(fixture.flowIds.pizza!)}/default`)).status).toBe(200);
  const restore = <T>(value: T): T => JSON.parse(JSON.stringify(value).replace(/flow_[A-Za-z0-9]+/g, (id) => ids.get(id) ?? id)) as T;
  return { tenant, api, restore };
}

type Workspace = Awaited<ReturnType<typeof workspace>>;
const cacheKey = (tenantId: string, conversationId: string) => `${server.config.storage.redisKeyPrefix}conversation:${tenantId}:${conversationId}`;

async function storedRow(tenantId: string, conversationId: string) {
  const { rows } = await db.query<{ flow_id: string; flow_version: number; context: Record<string, unknown>; version: number }>(
    'SELECT flow_id, flow_version, context, version FROM conversation_contexts WHERE tenant_id = $1 AND conversation_id = $2',
    [tenantId, conversationId],
  );
  return rows[0]!;
}

/** A conversation (with its inbox entry) whose engine state is then `context`, as an earlier version stored it. */
async function conversationWith(ws: Workspace, conversationId: string, stored: Case['stored'], where: 'database' | 'cache') {
  expect((await ws.api.post(`/v1/conversations/${conversationId}/messages`, { text: 'hi' })).status).toBe(200);
  const { flowId, flowVersion, context } = ws.restore(stored);
  const row = await storedRow(ws.tenant.id, conversationId);
  if (where === 'database') {
    await db.query('UPDATE conversation_contexts SET flow_id = $3, flow_version = $4, context = $5 WHERE tenant_id = $1 AND conversation_id = $2', [
      ws.tenant.id,
      conversationId,
      flowId,
      flowVersion,
      JSON.stringify(context),
    ]);
    await redis.del(cacheKey(ws.tenant.id, conversationId));
  } else {
    // The database keeps a current snapshot of another state: only the cached copy leads to the expected reply.
    const cached = { flowId, flowVersion, context, version: row.version, updatedAt: clock.isoNow() };
    await redis.set(cacheKey(ws.tenant.id, conversationId), JSON.stringify(cached));
  }
}

async function perform(ws: Workspace, conversationId: string, step: Step) {
  if ('text' in step) return ws.api.post<{ replies?: { text: string }[] }>(`/v1/conversations/${conversationId}/messages`, { text: step.text });
  if ('handBack' in step) return ws.api.post<{ replies?: { text: string }[] }>(`/v1/conversations/${conversationId}/hand-back`);
  return ws.api.post<{ replies?: { text: string }[] }>(`/v1/conversations/${conversationId}/assign`, { agent: step.assign });
}

const upgraded = (context: object) => {
  const read = readSnapshot(context);
  if (!read.ok) throw new Error(read.message);
  return read.snapshot;
};

describe('version 1 snapshots of a real run', () => {
  for (const where of ['database', 'cache'] as const) {
    it(`continue each conversation from the ${where} as version 1 did, and are stored as version ${SNAPSHOT_VERSION}`, async () => {
      const ws = await workspace();
      const cases = fixture.cases.filter((c) => where === 'database' || 'text' in c.then);
      expect(cases.length).toBeGreaterThan(where === 'database' ? 25 : 20);
      for (const c of cases) {
        const id = `${c.conversation}-${c.step}`;
        clock.advance(Date.parse(c.at) - clock.now());
        await conversationWith(ws, id, c.stored, where);
        const done = await perform(ws, id, c.then);
        const label = `${c.conversation} step ${c.step} (${JSON.stringify(c.then)})`;
        expect(done.status, `${label}: ${JSON.stringify(done.body)}`).toBe(200);
        if (c.replies) expect(done.body.replies?.map((r) => r.text), label).toEqual(c.replies);
        const row = await storedRow(ws.tenant.id, id);
        expect(row.context.v, label).toBe(SNAPSHOT_VERSION);
        expect(row.context, label).toEqual(ws.restore(upgraded(c.after)));
      }
    });
  }
});

describe('snapshots this engine cannot read', () => {
  it('refuses a snapshot from a newer engine with a clear error and leaves it as it is, from the database or the cache', async () => {
    const ws = await workspace();
    const future = { v: SNAPSHOT_VERSION + 1, state: 'welcome', agenda: ['something new'] };
    await conversationWith(ws, 'future', { ...fixture.cases[0]!.stored, context: future }, 'database');
    const refused = await ws.api.post('/v1/conversations/future/messages', { text: 'order a pizza' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'conflict', message: expect.stringContaining('newer version of the engine') } });
    expect((await storedRow(ws.tenant.id, 'future')).context).toEqual(future);
    expect(logLines.some((line) => line.includes('"conversationId":"future"') && line.includes(`state version ${SNAPSHOT_VERSION + 1}`))).toBe(true);

    // A newer copy in the cache is passed over for the database's.
    await conversationWith(ws, 'cached-future', { ...fixture.cases[0]!.stored, context: future }, 'cache');
    expect((await ws.api.post<{ replies: { text: string }[] }>('/v1/conversations/cached-future/messages', { text: 'order a pizza' })).body.replies.map((r) => r.text)).toEqual(['Which size?']);
    // Other conversations are unaffected.
    expect((await ws.api.post('/v1/conversations/other/messages', { text: 'hi' })).status).toBe(200);
  });

  it('starts a damaged conversation over, logging why and saying so in its trace', async () => {
    const ws = await workspace();
    for (const [id, context] of [
      ['damaged-v1', { state: 'order', status: 'waiting', slots: 'large' }],
      ['damaged-v2', { v: SNAPSHOT_VERSION, state: 'order', status: 'thinking' }],
      ['not-a-version', { v: 'two' }],
    ] as const) {
      await conversationWith(ws, id, { ...fixture.cases[0]!.stored, context }, 'database');
      const restarted = await ws.api.post<{ replies: { text: string }[] }>(`/v1/conversations/${id}/messages`, { text: 'hello' });
      expect(restarted.status, id).toBe(200);
      expect(restarted.body.replies.map((r) => r.text), id).toEqual(['Hi! I take pizza orders.']);
      const trace = await ws.api.get<{ turns: { events: { type: string; code?: string; message?: string }[] }[] }>(`/v1/conversations/${id}/trace`);
      const error = trace.body.turns.at(-1)!.events[0];
      expect(error, id).toMatchObject({ type: 'error', code: 'state_unreadable', message: expect.stringContaining('the conversation started over') });
      expect(logLines.some((line) => line.includes(`"conversationId":"${id}"`) && line.includes('"level":50')), id).toBe(true);
      expect((await storedRow(ws.tenant.id, id)).context).toMatchObject({ v: SNAPSHOT_VERSION, state: 'welcome', status: 'waiting' });
    }
  });
});
