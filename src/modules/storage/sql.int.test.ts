import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../shared/logger.js';
import { sqlContract } from './sql.contract.js';
import { createPgliteSql } from './sql-pglite.js';
import { createPostgresSql } from './sql-postgres.js';
import { addTenantScope } from './tenant-scope.js';

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
