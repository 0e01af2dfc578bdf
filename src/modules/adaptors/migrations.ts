import type { ModuleMigrations } from '../storage/contract.js';

/** Integrations: config as JSON without secrets; the secrets as one AES-GCM sealed JSON object. */
export const adaptorsMigrations: ModuleMigrations = {
  module: 'adaptors',
  migrations: [
    {
      id: '001_integrations',
      sql: `
        CREATE TABLE integrations (
          id text PRIMARY KEY,
          tenant_id uuid NOT NULL,
          name text NOT NULL,
          kind text NOT NULL,
          description text,
          config jsonb NOT NULL,
          secrets text,
          secret_fields jsonb NOT NULL DEFAULT '[]'::jsonb,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now(),
          UNIQUE (tenant_id, name)
        );
        
    ALTER TABLE integrations ENABLE ROW LEVEL SECURITY;
    CREATE POLICY integrations_tenant_isolation ON integrations
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON integrations TO mcp_app;
      `,
    },
  ],
};
