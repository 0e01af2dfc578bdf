import type { ModuleMigrations, Sql, SqlExecutor } from './contract.js';

// Any constant works; it only has to be the same in every process migrating this database.
const MIGRATION_LOCK = 8_317_442_901;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  id text PRIMARY KEY,
  module text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/**
 * Serialises migrators across processes. The lock is transaction-scoped, so a crashed process
 * cannot leave it held, and every migration re-checks under it whether another process applied it.
 */
const lockMigrations = (tx: SqlExecutor) => tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);

function pendingOrder(modules: readonly ModuleMigrations[]): { key: string; module: string; sql: string }[] {
  const seen = new Set<string>();
  return modules.flatMap(({ module, migrations }) =>
    [...migrations]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((migration) => {
        const key = `${module}/${migration.id}`;
        if (seen.has(key)) throw new Error(`storage: migration '${key}' is listed twice; give each migration of a module its own id`);
        seen.add(key);
        return { key, module, sql: migration.sql };
      }),
  );
}

/**
 * Applies pending migrations, module by module in the given order and by id within a module, each
 * in its own transaction together with its `schema_migrations` row. Returns the `module/id`s this
 * call applied; a second call, or one racing another process, applies nothing twice.
 * Migration SQL must not contain BEGIN/COMMIT: it already runs inside a transaction.
 */
export async function migrate(sql: Sql, modules: readonly ModuleMigrations[]): Promise<string[]> {
  const ordered = pendingOrder(modules);
  await sql.transaction(async (tx) => {
    await lockMigrations(tx);
    await tx.query(CREATE_TABLE);
  });
  const done = new Set((await sql.query<{ id: string }>('SELECT id FROM schema_migrations')).map((row) => row.id));

  const applied: string[] = [];
  for (const migration of ordered) {
    if (done.has(migration.key)) continue;
    const ran = await sql.transaction(async (tx) => {
      await lockMigrations(tx);
      const existing = await tx.query('SELECT 1 FROM schema_migrations WHERE id = $1', [migration.key]);
      if (existing.length > 0) return false;
      try {
        await tx.query(migration.sql);
      } catch (error) {
        throw new Error(`storage: migration '${migration.key}' failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      await tx.query('INSERT INTO schema_migrations (id, module, applied_at) VALUES ($1, $2, now())', [migration.key, migration.module]);
      return true;
    });
    if (ran) applied.push(migration.key);
  }
  return applied;
}
