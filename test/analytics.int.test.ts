import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sideInstance, stageTurns, turnSummary } from './analytics-instances.js';
import { deployShop, runKnownConversations } from './analytics-shop.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant, type TestTenant, twoTenants } from './support/tenants.js';

type Body = Record<string, unknown>;

/** An app with tenants A and B, A's known conversations run, and two metrics sent to the API. */
interface Setup {
  server: TestApp;
  a: TestTenant;
  b: TestTenant;
  flowId: string;
}

const hour = 3_600_000;
const aligned = () => {
  const now = Date.now();
  return `from=${new Date(Math.floor(now / hour) * hour - hour).toISOString()}&to=${new Date(Math.ceil(now / hour) * hour + hour).toISOString()}`;
};
const unaligned = () => `from=${new Date(Date.now() - 10 * 60_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`;

async function setUp(mode: 'server' | 'embedded'): Promise<Setup> {
  // A database of its own: another test file's relay would otherwise store A's turns and count them
  // in its own live counters (another Redis prefix), as no installation's instances ever would.
  const server = await startApp(mode === 'server' ? { ownDatabase: true } : { mode });
  const [a, b] = await twoTenants(server.app);
  const flowId = await deployShop(server.url, a);
  await deployShop(server.url, b);
  await runKnownConversations(server.url, a);
  // Tenant B has one conversation of its own, which A must never see.
  expect((await client(server.url, b.apiKey).post('/v1/conversations/b1/messages', { payload: 'bye' })).status).toBe(200);
  const ingest = await client(server.url, a.apiKey).post('/v1/analytics/metrics', {
    metrics: [{ name: 'csat', value: 4, tags: { agent: 'x' } }, { name: 'csat', value: 5, channel: 'web' }],
  });
  expect(ingest.status).toBe(202);
  await server.app.analytics.flush();
  return { server, a, b, flowId };
}

/** Server mode, for every test below. */
let main: Setup;
let server: TestApp;
beforeAll(async () => {
  main = await setUp('server');
  server = main.server;
});
afterAll(async () => {
  await server.stop();
});

