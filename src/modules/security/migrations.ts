import type { ModuleMigrations } from '../storage/contract.js';

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
        
    ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
    CREATE POLICY tenants_tenant_isolation ON tenants
      USING (id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON tenants TO mcp_app;
        
    ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
    CREATE POLICY api_keys_tenant_isolation ON api_keys
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON api_keys TO mcp_app;
      `,
    },
    {
      id: '002_users_tokens_audit',
      sql: `
        ALTER TABLE api_keys ADD COLUMN scopes jsonb, ADD COLUMN expires_at timestamptz, ADD COLUMN created_by text;
        CREATE TABLE users (
          id uuid PRIMARY KEY,
          tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
          email text NOT NULL,
          name text,
          password_hash text,
          role text NOT NULL,
          status text NOT NULL,
          invite_hash text UNIQUE,
          invite_expires_at timestamptz,
          token_version integer NOT NULL DEFAULT 1,
          created_at timestamptz NOT NULL DEFAULT now(),
          last_login_at timestamptz,
          UNIQUE (tenant_id, email)
        );
        CREATE TABLE refresh_tokens (
          id uuid PRIMARY KEY,
          tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
          user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          token_hash text NOT NULL UNIQUE,
          expires_at timestamptz NOT NULL,
          revoked_at timestamptz,
          created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE audit_log (
          id uuid PRIMARY KEY,
          tenant_id uuid NOT NULL,
          at timestamptz NOT NULL DEFAULT now(),
          actor_type text NOT NULL,
          actor_id text,
          action text NOT NULL,
          target text,
          details jsonb NOT NULL DEFAULT '{}'::jsonb,
          ip text,
          user_agent text
        );
        CREATE INDEX audit_log_tenant_at_idx ON audit_log (tenant_id, at DESC);
        
    ALTER TABLE users ENABLE ROW LEVEL SECURITY;
    CREATE POLICY users_tenant_isolation ON users
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON users TO mcp_app;
        
    ALTER TABLE refresh_tokens ENABLE ROW LEVEL SECURITY;
    CREATE POLICY refresh_tokens_tenant_isolation ON refresh_tokens
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON refresh_tokens TO mcp_app;
        
    ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
    CREATE POLICY audit_log_tenant_isolation ON audit_log
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON audit_log TO mcp_app;
      `,
    },
    {
      // A login session is a family of refresh tokens (each refresh rotates to the next); reusing a
      // rotated one means it was stolen, and ends the whole family, its access tokens included.
      id: '003_refresh_token_families',
      sql: `
        ALTER TABLE refresh_tokens ADD COLUMN family_id uuid, ADD COLUMN reuse_detected_at timestamptz;
        UPDATE refresh_tokens SET family_id = id;
        ALTER TABLE refresh_tokens ALTER COLUMN family_id SET NOT NULL;
        CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (tenant_id, family_id);
      `,
    },
  ],
};
