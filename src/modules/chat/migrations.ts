import type { ModuleMigrations } from '../storage/contract.js';

/** Conversations and messages are JSONB documents (DESIGN.md §5), keyed and filtered by tenant. */
export const chatMigrations: ModuleMigrations = {
  module: 'chat',
  migrations: [
    {
      id: '001_conversations_and_messages',
      sql: `
        CREATE TABLE conversations (
          tenant_id uuid NOT NULL,
          id text NOT NULL,
          doc jsonb NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (tenant_id, id)
        );
        CREATE TABLE messages (
          seq bigserial PRIMARY KEY,
          id uuid NOT NULL UNIQUE,
          tenant_id uuid NOT NULL,
          conversation_id text NOT NULL,
          doc jsonb NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX messages_conversation_idx ON messages (tenant_id, conversation_id, seq);
        
    ALTER TABLE conversations ENABLE ROW LEVEL SECURITY;
    CREATE POLICY conversations_tenant_isolation ON conversations
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON conversations TO mcp_app;
        
    ALTER TABLE messages ENABLE ROW LEVEL SECURITY;
    CREATE POLICY messages_tenant_isolation ON messages
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON messages TO mcp_app;
        GRANT USAGE ON SEQUENCE messages_seq_seq TO mcp_app;
      `,
    },
    {
      // Channel settings (credentials sealed by Secrets) and the durable outbox of outbound sends.
      id: '002_channels_and_outbox',
      sql: `
        CREATE TABLE channel_configs (
          tenant_id uuid NOT NULL,
          channel text NOT NULL,
          enabled boolean NOT NULL DEFAULT true,
          settings jsonb NOT NULL,
          secrets text,
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (tenant_id, channel)
        );
        CREATE TABLE channel_outbox (
          seq bigserial PRIMARY KEY,
          id uuid NOT NULL UNIQUE,
          tenant_id uuid NOT NULL,
          conversation_id text NOT NULL,
          channel text NOT NULL,
          message_id uuid,
          payload jsonb NOT NULL,
          status text NOT NULL DEFAULT 'pending',
          attempts integer NOT NULL DEFAULT 0,
          next_attempt_at timestamptz NOT NULL,
          last_error text,
          external_id text,
          delivery text,
          created_at timestamptz NOT NULL,
          updated_at timestamptz NOT NULL,
          sent_at timestamptz
        );
        CREATE INDEX channel_outbox_pending_idx ON channel_outbox (tenant_id, conversation_id, seq) WHERE status = 'pending';
        CREATE INDEX channel_outbox_status_idx ON channel_outbox (tenant_id, status, seq);
        CREATE INDEX channel_outbox_external_idx ON channel_outbox (tenant_id, channel, external_id) WHERE external_id IS NOT NULL;
        
    ALTER TABLE channel_configs ENABLE ROW LEVEL SECURITY;
    CREATE POLICY channel_configs_tenant_isolation ON channel_configs
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON channel_configs TO mcp_app;
        
    ALTER TABLE channel_outbox ENABLE ROW LEVEL SECURITY;
    CREATE POLICY channel_outbox_tenant_isolation ON channel_outbox
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON channel_outbox TO mcp_app;
        GRANT USAGE ON SEQUENCE channel_outbox_seq_seq TO mcp_app;
      `,
    },
    {
      // Platform messages are stored here before the platform gets its 200, then turned into turns
      // per conversation in arrival order by any instance; the unique key is the durable dedupe.
      id: '003_inbox',
      sql: `
        CREATE TABLE channel_inbox (
          seq bigserial PRIMARY KEY,
          id uuid NOT NULL UNIQUE,
          tenant_id uuid NOT NULL,
          conversation_id text NOT NULL,
          channel text NOT NULL,
          external_id text NOT NULL,
          message jsonb NOT NULL,
          origin jsonb NOT NULL,
          status text NOT NULL DEFAULT 'pending',
          attempts integer NOT NULL DEFAULT 0,
          next_attempt_at timestamptz NOT NULL,
          last_error text,
          created_at timestamptz NOT NULL,
          updated_at timestamptz NOT NULL
        );
        CREATE UNIQUE INDEX channel_inbox_external_idx ON channel_inbox (tenant_id, channel, external_id);
        CREATE INDEX channel_inbox_pending_idx ON channel_inbox (tenant_id, conversation_id, seq) WHERE status = 'pending';
        
    ALTER TABLE channel_inbox ENABLE ROW LEVEL SECURITY;
    CREATE POLICY channel_inbox_tenant_isolation ON channel_inbox
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON channel_inbox TO mcp_app;
        GRANT USAGE ON SEQUENCE channel_inbox_seq_seq TO mcp_app;
      `,
    },
    {
      // Several bots per workspace: a channel account (phone number id, page id, Slack app/team,
      // Twilio number, widget key) starts its new conversations on a flow of its own.
      id: '004_channel_routes',
      sql: `
        CREATE TABLE channel_routes (
          tenant_id uuid NOT NULL,
          channel text NOT NULL,
          account text NOT NULL,
          flow_id text NOT NULL,
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (tenant_id, channel, account)
        );
        
    ALTER TABLE channel_routes ENABLE ROW LEVEL SECURITY;
    CREATE POLICY channel_routes_tenant_isolation ON channel_routes
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON channel_routes TO mcp_app;
      `,
    },
    {
      // Follow-ups flows schedule (stored with their turn, sent when due by any instance), and the
      // conversations the API started, by idempotency key.
      id: '005_schedules_and_starts',
      sql: `
        CREATE TABLE chat_schedules (
          id uuid PRIMARY KEY,
          tenant_id uuid NOT NULL,
          conversation_id text NOT NULL,
          channel text NOT NULL,
          key text,
          kind text NOT NULL,
          body text NOT NULL,
          due_at timestamptz NOT NULL,
          status text NOT NULL DEFAULT 'pending',
          attempts integer NOT NULL DEFAULT 0,
          last_error text,
          created_at timestamptz NOT NULL,
          updated_at timestamptz NOT NULL
        );
        CREATE INDEX chat_schedules_due_idx ON chat_schedules (due_at) WHERE status = 'pending';
        CREATE INDEX chat_schedules_conversation_idx ON chat_schedules (tenant_id, conversation_id, key) WHERE status = 'pending';
        CREATE TABLE chat_starts (
          tenant_id uuid NOT NULL,
          idempotency_key text NOT NULL,
          request jsonb NOT NULL,
          conversation_id text NOT NULL,
          channel text NOT NULL,
          created_at timestamptz NOT NULL,
          PRIMARY KEY (tenant_id, idempotency_key)
        );
        
    ALTER TABLE chat_schedules ENABLE ROW LEVEL SECURITY;
    CREATE POLICY chat_schedules_tenant_isolation ON chat_schedules
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON chat_schedules TO mcp_app;
        
    ALTER TABLE chat_starts ENABLE ROW LEVEL SECURITY;
    CREATE POLICY chat_starts_tenant_isolation ON chat_starts
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON chat_starts TO mcp_app;
      `,
    },
  ],
};
