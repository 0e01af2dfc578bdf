import { type ModuleMigrations, tenantIsolationSql } from '../storage/index.js';

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
        ${tenantIsolationSql('data_policies')}
      `,
    },
    {
      id: '002_redaction',
      sql: `ALTER TABLE data_policies ADD COLUMN redact_personal_data boolean NOT NULL DEFAULT false;`,
    },
  ],
};
