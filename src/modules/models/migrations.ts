import type { ModuleMigrations } from '../storage/contract.js';
import { tenantIsolationSql } from '../storage/index.js';

export const modelsMigrations: ModuleMigrations = {
  module: 'models',
  migrations: [
    {
      id: '001_model_settings',
      sql: `
        CREATE TABLE model_settings (
          tenant_id uuid PRIMARY KEY,
          -- name → {kind, baseUrl, apiKey (sealed by Secrets), apiKeyHint}
          providers jsonb NOT NULL DEFAULT '{}'::jsonb,
          routing jsonb NOT NULL DEFAULT '{}'::jsonb,
          updated_at timestamptz NOT NULL DEFAULT now()
        );
        ${tenantIsolationSql('model_settings')}
      `,
    },
  ],
};
