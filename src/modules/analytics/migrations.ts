import type { ModuleMigrations } from '../storage/index.js';

/**
 * Applied migrations are history: each text is frozen as it was applied (the migrator refuses to
 * start when one changed), so a change of schema is a new migration. The raw tables are
 * time-series: range-partitioned by month on PostgreSQL and PGlite, or TimescaleDB hypertables
 * when that extension is installed before the first migration (timescale.ts); raw-tables.ts
 * describes the columns as they stand after the last migration.
 */
export const analyticsMigrations: ModuleMigrations = {
  module: 'analytics',
  migrations: [
    {
      id: '001_event_tables',
      sql: `
        
  DO $$
  DECLARE timescale boolean := EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb');
  BEGIN
    
  IF timescale THEN
    EXECUTE 'CREATE TABLE conversation_analytics (id uuid NOT NULL, tenant_id uuid NOT NULL, time timestamptz NOT NULL,
  flow_id text, flow_version integer, channel text, conversation_id text, turn_id uuid, turn integer,
  event_type text NOT NULL, state text, name text, value double precision, detail jsonb, PRIMARY KEY (id, time))';
    PERFORM create_hypertable('conversation_analytics', 'time', chunk_time_interval => interval '1 day', create_default_indexes => false);
  ELSE
    EXECUTE 'CREATE TABLE conversation_analytics (id uuid NOT NULL, tenant_id uuid NOT NULL, time timestamptz NOT NULL,
  flow_id text, flow_version integer, channel text, conversation_id text, turn_id uuid, turn integer,
  event_type text NOT NULL, state text, name text, value double precision, detail jsonb, PRIMARY KEY (id, time)) PARTITION BY RANGE (time)';
  END IF;

  IF timescale THEN
    EXECUTE 'CREATE TABLE system_metrics (id uuid NOT NULL, tenant_id uuid NOT NULL, time timestamptz NOT NULL,
  flow_id text, flow_version integer, channel text, conversation_id text, turn_id uuid, turn integer, metric text NOT NULL, name text, operation text, state text, status text, ok boolean,
    latency_ms double precision, value double precision, PRIMARY KEY (id, time))';
    PERFORM create_hypertable('system_metrics', 'time', chunk_time_interval => interval '1 day', create_default_indexes => false);
  ELSE
    EXECUTE 'CREATE TABLE system_metrics (id uuid NOT NULL, tenant_id uuid NOT NULL, time timestamptz NOT NULL,
  flow_id text, flow_version integer, channel text, conversation_id text, turn_id uuid, turn integer, metric text NOT NULL, name text, operation text, state text, status text, ok boolean,
    latency_ms double precision, value double precision, PRIMARY KEY (id, time)) PARTITION BY RANGE (time)';
  END IF;

  IF timescale THEN
    EXECUTE 'CREATE TABLE model_usage_analytics (id uuid NOT NULL, tenant_id uuid NOT NULL, time timestamptz NOT NULL,
  flow_id text, flow_version integer, channel text, conversation_id text, turn_id uuid, turn integer, task text NOT NULL, provider text NOT NULL, model text NOT NULL, ok boolean NOT NULL,
    latency_ms double precision NOT NULL, tokens_in integer NOT NULL, tokens_out integer NOT NULL, cost_usd numeric NOT NULL, PRIMARY KEY (id, time))';
    PERFORM create_hypertable('model_usage_analytics', 'time', chunk_time_interval => interval '1 day', create_default_indexes => false);
  ELSE
    EXECUTE 'CREATE TABLE model_usage_analytics (id uuid NOT NULL, tenant_id uuid NOT NULL, time timestamptz NOT NULL,
  flow_id text, flow_version integer, channel text, conversation_id text, turn_id uuid, turn integer, task text NOT NULL, provider text NOT NULL, model text NOT NULL, ok boolean NOT NULL,
    latency_ms double precision NOT NULL, tokens_in integer NOT NULL, tokens_out integer NOT NULL, cost_usd numeric NOT NULL, PRIMARY KEY (id, time)) PARTITION BY RANGE (time)';
  END IF;

  IF timescale THEN
    EXECUTE 'CREATE TABLE custom_metrics (id uuid NOT NULL, tenant_id uuid NOT NULL, time timestamptz NOT NULL,
  flow_id text, flow_version integer, channel text, conversation_id text, turn_id uuid, turn integer, name text NOT NULL, value double precision NOT NULL, tags jsonb NOT NULL, PRIMARY KEY (id, time))';
    PERFORM create_hypertable('custom_metrics', 'time', chunk_time_interval => interval '1 day', create_default_indexes => false);
  ELSE
    EXECUTE 'CREATE TABLE custom_metrics (id uuid NOT NULL, tenant_id uuid NOT NULL, time timestamptz NOT NULL,
  flow_id text, flow_version integer, channel text, conversation_id text, turn_id uuid, turn integer, name text NOT NULL, value double precision NOT NULL, tags jsonb NOT NULL, PRIMARY KEY (id, time)) PARTITION BY RANGE (time)';
  END IF;
  END $$;
        CREATE INDEX system_metrics_tenant_time ON system_metrics (tenant_id, time);
        CREATE INDEX model_usage_analytics_tenant_time ON model_usage_analytics (tenant_id, time);
        CREATE INDEX custom_metrics_tenant_time ON custom_metrics (tenant_id, time);
        CREATE INDEX conversation_analytics_tenant_type_time ON conversation_analytics (tenant_id, event_type, time);
        
    ALTER TABLE conversation_analytics ENABLE ROW LEVEL SECURITY;
    CREATE POLICY conversation_analytics_tenant_isolation ON conversation_analytics
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON conversation_analytics TO mcp_app;

    ALTER TABLE system_metrics ENABLE ROW LEVEL SECURITY;
    CREATE POLICY system_metrics_tenant_isolation ON system_metrics
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON system_metrics TO mcp_app;

    ALTER TABLE model_usage_analytics ENABLE ROW LEVEL SECURITY;
    CREATE POLICY model_usage_analytics_tenant_isolation ON model_usage_analytics
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON model_usage_analytics TO mcp_app;

    ALTER TABLE custom_metrics ENABLE ROW LEVEL SECURITY;
    CREATE POLICY custom_metrics_tenant_isolation ON custom_metrics
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON custom_metrics TO mcp_app;
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
        
    ALTER TABLE conversation_analytics_hourly ENABLE ROW LEVEL SECURITY;
    CREATE POLICY conversation_analytics_hourly_tenant_isolation ON conversation_analytics_hourly
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON conversation_analytics_hourly TO mcp_app;
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
        
  DO $$
  DECLARE timescale boolean := EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb');
  BEGIN
    
  IF timescale THEN
    EXECUTE 'CREATE TABLE conversation_analytics (id uuid NOT NULL, tenant_id uuid NOT NULL, time timestamptz NOT NULL,
  flow_id text, flow_version integer, channel text, conversation_id text, turn integer NOT NULL,
    started boolean NOT NULL, ended boolean NOT NULL, goal boolean NOT NULL, handoff boolean NOT NULL, fallback boolean NOT NULL,
    state text, status text NOT NULL, latency_ms double precision NOT NULL, lock_wait_ms double precision NOT NULL, replies integer NOT NULL,
    states_entered text[] NOT NULL, intent text, intent_confidence double precision, intent_provider text, intent_state text,
    slots jsonb, errors jsonb, PRIMARY KEY (tenant_id, time, id))';
    PERFORM create_hypertable('conversation_analytics', 'time', chunk_time_interval => interval '1 day', create_default_indexes => false);
  ELSE
    EXECUTE 'CREATE TABLE conversation_analytics (id uuid NOT NULL, tenant_id uuid NOT NULL, time timestamptz NOT NULL,
  flow_id text, flow_version integer, channel text, conversation_id text, turn integer NOT NULL,
    started boolean NOT NULL, ended boolean NOT NULL, goal boolean NOT NULL, handoff boolean NOT NULL, fallback boolean NOT NULL,
    state text, status text NOT NULL, latency_ms double precision NOT NULL, lock_wait_ms double precision NOT NULL, replies integer NOT NULL,
    states_entered text[] NOT NULL, intent text, intent_confidence double precision, intent_provider text, intent_state text,
    slots jsonb, errors jsonb, PRIMARY KEY (tenant_id, time, id)) PARTITION BY RANGE (time)';
  END IF;
  END $$;
        
    ALTER TABLE conversation_analytics ENABLE ROW LEVEL SECURITY;
    CREATE POLICY conversation_analytics_tenant_isolation ON conversation_analytics
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON conversation_analytics TO mcp_app;
        ALTER TABLE system_metrics DROP CONSTRAINT system_metrics_pkey; ALTER TABLE system_metrics ADD PRIMARY KEY (tenant_id, time, id); DROP INDEX system_metrics_tenant_time;
ALTER TABLE model_usage_analytics DROP CONSTRAINT model_usage_analytics_pkey; ALTER TABLE model_usage_analytics ADD PRIMARY KEY (tenant_id, time, id); DROP INDEX model_usage_analytics_tenant_time;
ALTER TABLE custom_metrics DROP CONSTRAINT custom_metrics_pkey; ALTER TABLE custom_metrics ADD PRIMARY KEY (tenant_id, time, id); DROP INDEX custom_metrics_tenant_time;

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
        
    ALTER TABLE conversation_analytics_hourly ENABLE ROW LEVEL SECURITY;
    CREATE POLICY conversation_analytics_hourly_tenant_isolation ON conversation_analytics_hourly
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON conversation_analytics_hourly TO mcp_app;
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
        
    ALTER TABLE analytics_outbox ENABLE ROW LEVEL SECURITY;
    CREATE POLICY analytics_outbox_tenant_isolation ON analytics_outbox
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON analytics_outbox TO mcp_app;
        GRANT USAGE ON SEQUENCE analytics_outbox_seq_seq TO mcp_app;
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
        
    ALTER TABLE analytics_outbox_refused ENABLE ROW LEVEL SECURITY;
    CREATE POLICY analytics_outbox_refused_tenant_isolation ON analytics_outbox_refused
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON analytics_outbox_refused TO mcp_app;
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
            EXECUTE 'DROP INDEX IF EXISTS conversation_analytics_time_idx';
            EXECUTE 'DROP INDEX IF EXISTS system_metrics_time_idx';
            EXECUTE 'DROP INDEX IF EXISTS model_usage_analytics_time_idx';
            EXECUTE 'DROP INDEX IF EXISTS custom_metrics_time_idx';
          END IF;
        END $$;
        DO $$ 
  DECLARE chunk regclass;
  BEGIN
    FOR chunk IN
      SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = '_timescaledb_internal' AND c.relkind = 'r'
         AND has_table_privilege('mcp_app', c.oid, 'SELECT, INSERT, UPDATE, DELETE')
    LOOP
      EXECUTE format('REVOKE ALL ON %s FROM mcp_app', chunk);
    END LOOP;
  END $$;
      `,
    },
  ],
};
