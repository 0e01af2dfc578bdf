import { allMigrations } from '../src/app.js';
import { createStorage } from '../src/modules/storage/index.js';
import { silentLogger } from '../src/shared/logger.js';
import { dropDatabase, recreateDatabase, TEST_DATABASE_URL } from './support/env.js';

/** One database for the whole run, migrated once before the test files start in parallel, and dropped after it. */
export default async function setup(): Promise<() => Promise<void>> {
  await recreateDatabase();
  const storage = await createStorage(
    { databaseUrl: TEST_DATABASE_URL, dataDir: 'data-test', redisKeyPrefix: 'mcp-test:', lockTtlMs: 1000, lockWaitMs: 1000 },
    { logger: silentLogger() },
  );
  try {
    await storage.migrate(allMigrations);
  } finally {
    await storage.close();
  }
  return () => dropDatabase(TEST_DATABASE_URL);
}
