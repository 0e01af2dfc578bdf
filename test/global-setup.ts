import { randomBytes } from 'node:crypto';
import { allMigrations } from '../src/app.js';
import { createStorage } from '../src/modules/storage/index.js';
import { silentLogger } from '../src/shared/logger.js';
import { dropDatabase, recreateDatabase } from './support/env.js';

/**
 * One database for the whole run, migrated once before the test files start in parallel, and dropped
 * after it. Without TEST_DATABASE_URL the run makes a database of its own (mcp_engine_test_run_…), so
 * it never drops a database it did not create and two runs on one server do not meet; the test files
 * (forked after this) read the name from the environment.
 */
export default async function setup(): Promise<() => Promise<void>> {
  process.env.TEST_DATABASE_URL ??= `postgres://postgres@127.0.0.1:5432/mcp_engine_test_run_${randomBytes(4).toString('hex')}`;
  const databaseUrl = process.env.TEST_DATABASE_URL;
  await recreateDatabase(databaseUrl);
  const storage = await createStorage(
    { databaseUrl, dataDir: 'data-test', redisKeyPrefix: 'mcp-test:', lockTtlMs: 1000, lockWaitMs: 1000 },
    { logger: silentLogger() },
  );
  try {
    await storage.migrate(allMigrations);
  } finally {
    await storage.close();
  }
  return () => dropDatabase(databaseUrl);
}
