import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allMigrations } from '../src/app.js';
import { tenantDataParts } from '../src/tenant-data.js';
import { deployShop, runKnownConversations } from './analytics-shop.js';
import { TEST_REDIS_URL } from './support/env.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import type { TestTenant } from './support/tenants.js';
import { newWorkspace } from './support/workspaces.js';

const PLATFORM_KEY = `platform-${'d'.repeat(40)}`;

let server: TestApp;
let db: pg.Client;
let redis: Redis;

beforeAll(async () => {
  // A database of its own: the failure test puts a trigger on a table, and no other file sees it.
  server = await startApp({ ownDatabase: true, env: { MCP_PLATFORM_ADMIN_KEY: PLATFORM_KEY } });
  db = new pg.Client({ connectionString: server.config.storage.databaseUrl });
  await db.connect();
  redis = new Redis(TEST_REDIS_URL);
});
afterAll(async () => {
  redis?.disconnect();
  await db?.end();
  await server?.stop();
});

/** A workspace with something in every module: people, keys, flows, conversations, analytics, settings, knowledge. */
async function busyTenant(): Promise<TestTenant> {
  const ws = await newWorkspace(server.url, PLATFORM_KEY);
  const key = await ws.api.post<{ secret: string }>('/v1/api-keys', { name: 'bot' });
  const tenant = { id: ws.tenantId, slug: ws.slug, apiKey: key.body.secret, widgetKey: '' };
  const api = client(server.url, tenant.apiKey);
  const flowId = await deployShop(server.url, tenant);
  await runKnownConversations(server.url, tenant);
  const steps = [
    await api.post('/v1/analytics/metrics', { metrics: [{ name: 'csat', value: 4 }] }),
    await api.post(`/v1/flows/${flowId}/try/s1?draft=true`, { text: 'hello' }),
    await api.call('PUT', '/v1/privacy/policy', { messageRetentionDays: 30 }),
    await api.call('PUT', '/v1/models/settings', { providers: { local: { kind: 'openai_compatible', baseUrl: 'http://127.0.0.1:9/v1' } } }),
    await api.post('/v1/knowledge/sources', { kind: 'markdown', name: 'Returns', content: '# Returns\n\nWithin 30 days, with the receipt.' }),
    await api.post('/v1/integrations', { name: 'crm', kind: 'http', config: { baseUrl: 'https://crm.example.com' } }),
  ];
  for (const step of steps) expect(step.status, JSON.stringify(step.body)).toBeLessThan(300);
  await server.app.analytics.flush();
  return tenant;
}

/** Every table with a tenant column, found in the catalogue rather than listed: a new table is checked the day it is added. */
async function tenantTables(): Promise<string[]> {
  const { rows } = await db.query<{ table_name: string }>(
    `SELECT c.table_name FROM information_schema.columns c
       JOIN information_schema.tables t USING (table_schema, table_name)
      WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE'
      ORDER BY 1`,
  );
  return rows.map((r) => r.table_name);
}

/** Rows of the tenant in each table that has any, plus its `tenants` row. */
async function rowsOf(tenantId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await tenantTables()) {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}" WHERE tenant_id = $1`, [tenantId]);
    if (rows[0]!.n > 0) counts[table] = rows[0]!.n;
  }
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tenants WHERE id = $1', [tenantId]);
  if (rows[0]!.n > 0) counts.tenants = rows[0]!.n;
  return counts;
}

async function redisKeysOf(tenantId: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${server.config.storage.redisKeyPrefix}*${tenantId}*`, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found.sort();
}

describe('deleting a tenant', () => {
  it("asks every module with migrations for its share, in the migrations' dependency order", () => {
    expect(tenantDataParts.map((part) => part.module)).toEqual(allMigrations.map((m) => m.module));
  });

  it('leaves no row in any table with a tenant column and no Redis key of it; another tenant keeps everything', async () => {
    const [gone, kept] = [await busyTenant(), await busyTenant()];
    const before = await rowsOf(gone.id);
    // Not a vacuous check: the workspace has rows across the modules, and keys in Redis.
    expect(Object.keys(before)).toEqual(expect.arrayContaining([
      'tenants', 'users', 'api_keys', 'audit_log', 'flows', 'flow_versions', 'conversations', 'messages', 'conversation_contexts',
      'turn_traces', 'conversation_analytics', 'custom_metrics', 'data_policies', 'model_settings', 'knowledge_sources', 'integrations',
    ]));
    expect(await redisKeysOf(gone.id)).not.toEqual([]);
    const keptRows = await rowsOf(kept.id);
    const keptKeys = await redisKeysOf(kept.id);

    const deleted = await client(server.url, PLATFORM_KEY).call('DELETE', `/v1/tenants/${gone.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ deleted: true });

    expect(await rowsOf(gone.id)).toEqual({});
    expect(await redisKeysOf(gone.id)).toEqual([]);
    expect(await rowsOf(kept.id)).toEqual(keptRows);
    expect(await redisKeysOf(kept.id)).toEqual(keptKeys);
    expect((await client(server.url, kept.apiKey).get('/v1/conversations/c1')).status).toBe(200);
    expect((await client(server.url, PLATFORM_KEY).call('DELETE', `/v1/tenants/${gone.id}`)).status).toBe(404);
  });

  it('deletes nothing when any part fails: one transaction, rolled back as a whole', async () => {
    const tenant = await busyTenant();
    const before = await rowsOf(tenant.id);
    const keys = await redisKeysOf(tenant.id);
    // The security module's rows go last (the others' depend on the tenant), so every other module has deleted by then.
    await db.query(`CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF OLD.tenant_id = '${tenant.id}' THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN OLD; END $$`);
    await db.query('CREATE TRIGGER refuse_delete BEFORE DELETE ON api_keys FOR EACH ROW EXECUTE FUNCTION refuse_delete()');
    try {
      await expect(server.app.security.deleteTenant(tenant.id)).rejects.toThrow(/refused for the test/);
    } finally {
      await db.query('DROP TRIGGER refuse_delete ON api_keys; DROP FUNCTION refuse_delete()');
    }
    expect(await rowsOf(tenant.id)).toEqual(before);
    expect(await redisKeysOf(tenant.id)).toEqual(keys);

    await server.app.security.deleteTenant(tenant.id);
    expect(await rowsOf(tenant.id)).toEqual({});
    expect(await redisKeysOf(tenant.id)).toEqual([]);
  });
});
