import { expect } from 'vitest';
import { type Analytics, createAnalytics } from '../src/modules/analytics/index.js';
import type { TurnRecord, TurnSummary } from '../src/modules/engine/contract.js';
import { createStorage, type Sql, type SqlExecutor } from '../src/modules/storage/index.js';
import { systemClock } from '../src/shared/clock.js';
import { randomIds } from '../src/shared/ids.js';
import { silentLogger } from '../src/shared/logger.js';
import { client } from './support/http.js';
import type { TestApp } from './support/start-app.js';

type Body = Record<string, unknown>;

/**
 * Another instance's analytics over the app's database, as a second process would run it: the
 * engine's side (turn rows staged in its own transactions) and a relay of its own. Without `redis` it has
 * no Redis at all (live counters in memory), which shows the relay does not need it.
 */
export async function sideInstance(app: TestApp, options: { redis: boolean; batchSize?: number; flushMs?: number }): Promise<{ sql: Sql; analytics: Analytics; close(): Promise<void> }> {
  const { redisUrl, ...storageConfig } = app.config.storage;
  const storage = await createStorage({ ...storageConfig, ...(options.redis ? { redisUrl } : {}) }, { logger: silentLogger() });
  const analytics = createAnalytics({
    sql: storage.sql,
    counters: storage.counters,
    clock: systemClock,
    ids: randomIds,
    logger: silentLogger(),
    config: {
      ...app.config.analytics,
      batchSize: options.batchSize ?? app.config.analytics.batchSize,
      flushMs: options.flushMs ?? app.config.analytics.flushMs,
    },
  });
  await analytics.start();
  return {
    sql: storage.sql,
    analytics,
    async close() {
      await analytics.stop();
      await storage.close();
    },
  };
}

/** What the engine says a turn decided: nothing, unless `decided` says so. */
export const turnSummary = (decided: Partial<TurnSummary>): TurnSummary => ({
  started: false, intent: null, fallback: null, ended: false, goal: false, handoff: false,
  statesEntered: [], statesExited: [], slotsFilled: [], errors: [], modelCalls: [], integrationCalls: [],
  ...decided,
});

/** A committed turn as the engine reports it: a new conversation waiting for the next message. */
export function turnRecord(tenantId: string, conversationId: string): TurnRecord {
  const at = new Date().toISOString();
  return {
    tenantId, conversationId, turnId: crypto.randomUUID(), flowId: 'f', flowVersion: 1, channel: 'api', turn: 1,
    startedAt: at, latencyMs: 5, lockWaitMs: 0, status: 'waiting', state: 'ask', replies: 1,
    summary: turnSummary({ started: true, modelCalls: [{ type: 'model_call', state: 'ask', task: 'intent', provider: 'offline', model: 'nlu', ok: true, latencyMs: 1, at }] }),
    sideEffects: [{ kind: 'emit', name: 'nps', value: 9 }],
  };
}

/** Writes a turn's analytics rows in `tx` as the engine's commit does (in the record's tenant's name). */
export async function stageTurn(tx: SqlExecutor, analytics: Analytics, record: TurnRecord): Promise<void> {
  const staged = analytics.turnRows(record);
  if (staged) await staged.writer(tx, record.tenantId, staged.rows);
}

/** Stages turns the way the engine will: each in its own tenant transaction, which commits. */
export async function stageTurns(sql: Sql, analytics: Analytics, records: readonly TurnRecord[]): Promise<void> {
  for (const record of records) await sql.withTenant(record.tenantId, (tx) => stageTurn(tx, analytics, record));
}

const hour = 3_600_000;

/** Every figure a stored turn moves, read over HTTP: raw turns, the hourly rollup, models, custom metrics and live counters. */
export async function figures(url: string, apiKey: string): Promise<Body> {
  const api = client(url, apiKey);
  const now = Date.now();
  const raw = `from=${new Date(now - 10 * 60_000).toISOString()}&to=${new Date(now + 60_000).toISOString()}`;
  const rolled = `from=${new Date(Math.floor(now / hour) * hour - hour).toISOString()}&to=${new Date(Math.ceil(now / hour) * hour + hour).toISOString()}&bucket=hour`;
  const get = async <T>(path: string) => {
    const response = await api.get<T>(path);
    expect(response.status, path).toBe(200);
    return response.body;
  };
  const models = await get<{ totals: { calls: number }[] }>(`/v1/analytics/models?${raw}`);
  const custom = await get<{ series: { count: number }[] }>(`/v1/analytics/custom-metrics?${rolled}`);
  return {
    turns: (await get<{ totals: Body }>(`/v1/analytics/conversations?${raw}&bucket=minute`)).totals.started,
    rolledUp: (await get<{ totals: Body }>(`/v1/analytics/messages?${rolled}`)).totals.received,
    modelCalls: models.totals.reduce((sum, m) => sum + m.calls, 0),
    emitted: custom.series.reduce((sum, s) => sum + s.count, 0),
    live: await get<Body>('/v1/analytics/live'),
  };
}

/** The expected figures of `n` stored turns from turnRecord, each a conversation of its own. */
export const figuresOf = (n: number) => ({ turns: n, rolledUp: n, modelCalls: n, emitted: n, live: { messagesLastMinute: n, activeConversations: n } });
