import type { ModuleMigrations } from '../storage/contract.js';

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
        
    ALTER TABLE model_settings ENABLE ROW LEVEL SECURITY;
    CREATE POLICY model_settings_tenant_isolation ON model_settings
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON model_settings TO mcp_app;
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
        
    ALTER TABLE nlu_training_data_revisions ENABLE ROW LEVEL SECURITY;
    CREATE POLICY nlu_training_data_revisions_tenant_isolation ON nlu_training_data_revisions
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON nlu_training_data_revisions TO mcp_app;

    ALTER TABLE nlu_training_data ENABLE ROW LEVEL SECURITY;
    CREATE POLICY nlu_training_data_tenant_isolation ON nlu_training_data
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON nlu_training_data TO mcp_app;

    ALTER TABLE nlu_training_evaluations ENABLE ROW LEVEL SECURITY;
    CREATE POLICY nlu_training_evaluations_tenant_isolation ON nlu_training_evaluations
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON nlu_training_evaluations TO mcp_app;
      `,
    },
  ],
};
