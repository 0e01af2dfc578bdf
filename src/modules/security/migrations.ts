import type { ModuleMigrations } from '../storage/contract.js';
import { tenantIsolationSql } from '../storage/index.js';

export const securityMigrations: ModuleMigrations = {
  module: 'security',
  migrations: [
    {
      id: '001_tenants_and_api_keys',
      sql: `
        CREATE TABLE tenants (
          id uuid PRIMARY KEY,
          slug text NOT NULL UNIQUE,
          name text NOT NULL,
          status text NOT NULL DEFAULT 'active',
          widget_key text NOT NULL UNIQUE,
          settings jsonb NOT NULL DEFAULT '{}'::jsonb,
          created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE api_keys (
          id uuid PRIMARY KEY,
          tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
          name text NOT NULL,
          prefix text NOT NULL,
          key_hash text NOT NULL UNIQUE,
          created_at timestamptz NOT NULL DEFAULT now(),
          last_used_at timestamptz,
          revoked_at timestamptz
        );
        CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id);
        ${tenantIsolationSql('tenants', 'id')}
        ${tenantIsolationSql('api_keys')}
      `,
    },
  ],
};
