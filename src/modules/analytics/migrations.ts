import { APP_ROLE, type ModuleMigrations, tenantIsolationSql } from '../storage/index.js';
import { createHypertable, dropDefaultIndex, revokeChunkGrants } from './timescale.js';

/**
 * The raw tables are time-series: range-partitioned by month on PostgreSQL and PGlite (the
 * maintenance task creates partitions ahead and drops them past the retention), or TimescaleDB
 * hypertables when that extension is installed. The primary key includes `time` because both
 * schemes require it; `id` alone is unique anyway, so a conflict on the key means the row is stored.
 * Since 002 the key is (tenant_id, time, id): one index both keeps rows unique and serves every
 * query (a tenant's time range), where two indexes were paid for on every insert.
 */
const SCOPE = `id uuid NOT NULL, tenant_id uuid NOT NULL, time timestamptz NOT NULL,
  flow_id text, flow_version integer, channel text, conversation_id text`;

/**
 * `conversation_analytics` holds one row per turn (its id is the turn's): every conversation event
 * of the turn is a column, so a turn costs one insert, not one per event. The other tables hold
 * one row per call or metric, with the turn it happened in.
 */
export const RAW_TABLES = {
  conversation_analytics: `${SCOPE}, turn integer NOT NULL,
    started boolean NOT NULL, ended boolean NOT NULL, goal boolean NOT NULL, handoff boolean NOT NULL, fallback boolean NOT NULL,
    state text, status text NOT NULL, latency_ms double precision NOT NULL, lock_wait_ms double precision NOT NULL, replies integer NOT NULL,
    states_entered text[] NOT NULL, intent text, intent_confidence double precision, intent_provider text, intent_state text,
    slots jsonb, errors jsonb`,
  system_metrics: `${SCOPE}, turn_id uuid, turn integer, metric text NOT NULL, name text, operation text, state text, status text, ok boolean,
    latency_ms double precision, value double precision`,
  model_usage_analytics: `${SCOPE}, turn_id uuid, turn integer, task text NOT NULL, provider text NOT NULL, model text NOT NULL, ok boolean NOT NULL,
    latency_ms double precision NOT NULL, tokens_in integer NOT NULL, tokens_out integer NOT NULL, cost_usd numeric NOT NULL`,
  custom_metrics: `${SCOPE}, turn_id uuid, turn integer, name text NOT NULL, value double precision NOT NULL, tags jsonb NOT NULL`,
} as const;

export type RawTable = keyof typeof RAW_TABLES;
/** The hourly rollup's counters (002), kept by the turns' insert and summed by the counts queries. */
export const ROLLUP_COUNTERS = ['turns', 'started', 'ended', 'goals', 'handoffs', 'fallbacks', 'sent', 'intent_confidence_sum'] as const;

/** Every raw table's primary key, the target of the inserts' `ON CONFLICT`. */
export const KEY = 'tenant_id, time, id';
export const RAW_TABLE_NAMES = Object.keys(RAW_TABLES) as RawTable[];

/** With TimescaleDB a hypertable (timescale.ts holds that path's SQL), else a partitioned table. */
const createRawTable = (table: string, columns: string, key: string) => `
  IF timescale THEN
    EXECUTE '${`CREATE TABLE ${table} (${columns}, PRIMARY KEY (${key}))`.replaceAll("'", "''")}';
    ${createHypertable(table)}
  ELSE
    EXECUTE '${`CREATE TABLE ${table} (${columns}, PRIMARY KEY (${key})) PARTITION BY RANGE (time)`.replaceAll("'", "''")}';
  END IF;`;

const createRawTables = (tables: Record<string, string>, key: string) => `
  DO $$
  DECLARE timescale boolean := EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb');
  BEGIN
    ${Object.entries(tables).map(([table, columns]) => createRawTable(table, columns, key)).join('\n')}
  END $$;`;

/** 001's event-per-row table, replaced by 002; kept verbatim because applied migrations are history. */
const V1_CONVERSATION_ANALYTICS = `id uuid NOT NULL, tenant_id uuid NOT NULL, time timestamptz NOT NULL,
  flow_id text, flow_version integer, channel text, conversation_id text, turn_id uuid, turn integer,
  event_type text NOT NULL, state text, name text, value double precision, detail jsonb`;

