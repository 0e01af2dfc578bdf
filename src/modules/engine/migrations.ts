import type { ModuleMigrations } from '../storage/contract.js';

export const engineMigrations: ModuleMigrations = {
  module: 'engine',
  migrations: [
    {
      id: '001_flows_and_contexts',
      sql: `
        CREATE TABLE flows (
          id text PRIMARY KEY,
          tenant_id uuid NOT NULL,
          name text NOT NULL,
          source text NOT NULL,
          definition jsonb NOT NULL,
          warnings jsonb NOT NULL DEFAULT '[]'::jsonb,
          is_default boolean NOT NULL DEFAULT false,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now(),
          UNIQUE (tenant_id, name)
        );
        CREATE UNIQUE INDEX flows_one_default_per_tenant ON flows (tenant_id) WHERE is_default;

        CREATE TABLE flow_versions (
          tenant_id uuid NOT NULL,
          flow_id text NOT NULL REFERENCES flows(id) ON DELETE CASCADE,
          version integer NOT NULL,
          source text NOT NULL,
          definition jsonb NOT NULL,
          published_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (flow_id, version)
        );
        CREATE INDEX flow_versions_tenant_idx ON flow_versions (tenant_id, flow_id);

        CREATE TABLE conversation_contexts (
          tenant_id uuid NOT NULL,
          conversation_id text NOT NULL,
          flow_id text NOT NULL,
          flow_version integer NOT NULL,
          context jsonb NOT NULL,
          version integer NOT NULL,
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (tenant_id, conversation_id)
        );

        CREATE TABLE turn_traces (
          id uuid PRIMARY KEY,
          tenant_id uuid NOT NULL,
          conversation_id text NOT NULL,
          turn integer NOT NULL,
          flow_id text NOT NULL,
          flow_version integer NOT NULL,
          trace jsonb NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX turn_traces_conversation_idx ON turn_traces (tenant_id, conversation_id, created_at);
        
    ALTER TABLE flows ENABLE ROW LEVEL SECURITY;
    CREATE POLICY flows_tenant_isolation ON flows
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON flows TO mcp_app;

    ALTER TABLE flow_versions ENABLE ROW LEVEL SECURITY;
    CREATE POLICY flow_versions_tenant_isolation ON flow_versions
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON flow_versions TO mcp_app;

    ALTER TABLE conversation_contexts ENABLE ROW LEVEL SECURITY;
    CREATE POLICY conversation_contexts_tenant_isolation ON conversation_contexts
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON conversation_contexts TO mcp_app;

    ALTER TABLE turn_traces ENABLE ROW LEVEL SECURITY;
    CREATE POLICY turn_traces_tenant_isolation ON turn_traces
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON turn_traces TO mcp_app;
      `,
    },
    {
      // The turn log doubles as the idempotency record: a client's message id is applied once per
      // conversation, and its stored result answers every retry. Recent ids ride with the context
      // (loaded anyway), so the common retry is recognised without another query.
      id: '002_idempotent_turns',
      sql: `
        ALTER TABLE turn_traces ADD COLUMN message_id text, ADD COLUMN result jsonb;
        CREATE UNIQUE INDEX turn_traces_message_idx ON turn_traces (tenant_id, conversation_id, message_id) WHERE message_id IS NOT NULL;
        ALTER TABLE conversation_contexts ADD COLUMN recent_message_ids jsonb NOT NULL DEFAULT '[]'::jsonb;
      `,
    },
    {
      // A draft may be saved with errors (work in progress); `definition` then stays the last valid
      // one, and publishing or trying the draft is refused until the errors are fixed.
      id: '003_draft_errors',
      sql: `ALTER TABLE flows ADD COLUMN draft_errors jsonb;`,
    },
    {
      // Reviewing NLU misses reads a workspace's recent traces across its conversations.
      id: '004_turn_traces_by_time',
      sql: `CREATE INDEX turn_traces_tenant_time_idx ON turn_traces (tenant_id, created_at);`,
    },
    {
      // A batch of turns is one statement that commits by itself (one round trip); when one of its
      // contexts was saved by someone else, the statement must fail, so nothing of the batch stays.
      id: '005_stale_batch_check',
      sql: `
        CREATE FUNCTION mcp_require_all_saved(saved bigint, expected integer) RETURNS boolean LANGUAGE plpgsql AS $$
        BEGIN
          IF saved < expected THEN
            RAISE EXCEPTION 'a context in this batch was saved by someone else' USING ERRCODE = 'MC409';
          END IF;
          RETURN true;
        END $$;
      `,
    },
    {
      // Every turn updates its conversation's context. With full pages the new version goes to
      // another page and the primary key gets an entry for it (71% of updates under load); room
      // left on each page keeps it beside the old one (a HOT update: no index entry, and the old
      // version is pruned in place). Applies to pages written from now on.
      id: '006_context_page_room',
      sql: `ALTER TABLE conversation_contexts SET (fillfactor = 60);`,
    },
  ],
};
