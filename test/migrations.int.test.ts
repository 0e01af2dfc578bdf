import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allMigrations } from '../src/app.js';
import { checksumOf, createStorage, type ModuleMigrations, storageMigrations } from '../src/modules/storage/index.js';
import { silentLogger } from '../src/shared/logger.js';
import { dropDatabase, recreateDatabase, TEST_DATABASE_URL, uniqueSuffix } from './support/env.js';

/**
 * A database migrated by the migrator before it kept checksums: its bookkeeping table has no
 * checksum column, and every module's migrations were applied from the text they have now.
 */
const url = new URL(TEST_DATABASE_URL);
url.pathname = `/${url.pathname.slice(1)}_older_${uniqueSuffix()}`;
const databaseUrl = url.toString();

async function migrateAsBefore(): Promise<void> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query('CREATE TABLE schema_migrations (id text PRIMARY KEY, module text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    for (const { module, migrations } of [storageMigrations, ...allMigrations]) {
      for (const migration of [...migrations].sort((a, b) => a.id.localeCompare(b.id))) {
        await db.query(migration.sql);
        await db.query('INSERT INTO schema_migrations (id, module) VALUES ($1, $2)', [`${module}/${migration.id}`, module]);
      }
    }
  } finally {
    await db.end();
  }
}

const migrate = async (modules: readonly ModuleMigrations[]) => {
  const storage = await createStorage({ databaseUrl, dataDir: 'unused', redisKeyPrefix: 'unused:', lockTtlMs: 1000, lockWaitMs: 1000 }, { logger: silentLogger() });
  try {
    return await storage.migrate(modules);
  } finally {
    await storage.close();
  }
};

beforeAll(async () => {
  await recreateDatabase(databaseUrl);
  await migrateAsBefore();
});
afterAll(async () => {
  await dropDatabase(databaseUrl);
});

describe('migrating a database from before checksums', () => {
  it('applies nothing again and records the checksum of every applied migration', async () => {
    expect(await migrate(allMigrations)).toEqual([]);
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ id: string; checksum: string | null }>('SELECT id, checksum FROM schema_migrations');
      const expected = [storageMigrations, ...allMigrations].flatMap((m) => m.migrations.map((mig) => ({ id: `${m.module}/${mig.id}`, checksum: checksumOf(mig.sql) })));
      expect(rows.filter((r) => r.id !== 'migrator/001_checksums')).toEqual(expect.arrayContaining(expected));
      expect(rows.every((r) => r.checksum !== null)).toBe(true);
    } finally {
      await db.end();
    }
    expect(await migrate(allMigrations)).toEqual([]);
  });

  it('then refuses to start when an applied migration was edited, naming the module and migration', async () => {
    const edited = allMigrations.map((m) =>
      m.module === 'analytics' ? { ...m, migrations: m.migrations.map((mig) => (mig.id === '003_outbox' ? { ...mig, sql: mig.sql.replace('bigserial', 'serial') } : mig)) } : m,
    );
    await expect(migrate(edited)).rejects.toThrow("storage: migration '003_outbox' of module 'analytics' was edited after it was applied");
  });
});
