import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/logger.js';
import { sqlContract } from './sql.contract.js';
import { createPgliteSql } from './sql-pglite.js';
import { createPostgresSql } from './sql-postgres.js';
import { addTenantScope, tenantIsolationSql } from './tenant-scope.js';

const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

sqlContract('pglite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-engine-pglite-'));
  const sql = addTenantScope(await createPgliteSql(dir));
  return {
    sql,
    // One embedded database has one owner process; concurrent callers share its instance.
    second: async () => sql,
    dispose: async () => {
      await sql.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

sqlContract('postgres', async () => {
  const connect = () => addTenantScope(createPostgresSql({ url: POSTGRES_URL, logger: silentLogger() }));
  const sql = connect();
  return { sql, second: async () => connect(), dispose: () => sql.close() };
});

describe('PostgreSQL behind a pooler that forgets prepared statements', () => {
  it('answers queryAsTenant in three round trips from then on, nothing lost or applied twice', async () => {
    const sql = addTenantScope(createPostgresSql({ url: POSTGRES_URL, logger: silentLogger(), maxConnections: 1 }));
    const tenant = '00000000-0000-4000-8000-00000000000a';
    const table = `forgetful_${Date.now()}`;
    try {
      await sql.query(`CREATE TABLE ${table} (tenant_id uuid, n integer); ${tenantIsolationSql(table)}`);
      const insert = `INSERT INTO ${table} VALUES ($1, $2) RETURNING n`;
      expect(await sql.queryAsTenant(tenant, insert, [tenant, 1])).toEqual([{ n: 1 }]);
      // What PgBouncer's server_reset_query, or transaction pooling onto another server connection, does.
      await sql.query('DEALLOCATE ALL');
      expect(await sql.queryAsTenant(tenant, insert, [tenant, 2])).toEqual([{ n: 2 }]);
      expect(await sql.queryAsTenant(tenant, insert, [tenant, 3])).toEqual([{ n: 3 }]);
      expect(await sql.query(`SELECT n FROM ${table} ORDER BY n`)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    } finally {
      await sql.query(`DROP TABLE IF EXISTS ${table}`);
      await sql.close();
    }
  });
});
