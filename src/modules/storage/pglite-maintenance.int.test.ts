import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { UnscopedSql } from './contract.js';
import { maintainPglite } from './pglite-maintenance.js';
import { createPgliteSql } from './sql-pglite.js';

const TENANT = '00000000-0000-4000-8000-00000000000a';

describe('embedded database maintenance (the autovacuum PGlite lacks)', () => {
  let dir: string;
  let sql: UnscopedSql;
  const stats = async (table: string) =>
    (
      await sql.query<{ dead: number; vacuumed: string | null; estimate: number }>(
        `SELECT s.n_dead_tup AS dead, s.last_vacuum AS vacuumed, c.reltuples AS estimate
           FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE s.relname = $1`,
        [table],
      )
    )[0]!;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcp-engine-pglite-maintenance-'));
    // Maintenance on a timer would race the assertions: the tests run it themselves.
    sql = await createPgliteSql(dir, { maintenanceIntervalMs: 0 });
    await sql.query(`CREATE TABLE contexts (tenant_id uuid NOT NULL, conversation_id text NOT NULL, version integer NOT NULL,
      PRIMARY KEY (tenant_id, conversation_id)); CREATE TABLE quiet (n integer)`);
    await maintainPglite(sql);
  });
  afterAll(async () => {
    await sql.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('vacuums a table once its dead rows pass autovacuum’s threshold, and leaves a quiet one alone', async () => {
    await sql.query(`INSERT INTO contexts SELECT $1, 'c' || n, 1 FROM generate_series(1, 2000) AS n`, [TENANT]);
    await sql.query(`UPDATE contexts SET version = 2 WHERE conversation_id LIKE 'c1%'`);
    await sql.query(`DELETE FROM contexts WHERE conversation_id LIKE 'c2%'`);
    // Statistics reach the shared counters after the statement that follows a flush request.
    await sql.query('SELECT pg_stat_force_next_flush()');
    await sql.query('SELECT 1');
    expect((await stats('contexts')).dead).toBeGreaterThan(400);

    const done = await maintainPglite(sql);

    // Analyzed (empty) when the tests began: not again within 10 minutes, however much it changed.
    expect(done).toEqual([{ table: 'contexts', vacuum: true, analyze: false }]);
    const after = await stats('contexts');
    expect(after).toMatchObject({ dead: 0, estimate: 1888 });
    expect(after.vacuumed).not.toBeNull();
    expect((await stats('quiet')).vacuumed).toBeNull();
    // Nothing changed since: nothing to do.
    expect(await maintainPglite(sql)).toEqual([]);
  });

  it('analyzes a table it never analyzed, whatever its changes (their counts do not outlive a restart)', async () => {
    await sql.query(`CREATE TABLE late (n integer); INSERT INTO late SELECT generate_series(1, 30)`);

    expect(await maintainPglite(sql)).toEqual([{ table: 'late', vacuum: false, analyze: true }]);
    expect((await stats('late')).estimate).toBe(30);
  });

  it('vacuums the whole database, system catalogs too, once its oldest transaction id passes the freeze age', async () => {
    // PostgreSQL's own age (200 million transactions) cannot be reached in a test; any age is compared alike.
    expect(await maintainPglite(sql, { freezeAge: 1 })).toEqual([{ table: '*', vacuum: true, analyze: false }]);
    expect((await stats('quiet')).vacuumed).not.toBeNull();
  });

  it('runs on its own, on a timer, in an open embedded database', async () => {
    const own = await mkdtemp(join(tmpdir(), 'mcp-engine-pglite-maintenance-'));
    const timed = await createPgliteSql(own, { maintenanceIntervalMs: 50 });
    try {
      await timed.query(`CREATE TABLE outbox (n integer); INSERT INTO outbox SELECT generate_series(1, 500); DELETE FROM outbox`);
      await timed.query('SELECT pg_stat_force_next_flush()');
      await vi.waitFor(
        async () => {
          const [row] = await timed.query<{ vacuumed: string | null }>(`SELECT last_vacuum AS vacuumed FROM pg_stat_user_tables WHERE relname = 'outbox'`);
          expect(row?.vacuumed).not.toBeNull();
        },
        { timeout: 10_000, interval: 100 },
      );
    } finally {
      await timed.close();
      await rm(own, { recursive: true, force: true });
    }
  });
});
