import type { LocalSettings, Row, Sql, SqlExecutor, UnscopedSql } from './contract.js';

/** The role tenant transactions run as; it is not the tables' owner, so row-level security applies to it. */
export const APP_ROLE = 'mcp_app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Both settings are transaction-local, so a pooled connection never carries them to the next user. */
const ENTER_TENANT = `SELECT set_config('app.tenant_id', $1, true), set_config('role', '${APP_ROLE}', true)`;

type BaseSql = UnscopedSql & {
  /** Where the backend can open a transaction with a setup script in one round trip (PostgreSQL). */
  transactionWith?: <T>(begin: string, fn: (tx: SqlExecutor) => Promise<T>) => Promise<T>;
};

const notATenant = (tenantId: string) => new Error(`storage: '${tenantId}' is not a tenant id`);

/** The id is a checked UUID, so it can sit in the text, and the scope need not wait for a round trip of its own. */
const enterTenantText = (tenantId: string) => ENTER_TENANT.replace('$1', `'${tenantId}'`);

const PLAIN_NAME = /^[a-z_][a-z0-9_.]*$/;
const PLAIN_VALUE = /^[\w.-]*$/;

/**
 * `set_config` calls for `settings`, local to the transaction. Names and values are code's own,
 * and only plain ones can sit in the text: anything else rejects.
 */
function setConfigCalls(settings: LocalSettings): string {
  let calls = '';
  for (const [name, value] of Object.entries(settings)) {
    if (!PLAIN_NAME.test(name) || !PLAIN_VALUE.test(value)) throw new Error(`storage: '${name} = ${value}' is not a setting this layer passes on`);
    calls += `, set_config('${name}', '${value}', true)`;
  }
  return calls;
}

/**
 * Runs `fn` in `tx` with `settings` in force, then puts back the values they had: what else the
 * transaction runs is planned as usual.
 */
export async function withLocalSettings<T>(tx: SqlExecutor, settings: LocalSettings, fn: () => Promise<T>): Promise<T> {
  const names = Object.keys(settings);
  if (names.length === 0) return fn();
  const [before] = await tx.query<Record<string, string>>(`SELECT ${names.map((name, i) => `current_setting('${name}') AS s${i}`).join(', ')}${setConfigCalls(settings)}`);
  const result = await fn();
  // As parameters: a value read back need not be plain.
  await tx.query('SELECT set_config(name, value, true) FROM unnest($1::text[], $2::text[]) AS s(name, value)', [names, names.map((_, i) => before![`s${i}`]!)]);
  return result;
}

export function addTenantScope(sql: BaseSql): Sql {
  return {
    dialect: sql.dialect,
    query: (text, params, options) => sql.query(text, params, options),
    transaction: (fn) => sql.transaction(fn),
    close: () => sql.close(),
    ...(sql.busyMs ? { busyMs: sql.busyMs } : {}),
    withTenant: (tenantId, fn) => {
      if (!UUID.test(tenantId)) return Promise.reject(notATenant(tenantId));
      if (sql.transactionWith) return sql.transactionWith(`BEGIN; ${enterTenantText(tenantId)}`, fn);
      return sql.transaction(async (tx) => {
        await tx.query(ENTER_TENANT, [tenantId]);
        return fn(tx);
      });
    },
    queryAsTenant: async <T extends Row>(tenantId: string, text: string, params: readonly unknown[], settings: LocalSettings = {}) => {
      if (!UUID.test(tenantId)) throw notATenant(tenantId);
      return sql.queryAfter<T>(enterTenantText(tenantId) + setConfigCalls(settings), text, params);
    },
  };
}

/**
 * Row-level security for one tenant table: only rows of the tenant set by `withTenant` are visible
 * or writable by the application role. Every tenant table's migration spells this text out
 * (migrations are frozen text, never built from code that may change); tests use it for theirs.
 */
export function tenantIsolationSql(table: string, column = 'tenant_id'): string {
  const current = `nullif(current_setting('app.tenant_id', true), '')::uuid`;
  return `
    ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
    CREATE POLICY ${table}_tenant_isolation ON ${table}
      USING (${column} = ${current}) WITH CHECK (${column} = ${current});
    GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${APP_ROLE};`;
}
