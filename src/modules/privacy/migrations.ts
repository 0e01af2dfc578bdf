import type { ModuleMigrations } from '../storage/index.js';

export const privacyMigrations: ModuleMigrations = {
  module: 'privacy',
  migrations: [
    {
      id: '001_data_policies',
      sql: `
        CREATE TABLE data_policies (
          tenant_id uuid PRIMARY KEY,
          message_retention_days integer CHECK (message_retention_days > 0),
          updated_at timestamptz NOT NULL
        );
        
    ALTER TABLE data_policies ENABLE ROW LEVEL SECURITY;
    CREATE POLICY data_policies_tenant_isolation ON data_policies
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON data_policies TO mcp_app;
      `,
    },
    {
      id: '002_redaction',
      sql: `ALTER TABLE data_policies ADD COLUMN redact_personal_data boolean NOT NULL DEFAULT false;`,
    },
  ],
};
