import { type ModuleMigrations, tenantIsolationSql } from '../storage/index.js';

/**
 * The raw event tables are time-series: range-partitioned by month on PostgreSQL and PGlite (the
 * maintenance task creates partitions ahead and drops them past the retention), or TimescaleDB
 * hypertables when that extension is installed. The primary key includes `time` because both
 * schemes require it; `id` alone is unique anyway, so `ON CONFLICT (id, time)` is idempotent by id.
 */
const SCOPE = `id uuid NOT NULL, tenant_id uuid NOT NULL, time timestamptz NOT NULL,
  flow_id text, flow_version integer, channel text, conversation_id text, turn_id uuid, turn integer`;

export const RAW_TABLES = {
  conversation_analytics: `${SCOPE}, event_type text NOT NULL, state text, name text, value double precision, detail jsonb`,
  system_metrics: `${SCOPE}, metric text NOT NULL, name text, operation text, state text, status text, ok boolean,
    latency_ms double precision, value double precision`,
  model_usage_analytics: `${SCOPE}, task text NOT NULL, provider text NOT NULL, model text NOT NULL, ok boolean NOT NULL,
    latency_ms double precision NOT NULL, tokens_in integer NOT NULL, tokens_out integer NOT NULL, cost_usd numeric NOT NULL`,
  custom_metrics: `${SCOPE}, name text NOT NULL, value double precision NOT NULL, tags jsonb NOT NULL`,
} as const;

export type RawTable = keyof typeof RAW_TABLES;
export const RAW_TABLE_NAMES = Object.keys(RAW_TABLES) as RawTable[];

/** The only TimescaleDB-specific SQL: untested here (no extension on these machines), kept this small on purpose. */
const createRawTable = (table: RawTable) => `
  IF timescale THEN
    EXECUTE '${`CREATE TABLE ${table} (${RAW_TABLES[table]}, PRIMARY KEY (id, time))`.replaceAll("'", "''")}';
    PERFORM create_hypertable('${table}', 'time', chunk_time_interval => interval '1 day');
  ELSE
    EXECUTE '${`CREATE TABLE ${table} (${RAW_TABLES[table]}, PRIMARY KEY (id, time)) PARTITION BY RANGE (time)`.replaceAll("'", "''")}';
  END IF;`;

export const analyticsMigrations: ModuleMigrations = {
  module: 'analytics',
  migrations: [
    {
      id: '001_event_tables',
      sql: `
        DO $$
        DECLARE timescale boolean := EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb');
        BEGIN
          ${RAW_TABLE_NAMES.map(createRawTable).join('\n')}
        END $$;
        -- conversation_analytics is read by kind: its (tenant, kind, time) index also serves (tenant, time),
        -- and every index is paid for on each of the several rows a turn writes.
        ${RAW_TABLE_NAMES.filter((t) => t !== 'conversation_analytics').map((t) => `CREATE INDEX ${t}_tenant_time ON ${t} (tenant_id, time);`).join('\n')}
        CREATE INDEX conversation_analytics_tenant_type_time ON conversation_analytics (tenant_id, event_type, time);
        ${RAW_TABLE_NAMES.map((t) => tenantIsolationSql(t)).join('\n')}

        -- Hourly counts per event kind, kept exactly once in the statement that inserts the raw
        -- events; counts queries in whole hours read it instead of scanning the raw events.
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
  ],
};
