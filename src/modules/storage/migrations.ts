import type { ModuleMigrations } from './contract.js';

/** Storage's own migrations run first: the application role that every tenant table grants to. */
export const storageMigrations: ModuleMigrations = {
  module: 'storage',
  migrations: [
    {
      id: '001_application_role',
      sql: `
        DO $$
        BEGIN
          CREATE ROLE mcp_app NOLOGIN;
        EXCEPTION WHEN duplicate_object THEN NULL; -- roles are cluster-wide: another database made it
        END $$;
        DO $$
        BEGIN
          -- A non-superuser connection may only switch to roles it is a member of.
          IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            EXECUTE format('GRANT mcp_app TO %I', current_user);
          END IF;
        END $$;
        GRANT USAGE ON SCHEMA public TO mcp_app;
      `,
    },
  ],
};