// Embedded, a turn's analytics rows are stored by its own statement, not relayed through the outbox: same figures.
describe.each(['server', 'embedded'] as const)('%s:', (mode) => {
  let server: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let flowId: string;
  beforeAll(async () => {
    ({ server, a, b, flowId } = mode === 'server' ? main : await setUp(mode));
  }, 120_000);
  afterAll(async () => {
    if (mode === 'embedded') await server.stop();
  });

  describe('analytics queries over known conversations', () => {
    it('counts conversations: started, ended, handoffs, goals, containment, goal completion, average turns', async () => {
      const report = await client(server.url, a.apiKey).get<Body>(`/v1/analytics/conversations?${unaligned()}&bucket=minute`);
      expect(report.status).toBe(200);
      expect(report.body.totals).toEqual({ started: 5, ended: 2, handoffs: 2, goalsReached: 1, containmentRate: 0.5, goalCompletionRate: 0.2, averageTurns: 1.6 });
    });

    it('counts messages and fallbacks', async () => {
      const report = await client(server.url, a.apiKey).get<Body>(`/v1/analytics/messages?${unaligned()}&bucket=minute`);
      expect(report.body.totals).toEqual({ received: 8, sent: 12, fallbacks: 2, fallbackRate: 0.25 });
    });

    it('reads the same counts from the hourly rollup for whole-hour ranges', async () => {
      const api = client(server.url, a.apiKey);
      for (const bucket of ['hour', 'day']) {
        const conversations = await api.get<Body>(`/v1/analytics/conversations?${aligned()}&bucket=${bucket}`);
        expect(conversations.body.totals).toMatchObject({ started: 5, ended: 2, handoffs: 2, goalsReached: 1 });
        const messages = await api.get<Body>(`/v1/analytics/messages?${aligned()}&bucket=${bucket}`);
        expect(messages.body.totals).toEqual({ received: 8, sent: 12, fallbacks: 2, fallbackRate: 0.25 });
      }
      const hourly = await api.get<{ series: Body[] }>(`/v1/analytics/messages?${aligned()}&bucket=hour`);
      expect(hourly.body.series.reduce((sum, s) => sum + Number(s.received), 0)).toBe(8);
    });

    it('gives the intent distribution', async () => {
      const report = await client(server.url, a.apiKey).get<{ intents: Body[] }>(`/v1/analytics/intents?${unaligned()}`);
      // No intent: 'blah blah', 'qwerty', 'hello?' and the quantity '3' (a slot answer, classified too).
      expect(report.body.intents.map(({ intent, count }) => ({ intent, count }))).toEqual([
        { intent: 'fallback', count: 4 },
        { intent: 'buy', count: 2 },
        { intent: 'bye', count: 1 },
        { intent: 'human', count: 1 },
      ]);
      expect(report.body.intents[1]).toMatchObject({ share: 2 / 8, averageConfidence: 1 });
    });

    it('gives the drop-off funnel per state', async () => {
      const report = await client(server.url, a.apiKey).get<{ states: Body[] }>(`/v1/analytics/funnel?${unaligned()}`);
      expect(report.body.states).toEqual([
        { state: 'menu', entered: 5, droppedOff: 0, dropOffRate: 0 },
        { state: 'welcome', entered: 5, droppedOff: 0, dropOffRate: 0 },
        { state: 'agent', entered: 2, droppedOff: 0, dropOffRate: 0 },
        { state: 'quantity', entered: 2, droppedOff: 1, dropOffRate: 0.5 },
        { state: 'done', entered: 1, droppedOff: 0, dropOffRate: 0 },
        { state: 'lookup', entered: 1, droppedOff: 0, dropOffRate: 0 },
        { state: 'quit', entered: 1, droppedOff: 0, dropOffRate: 0 },
      ]);
    });

    it('gives reply latency percentiles over every turn', async () => {
      const report = await client(server.url, a.apiKey).get<{ totals: { turns: number; p50: number; p95: number; p99: number } }>(`/v1/analytics/latency?${unaligned()}`);
      const { turns, p50, p95, p99 } = report.body.totals;
      expect(turns).toBe(8);
      expect(p50).toBeGreaterThanOrEqual(0);
      expect(p50).toBeLessThanOrEqual(p95);
      expect(p95).toBeLessThanOrEqual(p99);
    });

    it('gives integration success rate and custom metrics from flows and from the API', async () => {
      const api = client(server.url, a.apiKey);
      const integrations = await api.get<{ integrations: Body[] }>(`/v1/analytics/integrations?${unaligned()}`);
      expect(integrations.body.integrations).toEqual([expect.objectContaining({ integration: 'echo', operation: 'check', calls: 1, successes: 1, successRate: 1 })]);
      const custom = await api.get<{ series: Body[] }>(`/v1/analytics/custom-metrics?${aligned()}&bucket=day`);
      expect(custom.body.series.map(({ name, count, sum, min, max, average }) => ({ name, count, sum, min, max, average }))).toEqual([
        { name: 'csat', count: 2, sum: 9, min: 4, max: 5, average: 4.5 },
        { name: 'items_ordered', count: 1, sum: 3, min: 3, max: 3, average: 3 },
      ]);
      const one = await api.get<{ series: Body[] }>(`/v1/analytics/custom-metrics?${aligned()}&bucket=day&name=csat`);
      expect(one.body.series.map((s) => s.name)).toEqual(['csat']);
    });

    it('reports model usage by provider and model', async () => {
      // Every text message is classified by the offline NLU; payloads are not.
      const report = await client(server.url, a.apiKey).get<{ totals: Body[] }>(`/v1/analytics/models?${unaligned()}`);
      expect(report.body.totals).toEqual([expect.objectContaining({ calls: 4, failures: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 })]);
    });

    it('filters by channel and flow', async () => {
      const api = client(server.url, a.apiKey);
      const apiChannel = await api.get<Body>(`/v1/analytics/conversations?${unaligned()}&channel=api`);
      expect(apiChannel.body.totals).toMatchObject({ started: 1, ended: 0, handoffs: 0 });
      const rolled = await api.get<Body>(`/v1/analytics/messages?${aligned()}&bucket=hour&channel=api`);
      expect(rolled.body.totals).toMatchObject({ received: 1, sent: 2 });
      const byFlow = await api.get<Body>(`/v1/analytics/conversations?${unaligned()}&flowId=${flowId}&flowVersion=1`);
      expect(byFlow.body.totals).toMatchObject({ started: 5 });
      const otherVersion = await api.get<Body>(`/v1/analytics/conversations?${aligned()}&bucket=hour&flowId=${flowId}&flowVersion=2`);
      expect(otherVersion.body.totals).toMatchObject({ started: 0, containmentRate: null });
    });

    it('shows real-time counters', async () => {
      const live = await client(server.url, a.apiKey).get<Body>('/v1/analytics/live');
      // Only c4 still waits for the user; the others ended or went to a person.
      expect(live.body).toEqual({ messagesLastMinute: 8, activeConversations: 1 });
    });
  });

  describe('tenant isolation', () => {
    it('shows each tenant only its own figures in every query', async () => {
      const api = client(server.url, b.apiKey);
      expect((await api.get<Body>(`/v1/analytics/conversations?${unaligned()}`)).body.totals).toMatchObject({ started: 1, ended: 1, handoffs: 0 });
      expect((await api.get<Body>(`/v1/analytics/conversations?${aligned()}&bucket=hour`)).body.totals).toMatchObject({ started: 1 });
      expect((await api.get<Body>(`/v1/analytics/messages?${unaligned()}`)).body.totals).toMatchObject({ received: 1, sent: 2, fallbacks: 0 });
      expect((await api.get<{ intents: Body[] }>(`/v1/analytics/intents?${unaligned()}`)).body.intents).toEqual([expect.objectContaining({ intent: 'bye', count: 1 })]);
      expect((await api.get<{ states: Body[] }>(`/v1/analytics/funnel?${unaligned()}`)).body.states.map((s) => s.state).sort()).toEqual(['menu', 'quit', 'welcome']);
      expect((await api.get<Body>(`/v1/analytics/latency?${unaligned()}`)).body.totals).toMatchObject({ turns: 1 });
      expect((await api.get<Body>(`/v1/analytics/integrations?${unaligned()}`)).body.integrations).toEqual([]);
      expect((await api.get<Body>(`/v1/analytics/custom-metrics?${aligned()}`)).body.series).toEqual([]);
      expect((await api.get<{ totals: Body[] }>(`/v1/analytics/models?${unaligned()}`)).body.totals.every((m) => Number(m.calls) <= 1)).toBe(true);
      expect((await api.get<Body>('/v1/analytics/live')).body).toEqual({ messagesLastMinute: 1, activeConversations: 0 });
    });

    it('keeps a fresh tenant at zero', async () => {
      const fresh = await createTenant(server.app, 'empty');
      const report = await client(server.url, fresh.apiKey).get<Body>('/v1/analytics/conversations');
      expect(report.body.totals).toEqual({ started: 0, ended: 0, handoffs: 0, goalsReached: 0, containmentRate: null, goalCompletionRate: null, averageTurns: null });
    });
  });

});

