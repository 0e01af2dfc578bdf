import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployShop, runKnownConversations } from './analytics-shop.js';
import { uniqueSuffix } from './support/env.js';
import { client } from './support/http.js';
import { startApp } from './support/start-app.js';
import { createTenant } from './support/tenants.js';

type Body = Record<string, unknown>;

/** Nothing is flushed by size or time while the test runs: only a flush or a graceful stop stores events. */
const HOLD = { MCP_ANALYTICS_FLUSH_MS: '600000', MCP_ANALYTICS_BATCH_SIZE: '100000' };
const EXPECTED = { started: 5, ended: 2, handoffs: 2, goalsReached: 1, containmentRate: 0.5, goalCompletionRate: 0.2, averageTurns: 1.6 };

async function totals(url: string, apiKey: string, report = 'conversations'): Promise<Body> {
  const response = await client(url, apiKey).get<{ totals: Body }>(`/v1/analytics/${report}?from=${new Date(Date.now() - 3_600_000).toISOString()}&bucket=hour`);
  expect(response.status).toBe(200);
  return response.body.totals;
}

describe('no event is lost across a graceful restart', () => {
  it('embedded: the buffer is flushed to PGlite on stop', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mcp-analytics-'));
    try {
      const first = await startApp({ mode: 'embedded', dataDir, env: HOLD });
      const tenant = await createTenant(first.app);
      await deployShop(first.url, tenant);
      await runKnownConversations(first.url, tenant);
      expect(await totals(first.url, tenant.apiKey)).toMatchObject({ started: 0 }); // still buffered
      await first.stop();

      const second = await startApp({ mode: 'embedded', dataDir, env: HOLD });
      try {
        expect(await totals(second.url, tenant.apiKey)).toEqual(EXPECTED);
        expect(await totals(second.url, tenant.apiKey, 'messages')).toEqual({ received: 8, sent: 12, fallbacks: 2, fallbackRate: 0.25 });
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('server: events go through the Redis stream and are stored before stop returns', async () => {
    const env = { ...HOLD, REDIS_KEY_PREFIX: `mcp-test-${uniqueSuffix()}:` };
    const first = await startApp({ env });
    const tenant = await createTenant(first.app);
    await deployShop(first.url, tenant);
    await runKnownConversations(first.url, tenant);
    expect(await totals(first.url, tenant.apiKey)).toMatchObject({ started: 0 });
    await first.stop();

    const second = await startApp({ env });
    try {
      expect(await totals(second.url, tenant.apiKey)).toEqual(EXPECTED);
    } finally {
      await second.stop();
    }
  });
});

describe('several instances share one stream', () => {
  it('stores every event once, whichever instance took the turn or read the entry', async () => {
    const env = { REDIS_KEY_PREFIX: `mcp-test-${uniqueSuffix()}:` };
    const [one, two] = [await startApp({ env }), await startApp({ env })];
    try {
      const tenant = await createTenant(one.app);
      await deployShop(one.url, tenant);
      // Each conversation stays on one instance (its turns are in order); the conversations alternate.
      const say = (url: string, conversation: string, message: Body) => client(url, tenant.apiKey).post(`/v1/conversations/${conversation}/messages`, message);
      for (let i = 0; i < 20; i += 1) {
        const url = i % 2 === 0 ? one.url : two.url;
        expect((await say(url, `k${i}`, { payload: 'buy' })).status).toBe(200);
        expect((await say(url, `k${i}`, { text: '2' })).status).toBe(200);
      }
      await Promise.all([one.app.analytics.flush(), two.app.analytics.flush()]);
      await Promise.all([one.app.analytics.flush(), two.app.analytics.flush()]);
      expect(await totals(one.url, tenant.apiKey)).toMatchObject({ started: 20, ended: 20, goalsReached: 20, averageTurns: 2 });
      expect(await totals(two.url, tenant.apiKey, 'messages')).toMatchObject({ received: 40, sent: 60 });
    } finally {
      await one.stop();
      await two.stop();
    }
  });

  it('stores a redelivered turn once (inserts are idempotent by event id)', async () => {
    const server = await startApp();
    try {
      const tenant = await createTenant(server.app);
      const record = {
        tenantId: tenant.id, conversationId: 'r1', turnId: crypto.randomUUID(), flowId: 'f', flowVersion: 1, channel: 'api', turn: 1, newRun: true,
        startedAt: new Date().toISOString(), latencyMs: 5, lockWaitMs: 0, status: 'waiting' as const, state: 'ask', replies: 1,
        trace: [
          { type: 'model_call' as const, state: 'ask', task: 'intent' as const, provider: 'offline', model: 'nlu', ok: true, latencyMs: 1, at: new Date().toISOString() },
          { type: 'integration_call' as const, state: 'ask', integration: 'crm', operation: 'get', ok: true, latencyMs: 9, at: new Date().toISOString() },
        ],
        sideEffects: [{ kind: 'emit' as const, name: 'nps', value: 9 }],
      };
      server.app.analytics.recordTurn(record);
      await server.app.analytics.flush();
      server.app.analytics.recordTurn(record);
      await server.app.analytics.flush();
      expect(await totals(server.url, tenant.apiKey)).toMatchObject({ started: 1 });
      // The hourly rollup is kept in the same statement as the insert, so it did not count twice either.
      expect(await totals(server.url, tenant.apiKey, 'messages')).toMatchObject({ received: 1, sent: 1 });
      // The turn's calls and metrics are stored with it, and only when the turn is new.
      const api = client(server.url, tenant.apiKey);
      const since = `from=${new Date(Date.now() - 3_600_000).toISOString()}`;
      expect((await api.get<{ totals: Body[] }>(`/v1/analytics/models?${since}`)).body.totals).toEqual([expect.objectContaining({ provider: 'offline', calls: 1 })]);
      expect((await api.get<{ integrations: Body[] }>(`/v1/analytics/integrations?${since}`)).body.integrations).toEqual([expect.objectContaining({ integration: 'crm', calls: 1 })]);
      expect((await api.get<{ series: Body[] }>(`/v1/analytics/custom-metrics?${since}`)).body.series).toEqual([expect.objectContaining({ name: 'nps', count: 1, sum: 9 })]);
    } finally {
      await server.stop();
    }
  });
});

describe('back-pressure', () => {
  it('never blocks a turn: a full buffer drops events, counts them, and refuses API metrics with 503', async () => {
    const small = await startApp({ mode: 'embedded', env: { ...HOLD, MCP_ANALYTICS_BUFFER_SIZE: '1' } });
    try {
      const tenant = await createTenant(small.app);
      await deployShop(small.url, tenant);
      const api = client(small.url, tenant.apiKey);
      expect((await api.post('/v1/conversations/p1/messages', { payload: 'buy' })).status).toBe(200);
      expect((await api.post('/v1/conversations/p1/messages', { text: '4' })).status).toBe(200);
      const full = await api.post<{ error: Body }>('/v1/analytics/metrics', { metrics: [{ name: 'csat', value: 5 }] });
      expect(full.status).toBe(503);
      expect(full.body.error.code).toBe('unavailable');
      const text = await (await fetch(`${small.url}/metrics`)).text();
      const dropped = Number(/mcp_analytics_events_dropped_total (\d+)/.exec(text)?.[1]);
      expect(dropped).toBeGreaterThan(0);
      expect(text).toContain('mcp_analytics_queue_depth 1');
    } finally {
      await small.stop();
    }
  });
});