export const analyticsMigrations: ModuleMigrations = {
  module: 'analytics',
  migrations: [
    {
      id: '001_event_tables',
      sql: `
        ${createRawTables({
          conversation_analytics: V1_CONVERSATION_ANALYTICS,
          system_metrics: RAW_TABLES.system_metrics,
          model_usage_analytics: RAW_TABLES.model_usage_analytics,
          custom_metrics: RAW_TABLES.custom_metrics,
        }, 'id, time')}
        CREATE INDEX system_metrics_tenant_time ON system_metrics (tenant_id, time);
        CREATE INDEX model_usage_analytics_tenant_time ON model_usage_analytics (tenant_id, time);
        CREATE INDEX custom_metrics_tenant_time ON custom_metrics (tenant_id, time);
        CREATE INDEX conversation_analytics_tenant_type_time ON conversation_analytics (tenant_id, event_type, time);
        ${['conversation_analytics', 'system_metrics', 'model_usage_analytics', 'custom_metrics'].map((t) => tenantIsolationSql(t)).join('\n')}
        CREATE TABLE conversation_analytics_hourly (
          tenant_id uuid NOT NULL,
          bucket timestamptz NOT NULL,
          flow_id text NOT NULL DEFAULT '',
          flow_version integer NOT NULL DEFAULT 0,
          channel text NOT NULL DEFAULT '',
          event_type text NOT NULL,
          name text NOT NULL DEFAULT '',
          events bigint NOT NULL,
          value_sum double precision NOT NULL,
          PRIMARY KEY (tenant_id, bucket, flow_id, flow_version, channel, event_type, name)
        );
        ${tenantIsolationSql('conversation_analytics_hourly')}
      `,
    },
    {
      // One row per turn instead of about eight event rows, and one index per table instead of two:
      // inserts were most of the analytics overhead. Conversation analytics recorded before this
      // migration are not carried over.
      id: '002_turn_rows',
      sql: `
        DROP TABLE conversation_analytics_hourly;
        DROP TABLE conversation_analytics;
        DELETE FROM system_metrics WHERE metric = 'turn';
        ${createRawTables({ conversation_analytics: RAW_TABLES.conversation_analytics }, KEY)}
        ${tenantIsolationSql('conversation_analytics')}
        ${['system_metrics', 'model_usage_analytics', 'custom_metrics']
          .map((t) => `ALTER TABLE ${t} DROP CONSTRAINT ${t}_pkey; ALTER TABLE ${t} ADD PRIMARY KEY (${KEY}); DROP INDEX ${t}_tenant_time;`)
          .join('\n')}

        -- Hourly counts, kept exactly once by the statement that inserts the turns (only rows really
        -- inserted count); counts queries in whole hours read it instead of scanning the turns.
        CREATE TABLE conversation_analytics_hourly (
          tenant_id uuid NOT NULL,
          bucket timestamptz NOT NULL,
          flow_id text NOT NULL DEFAULT '',
          flow_version integer NOT NULL DEFAULT 0,
          channel text NOT NULL DEFAULT '',
          intent text NOT NULL DEFAULT '',
          turns bigint NOT NULL,
          started bigint NOT NULL,
          ended bigint NOT NULL,
          goals bigint NOT NULL,
          handoffs bigint NOT NULL,
          fallbacks bigint NOT NULL,
          sent bigint NOT NULL,
          intent_confidence_sum double precision NOT NULL,
          PRIMARY KEY (tenant_id, bucket, flow_id, flow_version, channel, intent)
        );
        ${tenantIsolationSql('conversation_analytics_hourly')}
      `,
    },
    {
      // Analytics of a turn are written by the turn's own transaction, so a committed turn cannot
      // lose them (a crash, a full buffer or a Redis outage used to); the relay moves them on.
      // `months` are the partitions the records' rows fall in, which must exist before they are stored.
      id: '003_outbox',
      sql: `
        CREATE TABLE analytics_outbox (
          seq bigserial PRIMARY KEY,
          tenant_id uuid NOT NULL,
          kind text NOT NULL CHECK (kind IN ('turn', 'metric')),
          months text[] NOT NULL,
          payload text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        );
        ${tenantIsolationSql('analytics_outbox')}
        GRANT USAGE ON SEQUENCE analytics_outbox_seq_seq TO ${APP_ROLE};
      `,
    },
    {
      // Records the tables refuse (bad data, not an outage) are set aside here with the reason, so
      // that one of them cannot hold up every record behind it; an operator can read and fix them.
      id: '004_outbox_refused',
      sql: `
        CREATE TABLE analytics_outbox_refused (
          seq bigserial PRIMARY KEY,
          tenant_id uuid NOT NULL,
          kind text NOT NULL,
          months text[] NOT NULL,
          payload text NOT NULL,
          error text NOT NULL,
          refused_at timestamptz NOT NULL DEFAULT now()
        );
        ${tenantIsolationSql('analytics_outbox_refused')}
      `,
    },
    {
      // TimescaleDB only (a no-op otherwise): hypertables made before this lose the default
      // 'time DESC' index they were given, and the application role loses its rights on chunks,
      // through which it could read every tenant's rows (chunks have no row-level security).
      id: '005_timescale_chunks',
      sql: `
        DO $$
        BEGIN
          IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
            ${RAW_TABLE_NAMES.map((t) => dropDefaultIndex(t)).join('\n            ')}
          END IF;
        END $$;
        DO $$ ${revokeChunkGrants} $$;
      `,
    },
  ],
};
