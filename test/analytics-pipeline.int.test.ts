import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { figures, figuresOf, sideInstance, stageTurn, stageTurns, turnRecord } from './analytics-instances.js';
import { deployShop, runKnownConversations } from './analytics-shop.js';
import { redisConnectionName } from '../src/modules/storage/index.js';
import { TEST_REDIS_URL } from './support/env.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant } from './support/tenants.js';

type Body = Record<string, unknown>;

/** Nothing is relayed on a timer while the test runs: only `flush` (or a stop) stores records. */
const HOLD = { MCP_ANALYTICS_FLUSH_MS: '600000', MCP_ANALYTICS_BATCH_SIZE: '100000' };
const EXPECTED = { started: 5, ended: 2, handoffs: 2, goalsReached: 1, containmentRate: 0.5, goalCompletionRate: 0.2, averageTurns: 1.6 };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An app on a database of its own: no other test file's relay takes its records (and counts them live elsewhere). */
async function ownApp(env: Record<string, string> = {}): Promise<TestApp> {
  const app = await startApp({ ownDatabase: true, env });
  cleanups.push(() => app.stop());
  return app;
}

async function side(app: TestApp, options: Parameters<typeof sideInstance>[1]) {
  const instance = await sideInstance(app, options);
  cleanups.push(() => instance.close());
  return instance;
}

async function totals(url: string, apiKey: string, report = 'conversations'): Promise<Body> {
  const response = await client(url, apiKey).get<{ totals: Body }>(`/v1/analytics/${report}?from=${new Date(Date.now() - 3_600_000).toISOString()}&bucket=hour`);
  expect(response.status).toBe(200);
  return response.body.totals;
}

const storedTotal = (prometheus: string) => Number(/^mcp_analytics_events_stored_total (\d+)$/m.exec(prometheus)?.[1]);

