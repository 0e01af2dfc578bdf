import { APP_ROLE } from '../storage/index.js';

/**
 * The TimescaleDB path, used when the extension is installed before the first migration (which
 * then makes one-day hypertables). These machines and CI have no extension, so this file and the
 * migrations' hypertable branches are the whole of it, and their SQL is unit-tested.
 *
 * Isolation: a chunk is a plain table in `_timescaledb_internal` that copies the hypertable's
 * grants when it is created, but not its row-level security, so the application role could read
 * every tenant's rows through a chunk's name. Its grants on chunks are revoked (as PostgreSQL
 * partitions have none): the role reaches rows only through the hypertable, where the policy applies.
 */
export const CHUNK_SCHEMA = '_timescaledb_internal';

/** PL/pgSQL: revokes the application role's rights on every chunk that still grants it any. */
const revokeChunkGrants = `
  DECLARE chunk regclass;
  BEGIN
    FOR chunk IN
      SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = '${CHUNK_SCHEMA}' AND c.relkind = 'r'
         AND has_table_privilege('${APP_ROLE}', c.oid, 'SELECT, INSERT, UPDATE, DELETE')
    LOOP
      EXECUTE format('REVOKE ALL ON %s FROM ${APP_ROLE}', chunk);
    END LOOP;
  END`;

/** Run after inserts that may have created chunks (the relay) and by the hourly maintenance. */
export const LOCK_CHUNKS_SQL = `DO $$ ${revokeChunkGrants} $$`;

/** Raw events past the retention, dropped by whole chunks (days). */
export const dropChunksSql = (table: string): string => `SELECT drop_chunks('${table}', older_than => $1::timestamptz)`;

/**
 * Which scheme the raw tables use. The extension alone does not decide: an installation that
 * migrated before adding it keeps its partitioned tables (they are never converted).
 */
export function rawTableScheme(facts: { extension: boolean; partitioned: boolean }): 'hypertables' | 'partitions' {
  return facts.extension && !facts.partitioned ? 'hypertables' : 'partitions';
}
