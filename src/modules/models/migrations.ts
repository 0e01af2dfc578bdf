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
    {
      // NLU training data shared by flows: a head per name and immutable revisions, so a flow
      // version can pin the revision it was published with (and keep it after the name is deleted).
      id: '002_nlu_training_data',
      sql: `
        CREATE TABLE nlu_training_data_revisions (
          tenant_id uuid NOT NULL,
          name text NOT NULL,
          revision integer NOT NULL,
          document jsonb NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (tenant_id, name, revision)
        );
        CREATE TABLE nlu_training_data (
          tenant_id uuid NOT NULL,
          name text NOT NULL,
          revision integer NOT NULL,
          PRIMARY KEY (tenant_id, name),
          FOREIGN KEY (tenant_id, name, revision) REFERENCES nlu_training_data_revisions (tenant_id, name, revision)
        );
        CREATE TABLE nlu_training_evaluations (
          tenant_id uuid NOT NULL,
          name text NOT NULL,
          revision integer NOT NULL,
          train_examples integer NOT NULL,
          test_examples integer NOT NULL,
          correct integer NOT NULL,
          evaluated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (tenant_id, name, revision)
        );
        ${['nlu_training_data_revisions', 'nlu_training_data', 'nlu_training_evaluations'].map((t) => tenantIsolationSql(t)).join('\n')}
      `,
    },
  ],
};