describe('model usage', () => {
  it('reports tokens and cost as an LLM call reports them', async () => {
    // From the engine's hook, as an LLM call reports them.
    const tenant = await createTenant(server.app, 'models');
    const at = new Date().toISOString();
    const call = (provider: string, model: string, tokensIn: number, tokensOut: number, costUsd: number) =>
      ({ type: 'model_call', state: 'reply', task: 'generate', provider, model, ok: true, latencyMs: 100, tokensIn, tokensOut, costUsd, at }) as const;
    const records = ([
      [1, [call('openai', 'gpt-4o-mini', 100, 20, 0.0003), call('anthropic', 'claude-haiku-4-5', 50, 10, 0.0002)]],
      [2, [call('openai', 'gpt-4o-mini', 200, 40, 0.0006)]],
    ] as const).map(([turn, calls]) => ({
      tenantId: tenant.id, conversationId: 'm1', turnId: crypto.randomUUID(), flowId: 'f', flowVersion: 1, channel: 'api', turn,
      startedAt: at, latencyMs: 5, lockWaitMs: 0, status: 'waiting' as const, state: 'reply', replies: 1,
      summary: turnSummary({ started: turn === 1, modelCalls: [...calls] }), sideEffects: [],
    }));
    const engine = await sideInstance(server, { redis: true });
    try {
      await stageTurns(engine.sql, engine.analytics, records);
    } finally {
      await engine.close();
    }
    await server.app.analytics.flush();
    const usage = await client(server.url, tenant.apiKey).get<{ totals: Body[]; series: Body[] }>(`/v1/analytics/models?${unaligned()}`);
    expect(usage.body.totals).toEqual([
      { provider: 'anthropic', model: 'claude-haiku-4-5', calls: 1, failures: 0, tokensIn: 50, tokensOut: 10, costUsd: 0.0002, averageLatencyMs: 100 },
      { provider: 'openai', model: 'gpt-4o-mini', calls: 2, failures: 0, tokensIn: 300, tokensOut: 60, costUsd: 0.0009, averageLatencyMs: 100 },
    ]);
    expect(usage.body.series).toHaveLength(2);
  });

});

