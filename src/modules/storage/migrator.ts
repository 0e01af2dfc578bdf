import { createHash } from 'node:crypto';
import type { Migration, ModuleMigrations, Sql, SqlExecutor } from './contract.js';

// Any constant works; it only has to be the same in every process migrating this database.
const MIGRATION_LOCK = 8_317_442_901;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  id text PRIMARY KEY,
  module text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/** The migrator's own changes to its bookkeeping table, applied before any module's migration. */
const BOOKKEEPING: ModuleMigrations = {
  module: 'migrator',
  migrations: [
    {
      // The sha256 of each applied migration's text: an applied migration edited since is refused.
      // Rows applied before this column existed get theirs on the first run that has it.
      id: '001_checksums',
      sql: 'ALTER TABLE schema_migrations ADD COLUMN checksum text',
    },
  ],
};

interface Planned {
  key: string;
  module: string;
  id: string;
  sql: string;
  checksum: string;
}

export const checksumOf = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * Serialises migrators across processes. The lock is transaction-scoped, so a crashed process
 * cannot leave it held, and every migration re-checks under it whether another process applied it.
 */
const lockMigrations = (tx: SqlExecutor) => tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);

const byId = (a: Migration, b: Migration) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function plan(modules: readonly ModuleMigrations[]): Planned[] {
  const seen = new Set<string>();
  return modules.flatMap(({ module, migrations }) =>
    [...migrations].sort(byId).map(({ id, sql }) => {
      const key = `${module}/${id}`;
      if (seen.has(key)) throw new Error(`storage: migration '${key}' is listed twice; give each migration of a module its own id`);
      seen.add(key);
      return { key, module, id, sql, checksum: checksumOf(sql) };
    }),
  );
}

/** Applies one migration with its bookkeeping row, unless another process did first; true if this call did. */
function apply(sql: Sql, migration: Planned): Promise<boolean> {
  return sql.transaction(async (tx) => {
    await lockMigrations(tx);
    const existing = await tx.query('SELECT 1 FROM schema_migrations WHERE id = $1', [migration.key]);
    if (existing.length > 0) return false;
    try {
      await tx.query(migration.sql);
    } catch (error) {
      throw new Error(`storage: migration '${migration.key}' failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    await tx.query('INSERT INTO schema_migrations (id, module, applied_at, checksum) VALUES ($1, $2, now(), $3)', [migration.key, migration.module, migration.checksum]);
    return true;
  });
}

async function applyPending(sql: Sql, planned: readonly Planned[], done: ReadonlySet<string>): Promise<string[]> {
  const applied: string[] = [];
  for (const migration of planned) {
    if (!done.has(migration.key) && (await apply(sql, migration))) applied.push(migration.key);
  }
  return applied;
}

/**
 * Refuses to go on when an applied migration's text changed (it would no longer say what the
 * database holds), and records the checksums that rows from before checksums lack. Returns the
 * keys already applied.
 */
async function verifyApplied(sql: Sql, planned: readonly Planned[]): Promise<Set<string>> {
  const rows = await sql.query<{ id: string; checksum: string | null }>('SELECT id, checksum FROM schema_migrations');
  const recorded = new Map(rows.map((row) => [row.id, row.checksum]));
  const unrecorded: Planned[] = [];
  for (const migration of planned) {
    if (!recorded.has(migration.key)) continue;
    const checksum = recorded.get(migration.key);
    if (checksum === null) unrecorded.push(migration);
    else if (checksum !== migration.checksum) {
      throw new Error(
        `storage: migration '${migration.id}' of module '${migration.module}' was edited after it was applied (its text no longer has the checksum recorded then). ` +
          'Applied migrations are history: restore its text and make the change in a new migration.',
      );
    }
  }
  if (unrecorded.length > 0) {
    await sql.transaction(async (tx) => {
      await lockMigrations(tx);
      for (const m of unrecorded) await tx.query('UPDATE schema_migrations SET checksum = $2 WHERE id = $1 AND checksum IS NULL', [m.key, m.checksum]);
    });
  }
  return new Set(recorded.keys());
}

/**
 * Applies pending migrations, module by module in the given order and by id within a module, each
 * in its own transaction together with its `schema_migrations` row and checksum. First it checks
 * that no applied migration was edited since, and throws naming it if one was. Returns the
 * `module/id`s of `modules` this call applied (the migrator's own bookkeeping changes aside); a
 * second call, or one racing another process, applies nothing twice.
 * Migration SQL must not contain BEGIN/COMMIT: it already runs inside a transaction.
 */
export async function migrate(sql: Sql, modules: readonly ModuleMigrations[]): Promise<string[]> {
  const own = plan([BOOKKEEPING]);
  const planned = plan(modules);
  await sql.transaction(async (tx) => {
    await lockMigrations(tx);
    await tx.query(CREATE_TABLE);
  });
  const ownDone = new Set((await sql.query<{ id: string }>('SELECT id FROM schema_migrations WHERE module = $1', [BOOKKEEPING.module])).map((row) => row.id));
  await applyPending(sql, own, ownDone);
  const done = await verifyApplied(sql, [...own, ...planned]);
  return applyPending(sql, planned, done);
}
