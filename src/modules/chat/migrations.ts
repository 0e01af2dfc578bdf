import type { ModuleMigrations } from '../storage/contract.js';
import { APP_ROLE, tenantIsolationSql } from '../storage/index.js';

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
        ${tenantIsolationSql('conversations')}
        ${tenantIsolationSql('messages')}
        GRANT USAGE ON SEQUENCE messages_seq_seq TO ${APP_ROLE};
      `,
    },
  ],
};