/** Retries `check` until it passes: for outcomes that a background relay reaches on its own. */
async function eventually(check: () => Promise<void>): Promise<void> {
  for (;;) {
    try {
      return await check();
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe('turns are staged in their own transaction', () => {
  it('stores a turn whose transaction commits, and nothing of one that rolls back', async () => {
    const app = await ownApp(HOLD);
    const engine = await side(app, { redis: true });
    const tenant = await createTenant(app.app);
    await stageTurns(engine.sql, engine.analytics, [turnRecord(tenant.id, 'kept')]);
    const failed = engine.sql.withTenant(tenant.id, async (tx) => {
      await stageTurn(tx, engine.analytics, turnRecord(tenant.id, 'rolled-back'));
      throw new Error('the turn failed after staging its analytics');
    });
    await expect(failed).rejects.toThrow('the turn failed');
    await app.app.analytics.flush();
    expect(await figures(app.url, tenant.apiKey)).toEqual(figuresOf(1));
  });

  it('cannot stage a turn for another tenant than its transaction’s', async () => {
    const app = await ownApp(HOLD);
    const engine = await side(app, { redis: true });
    const [a, b] = [await createTenant(app.app), await createTenant(app.app)];
    const foreign = engine.sql.withTenant(a.id, (tx) => stageTurn(tx, engine.analytics, turnRecord(b.id, 'smuggled')));
    await expect(foreign).rejects.toThrow();
    await app.app.analytics.flush();
    expect(await figures(app.url, b.apiKey)).toEqual(figuresOf(0));
  });
});

describe('the relay', () => {
  it('stores every staged turn exactly once while two instances relay at once', async () => {
    const app = await ownApp({ ...HOLD, MCP_ANALYTICS_BATCH_SIZE: '7' });
    const other = await side(app, { redis: true, batchSize: 7 });
    const [a, b] = [await createTenant(app.app), await createTenant(app.app)];
    const records = Array.from({ length: 60 }, (_, i) => turnRecord(i % 2 === 0 ? a.id : b.id, `c${i}`));
    await stageTurns(other.sql, other.analytics, records);
    await Promise.all([app.app.analytics.flush(), other.analytics.flush(), app.app.analytics.flush(), other.analytics.flush()]);
    expect(await figures(app.url, a.apiKey)).toEqual(figuresOf(30));
    expect(await figures(app.url, b.apiKey)).toEqual(figuresOf(30));
    // Each record was stored by one relay only: the two instances' counts add up to the records.
    const mine = storedTotal(await (await fetch(`${app.url}/metrics`)).text());
    const theirs = storedTotal((await other.analytics.prometheus()).text);
    expect(mine + theirs).toBe(60);
  });

  it('does not count a turn twice when a relay stored it but died before deleting it', async () => {
    const app = await ownApp(HOLD);
    const tenant = await createTenant(app.app);
    const engine = await side(app, { redis: true });
    await stageTurns(engine.sql, engine.analytics, [turnRecord(tenant.id, 'once')]);
    const staged = await engine.sql.query('SELECT tenant_id, kind, months, payload FROM analytics_outbox WHERE tenant_id = $1', [tenant.id]);
    expect(staged).toHaveLength(1);
    await app.app.analytics.flush();
    // The same row again, as if the relay's delete had been lost after its insert.
    await engine.sql.query('INSERT INTO analytics_outbox (tenant_id, kind, months, payload) SELECT tenant_id, kind, months, payload FROM json_populate_recordset(NULL::analytics_outbox, $1::json)', [JSON.stringify(staged)]);
    await app.app.analytics.flush();
    expect(await figures(app.url, tenant.apiKey)).toEqual(figuresOf(1));
  });

  it('sets aside a record the tables refuse instead of stalling every record behind it', async () => {
    const app = await ownApp(HOLD);
    const tenant = await createTenant(app.app);
    const engine = await side(app, { redis: true });
    await stageTurns(engine.sql, engine.analytics, [turnRecord(tenant.id, 'before')]);
    const month = new Date().toISOString().slice(0, 7);
    await engine.sql.query(`INSERT INTO analytics_outbox (tenant_id, kind, months, payload) VALUES ($1, 'turn', ARRAY[$2], '["not-a-uuid"]')`, [tenant.id, month]);
    await stageTurns(engine.sql, engine.analytics, [turnRecord(tenant.id, 'after')]);
    await app.app.analytics.flush();
    expect(await figures(app.url, tenant.apiKey)).toEqual(figuresOf(2));
    expect(await engine.sql.query('SELECT payload FROM analytics_outbox_refused WHERE tenant_id = $1', [tenant.id])).toEqual([{ payload: '["not-a-uuid"]' }]);
    expect(await (await fetch(`${app.url}/metrics`)).text()).toContain('mcp_analytics_records_refused_total 1');
  });

  it('recovers by itself after its PostgreSQL connections are cut, with no Redis at all', async () => {
    const app = await ownApp(HOLD);
    const tenant = await createTenant(app.app);
    // Only this instance, without Redis, relays (on a short timer); the app only serves the reports.
    const relay = await side(app, { redis: false, flushMs: 20 });
    await stageTurns(relay.sql, relay.analytics, [turnRecord(tenant.id, 'before')]);
    const admin = new pg.Client({ connectionString: app.config.storage.databaseUrl });
    await admin.connect();
    try {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    } finally {
      await admin.end();
    }
    // The first use of a cut connection may fail, as a turn would (503); the next one reconnects.
    await eventually(() => stageTurns(relay.sql, relay.analytics, [turnRecord(tenant.id, 'after')]));
    await eventually(async () => expect(await totals(app.url, tenant.apiKey)).toMatchObject({ started: 2 }));
    expect(await relay.analytics.live(tenant.id)).toEqual({ messagesLastMinute: 2, activeConversations: 2 });
  });

  it('keeps live counters after its Redis connections are cut', async () => {
    const app = await ownApp(HOLD);
    const tenant = await createTenant(app.app);
    const engine = await side(app, { redis: true });
    await stageTurns(engine.sql, engine.analytics, [turnRecord(tenant.id, 'before')]);
    await app.app.analytics.flush();
    const admin = new Redis(TEST_REDIS_URL);
    try {
      const name = redisConnectionName(app.config.storage.redisKeyPrefix);
      const list = (await admin.client('LIST')) as string;
      const ids = list.split('\n').filter((line) => line.includes(` name=${name} `)).map((line) => /^id=(\d+)/.exec(line)![1]!);
      expect(ids.length).toBeGreaterThan(0); // the app's and the side instance's
      for (const id of ids) await admin.client('KILL', 'ID', id);
    } finally {
      admin.disconnect();
    }
    await stageTurns(engine.sql, engine.analytics, [turnRecord(tenant.id, 'after')]);
    await app.app.analytics.flush();
    await eventually(async () => expect((await figures(app.url, tenant.apiKey)).live).toEqual({ messagesLastMinute: 2, activeConversations: 2 }));
  });
});

describe('nothing is held in memory', () => {
  it('stores what one instance staged through another, which never saw it', async () => {
    const first = await ownApp(HOLD);
    const tenant = await createTenant(first.app);
    await deployShop(first.url, tenant);
    await runKnownConversations(first.url, tenant);
    const metric = await client(first.url, tenant.apiKey).post('/v1/analytics/metrics', { metrics: [{ name: 'csat', value: 4 }] });
    expect(metric.status).toBe(202);
    const second = await side(first, { redis: true });
    // Until the engine stages its turns in their own transaction, they are staged just after it.
    await eventually(async () => expect(await second.sql.query('SELECT seq FROM analytics_outbox')).toHaveLength(9));
    await second.analytics.flush();
    expect(await totals(first.url, tenant.apiKey)).toEqual(EXPECTED);
    expect(await totals(first.url, tenant.apiKey, 'messages')).toEqual({ received: 8, sent: 12, fallbacks: 2, fallbackRate: 0.25 });
  });

  it('embedded: the analytics of every turn are there after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mcp-analytics-'));
    try {
      const first = await startApp({ mode: 'embedded', dataDir, env: HOLD });
      const tenant = await createTenant(first.app);
      await deployShop(first.url, tenant);
      await runKnownConversations(first.url, tenant);
      await first.stop();
      const second = await startApp({ mode: 'embedded', dataDir, env: HOLD });
      try {
        await second.app.analytics.flush();
        expect(await totals(second.url, tenant.apiKey)).toEqual(EXPECTED);
        expect(await totals(second.url, tenant.apiKey, 'messages')).toEqual({ received: 8, sent: 12, fallbacks: 2, fallbackRate: 0.25 });
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000); // two embedded starts, each migrating PGlite

  it('embedded: stores a turn’s analytics with the turn itself, before any relay runs, and counts it live', async () => {
    // The relay never runs by itself here: what the reports show was stored by the turns' own statements.
    const app = await startApp({ mode: 'embedded', env: HOLD });
    try {
      const tenant = await createTenant(app.app);
      await deployShop(app.url, tenant);
      await runKnownConversations(app.url, tenant);
      expect(await totals(app.url, tenant.apiKey)).toEqual(EXPECTED);
      expect(await totals(app.url, tenant.apiKey, 'messages')).toEqual({ received: 8, sent: 12, fallbacks: 2, fallbackRate: 0.25 });
      const prometheus = (await app.app.analytics.prometheus()).text;
      expect(prometheus).toMatch(/^mcp_analytics_queue_depth 0$/m);
      expect(storedTotal(prometheus)).toBe(8);
      expect((await client(app.url, tenant.apiKey).get<Body>('/v1/analytics/live')).body).toEqual({ messagesLastMinute: 8, activeConversations: 1 });
    } finally {
      await app.stop();
    }
  }, 60_000);
});
