import { AppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import type { Counters, Sql, SqlExecutor } from '../storage/contract.js';
import type { TurnRecord } from '../engine/contract.js';
import type { Analytics, AnalyticsQueryInput, CustomMetricInput } from './contract.js';
import { turnAnalytics } from './turn-analytics.js';
import { createMaintenance } from './maintenance.js';
import { createOperatorMetrics } from './operator-metrics.js';
import { createPartitions } from './partitions.js';
import { createPipeline, type PipelineConfig } from './pipeline.js';
import { conversationsReport, intentsReport, messagesReport } from './query-counts.js';
import { customMetricsReport, funnelReport, integrationsReport, latencyReport, modelsReport } from './query-details.js';
import { resolveQuery, type ResolvedQuery } from './query-range.js';
import type { AnalyticsRecord } from './records.js';

export * from './contract.js';
export { analyticsMigrations } from './migrations.js';
export { analyticsTenantData } from './tenant-data.js';
export { createAnalyticsPersonData } from './person-data.js';

export interface AnalyticsConfig extends PipelineConfig {
  /** Record events of turns; off, queries and /metrics still work (the benchmark's baseline). */
  enabled: boolean;
  retentionDays: number;
  rollupRetentionDays: number;
}

export interface AnalyticsDeps {
  sql: Sql;
  /** Live figures' counters: storage's, shared by every instance through Redis. */
  counters: Counters;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  config: AnalyticsConfig;
}

const DAY_MS = 86_400_000;

export function createAnalytics(deps: AnalyticsDeps): Analytics {
  const { sql, clock, ids, logger, config } = deps;
  const partitions = createPartitions({ sql, logger });
  const pipeline = createPipeline({ sql, counters: deps.counters, partitions, logger, config, onStored: (n) => metrics.stored(n), onRefused: () => metrics.refused() });
  const metrics = createOperatorMetrics({ backlog: pipeline.backlog, ...(sql.busyMs ? { databaseBusyMs: sql.busyMs } : {}) });
  const maintenance = createMaintenance({ sql, partitions, clock, logger, config });

  /** The turn's analytics record, or null (logged) when deriving it fails: a bug must not fail the turn. */
  function observe(record: TurnRecord): AnalyticsRecord | null {
    try {
      metrics.observeTurn(record);
      return config.enabled ? turnAnalytics(record) : null;
    } catch (error) {
      logger.error({ err: error, turnId: record.turnId }, 'analytics: could not derive the analytics of a turn');
      return null;
    }
  }

  function customMetric(tenantId: string, input: CustomMetricInput, nowMs: number): AnalyticsRecord {
    const at = input.at ? Date.parse(input.at) : nowMs;
    if (at < nowMs - config.retentionDays * DAY_MS || at > nowMs + DAY_MS) {
      throw new AppError('bad_request', `Metric '${input.name}': \`at\` must be within the last ${config.retentionDays} days and at most one day ahead.`);
    }
    const row = {
      id: input.id ?? ids.uuid(),
      time: new Date(at).toISOString(),
      flow_id: input.flowId ?? null,
      flow_version: input.flowVersion ?? null,
      channel: input.channel ?? null,
      conversation_id: input.conversationId ?? null,
      turn_id: null,
      turn: null,
      name: input.name,
      value: input.value,
      tags: input.tags ?? {},
    };
    return { kind: 'metric', tenantId, row };
  }

  const report =
    <T>(build: (tx: SqlExecutor, tenantId: string, q: ResolvedQuery) => Promise<T>) =>
    (tenantId: string, query: AnalyticsQueryInput): Promise<T> => {
      const resolved = resolveQuery(query, clock.now());
      return sql.withTenant(tenantId, (tx) => build(tx, tenantId, resolved));
    };

  return {
    turnRows(record) {
      const derived = observe(record);
      return derived ? pipeline.turnRows(derived) : null;
    },
    async ingestMetrics(tenantId, inputs) {
      const now = clock.now();
      const rows = inputs.map((input) => customMetric(tenantId, input, now));
      await sql.withTenant(tenantId, (tx) => pipeline.stage(tx, tenantId, rows));
      return { accepted: rows.length };
    },
    conversations: report(conversationsReport),
    messages: report(messagesReport),
    intents: report(intentsReport),
    funnel: report(funnelReport),
    latency: report(latencyReport),
    models: report(modelsReport),
    integrations: report(integrationsReport),
    customMetrics: report(customMetricsReport),
    live: (tenantId) => pipeline.live(tenantId, clock.now()),
    observeHttp: (sample) => metrics.observeHttp(sample),
    observeCommitWait: (seconds) => metrics.observeCommitWait(seconds),
    prometheus: () => metrics.render(),
    flush: () => pipeline.flush(),
    async start() {
      await maintenance.start();
      pipeline.start();
    },
    async stop() {
      maintenance.stop();
      await pipeline.stop();
    },
  };
}