describe('bad input and access', () => {
  it('refuses bad query strings with a clear 400', async () => {
    const api = client(server.url, main.a.apiKey);
    for (const query of ['bucket=week', 'from=yesterday', 'from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z', 'from=2000-01-01T00:00:00Z&bucket=minute', 'flowVersion=zero']) {
      const response = await api.get<{ error: Body }>(`/v1/analytics/messages?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.error.code).toBe('bad_request');
    }
  });

  it('refuses bad custom metrics without storing any of them', async () => {
    const api = client(server.url, main.a.apiKey);
    for (const body of [{ metrics: [] }, { metrics: [{ name: 'bad name!', value: 1 }] }, { metrics: [{ name: 'x', value: 'high' }] }, { name: 'x' }]) {
      const response = await api.post<{ error: Body }>('/v1/analytics/metrics', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    const old = await api.post<{ error: Body }>('/v1/analytics/metrics', { metrics: [{ name: 'ok', value: 1 }, { name: 'old', value: 1, at: '2001-01-01T00:00:00Z' }] });
    expect(old.status).toBe(400);
    expect(old.body.error.message).toContain("'old'");
    await server.app.analytics.flush();
    const custom = await api.get<{ series: Body[] }>(`/v1/analytics/custom-metrics?${aligned()}&bucket=day&name=ok`);
    expect(custom.body.series).toEqual([]);
  });

  it('stores a metric sent twice with the same id once', async () => {
    const api = client(server.url, main.a.apiKey);
    const metric = { id: '0b7c6f3e-8d3a-4c1e-9f5a-2d6b1a9e4c70', name: 'retried', value: 7, at: new Date().toISOString() };
    expect((await api.post('/v1/analytics/metrics', { metrics: [{ id: metric.id, name: 'retried', value: 7 }] })).status).toBe(400);
    expect((await api.post('/v1/analytics/metrics', { metrics: [metric] })).status).toBe(202);
    expect((await api.post('/v1/analytics/metrics', { metrics: [metric] })).status).toBe(202);
    await server.app.analytics.flush();
    const custom = await api.get<{ series: Body[] }>(`/v1/analytics/custom-metrics?${aligned()}&bucket=day&name=retried`);
    expect(custom.body.series).toEqual([expect.objectContaining({ count: 1, sum: 7 })]);
  });

  it('needs an API key with the analytics permissions', async () => {
    expect((await client(server.url).get('/v1/analytics/conversations')).status).toBe(401);
    const { secret } = await server.app.security.createApiKey(main.a.id, { name: 'chat only', scopes: ['conversations:write'] });
    const limited = client(server.url, secret);
    expect((await limited.get('/v1/analytics/conversations')).status).toBe(403);
    expect((await limited.post('/v1/analytics/metrics', { metrics: [{ name: 'x', value: 1 }] })).status).toBe(403);
  });
});

describe('GET /metrics', () => {
  it('serves operator figures in Prometheus text format', async () => {
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/mcp_http_request_duration_seconds_bucket\{le="[^"]+",method="POST",route="\/v1\/conversations\/:conversationId\/messages",status="200"\} \d+/);
    expect(text).toMatch(/mcp_turns_total\{status="ended"\} \d+/);
    expect(text).toMatch(/mcp_lock_wait_seconds_count \d+/);
    expect(text).toMatch(/mcp_turn_commit_wait_seconds_count [1-9]\d*/);
    expect(text).toMatch(/mcp_model_calls_total\{provider="[^"]+",task="intent",ok="true"\} \d+/);
    expect(text).toContain('mcp_integration_calls_total{ok="true"} 1');
    expect(text).toMatch(/mcp_analytics_events_stored_total \d+/);
    expect(text).toMatch(/mcp_analytics_queue_depth \d+/);
    expect(text).toMatch(/process_cpu_user_seconds_total [\d.e-]+/);
    expect(text).toMatch(/nodejs_heap_size_used_bytes \d+/);
    // PostgreSQL runs apart: there is no embedded database thread to report.
    expect(text).not.toContain('mcp_embedded_database_busy_seconds_total');
  });

  it('asks for the bearer token when MCP_METRICS_TOKEN is set', async () => {
    const guarded = await startApp({ mode: 'embedded', env: { MCP_METRICS_TOKEN: 'scrape-token-0123456789' } });
    try {
      expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
      const ok = await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer scrape-token-0123456789' } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('mcp_turns_total');
    } finally {
      await guarded.stop();
    }
  });
});
