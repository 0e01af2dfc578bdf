import type { Logger } from '../../shared/logger.js';
import type { Sql } from './contract.js';

/**
 * The autovacuum PGlite lacks. PGlite runs PostgreSQL as one backend without background workers,
 * so nothing vacuums or analyzes its tables. Without statistics the planner guesses every table's
 * contents (a turn batch's update once read all of a tenant's contexts because of it, 2.7 ms of the
 * thread at 2,000 conversations); without vacuum the outboxes' deleted rows stay for good, and
 * transaction ids run on towards wraparound.
 *
 * The tables are the ones autovacuum would pick, by its own settings (dead rows past its vacuum
 * threshold, changes past its analyze threshold, transaction ids older than its freeze age), with
 * two differences, because each statement here stops every turn while it runs. A table is analyzed
 * at most every 10 minutes: a growing table passes the threshold often, and the planner scales its
 * row count by the table's current size anyway. Inserts alone do not call for a vacuum (an append-only
 * table is vacuumed for its age only). A table never analyzed is analyzed at once (most are empty
 * then, and it costs nothing): counts of changes live in memory only, and do not outlive a restart.
 */
const TABLES_DUE = `
  WITH tables AS (
    SELECT oid, oid::regclass::text AS "table", greatest(reltuples, 0) AS estimate, reltuples < 0 AS never_analyzed, age(relfrozenxid) AS xid_age
    FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'm') AND relpersistence <> 't'
  ), due AS (
    SELECT "table",
      pg_stat_get_dead_tuples(oid) > current_setting('autovacuum_vacuum_threshold')::float8 + current_setting('autovacuum_vacuum_scale_factor')::float8 * estimate
        OR xid_age > current_setting('autovacuum_freeze_max_age')::float8 AS "vacuum",
      never_analyzed
        OR pg_stat_get_mod_since_analyze(oid) > current_setting('autovacuum_analyze_threshold')::float8
          + current_setting('autovacuum_analyze_scale_factor')::float8 * estimate
          AND coalesce(pg_stat_get_last_analyze_time(oid) < now() - interval '10 minutes', true) AS "analyze"
    FROM tables
  )
  SELECT "table", "vacuum", "analyze" FROM due WHERE "vacuum" OR "analyze" ORDER BY "table"`;

/** The system catalogs age too: once the database's oldest transaction id passes the freeze age, all of it is vacuumed. */
const DATABASE_FREEZE_DUE = `SELECT age(datfrozenxid) > coalesce($1, current_setting('autovacuum_freeze_max_age')::float8) AS due
  FROM pg_database WHERE datname = current_database()`;

export interface MaintenanceStep extends Record<string, unknown> {
  /** `*` for the whole database. */
  table: string;
  vacuum: boolean;
  analyze: boolean;
}

/**
 * The sample an ANALYZE reads: 3,000 rows instead of 30,000. PGlite's one thread stops every turn
 * while it runs (a 16,000-row trace table took 150 ms at PostgreSQL's default, 25 ms at this), and
 * the engine's statements look rows up by key and tenant, which rough statistics plan as well.
 */
const STATISTICS_TARGET = 10;

/**
 * Vacuums and analyzes the tables due, one statement per table: PGlite runs one statement at a
 * time, and turns waiting for it go between two tables rather than after all of them.
 */
export async function maintainPglite(
  sql: Pick<Sql, 'query' | 'transaction'>,
  /** `freezeAge`: in transactions, instead of PostgreSQL's autovacuum_freeze_max_age (for tests). */
  options: { freezeAge?: number } = {},
): Promise<MaintenanceStep[]> {
  const [database] = await sql.query<{ due: boolean }>(DATABASE_FREEZE_DUE, [options.freezeAge ?? null]);
  if (database?.due) {
    await sql.query('VACUUM');
    return [{ table: '*', vacuum: true, analyze: false }];
  }
  const due = await sql.query<MaintenanceStep>(TABLES_DUE);
  for (const { table, vacuum, analyze } of due) {
    // The name comes from regclass, quoted where it needs to be.
    if (vacuum) await sql.query(`VACUUM ${table}`);
    if (analyze) {
      await sql.transaction(async (tx) => {
        await tx.query(`SET LOCAL default_statistics_target = ${STATISTICS_TARGET}`);
        await tx.query(`ANALYZE ${table}`);
      });
    }
  }
  return due;
}

/**
 * Runs `maintainPglite` every `intervalMs` (never on a timer when 0) and on `runNow`, never two at
 * once, until `stop`, which waits for a run in progress. A failed run is logged, not thrown.
 */
export function scheduleMaintenance(
  sql: Pick<Sql, 'query' | 'transaction'>,
  options: { intervalMs: number; logger: Logger },
): { runNow(): Promise<void>; stop(): Promise<void> } {
  const { intervalMs, logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const run = async () => {
    const started = performance.now();
    try {
      const done = await maintainPglite(sql);
      if (done.length > 0) logger.debug({ done, ms: Math.round(performance.now() - started) }, 'storage: embedded database vacuumed and analyzed');
    } catch (error) {
      logger.warn({ err: error }, 'storage: embedded database maintenance failed; it is tried again at the next pass');
    }
  };
  const next = () => {
    if (stopped || intervalMs <= 0) return;
    // Unref'd: a pending maintenance never keeps the process alive.
    timer = setTimeout(() => {
      running = run().then(next);
    }, intervalMs).unref();
  };
  next();
  return {
    /** One run now, after the one in progress. */
    runNow() {
      running = running.then(run);
      return running;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
