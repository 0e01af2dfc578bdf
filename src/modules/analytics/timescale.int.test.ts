import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../../../test/support/env.js';
import { analyticsMigrations } from './migrations.js';
import { CHUNK_SCHEMA, LOCK_CHUNKS_SQL } from './timescale.js';

/**
 * The TimescaleDB path on a PostgreSQL without the extension: its PL/pgSQL is compiled by the
 * server, and the revocation runs against a stand-in chunk, all in transactions rolled back.
 */
let db: pg.Client;

beforeAll(async () => {
  db = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await db.connect();
});

afterAll(async () => {
  await db.end();
});

async function rolledBack(fn: () => Promise<void>): Promise<void> {
  await db.query('BEGIN');
  try {
    await fn();
  } finally {
    await db.query('ROLLBACK');
  }
}

describe('TimescaleDB SQL on PostgreSQL', () => {
  it('every migration that creates hypertables compiles as PL/pgSQL (the server checks it without running it)', async () => {
    for (const migration of analyticsMigrations.migrations) {
      for (const block of migration.sql.match(/DO \$\$[\s\S]*?END \$\$;/g) ?? []) {
        if (!block.includes('create_hypertable')) continue;
        const body = block.replace(/^DO \$\$/, '').replace(/\$\$;$/, '');
        await rolledBack(async () => {
          await db.query(`CREATE FUNCTION pg_temp.check_${migration.id.replace(/\W/g, '_')}() RETURNS void LANGUAGE plpgsql AS $fn$ ${body} $fn$`);
        });
      }
    }
  });

  it('revokes the application role on chunks that copied its grants, and on nothing else', async () => {
    await rolledBack(async () => {
      await db.query(`CREATE SCHEMA ${CHUNK_SCHEMA}`);
      await db.query(`CREATE TABLE ${CHUNK_SCHEMA}._hyper_1_1_chunk (tenant_id uuid, time timestamptz)`);
      await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${CHUNK_SCHEMA}._hyper_1_1_chunk TO mcp_app`);
      const can = async (table: string) =>
        (await db.query<{ ok: boolean }>(`SELECT has_table_privilege('mcp_app', $1, 'SELECT') AS ok`, [table])).rows[0]!.ok;
      expect(await can(`${CHUNK_SCHEMA}._hyper_1_1_chunk`)).toBe(true);
      await db.query(LOCK_CHUNKS_SQL);
      expect(await can(`${CHUNK_SCHEMA}._hyper_1_1_chunk`)).toBe(false);
      // Through the parent tables it keeps what it had.
      expect(await can('public.conversation_analytics')).toBe(true);
    });
  });
});
