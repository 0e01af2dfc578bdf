import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/logger.js';
import { createStorage, isUniqueViolation, redisConnectionName, type StorageConfig } from './index.js';
import { deletePrefix } from '../../../test/support/redis-keys.js';
import { TEST_REDIS_URL as REDIS_URL } from '../../../test/support/env.js';

const base = { redisKeyPrefix: 'unused:', lockTtlMs: 1_000, lockWaitMs: 1_000 };
const deps = { logger: silentLogger() };

describe('createStorage', () => {
  it('embedded mode: PGlite persisted in dataDir, memory kv and locks', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mcp-engine-storage-'));
    const config: StorageConfig = { ...base, dataDir: join(dataDir, 'nested') };
    const modules = [{ module: 'notes', migrations: [{ id: '001', sql: 'CREATE TABLE notes (id text PRIMARY KEY)' }] }];
    try {
      const first = await createStorage(config, deps);
      expect([first.sql.dialect, first.kv.kind]).toEqual(['pglite', 'memory']);
      // Storage's own migration (the application role) always comes first.
      expect(await first.migrate(modules)).toEqual(['storage/001_application_role', 'notes/001']);
      await first.sql.query('INSERT INTO notes VALUES ($1)', ['kept']);
      // New WAL files are not filled with zeros: writing them stopped every statement for 50 ms.
      expect(await first.sql.query("SELECT current_setting('wal_init_zero') AS zero")).toEqual([{ zero: 'off' }]);
      const lock = await first.locks.acquire('k');
      expect(lock.lost).toBe(false);
      await lock.release();
      await first.close();

      const reopened = await createStorage(config, deps);
      expect(await reopened.migrate(modules)).toEqual([]);
      expect(await reopened.sql.query('SELECT id FROM notes')).toEqual([{ id: 'kept' }]);
      const duplicate = await reopened.sql.query('INSERT INTO notes VALUES ($1)', ['kept']).catch((error: unknown) => error);
      expect(isUniqueViolation(duplicate)).toBe(true);
      await reopened.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('server mode: PostgreSQL and Redis, every Redis key under the prefix', async () => {
    const prefix = `test:storage:${randomUUID()}:`;
    const config: StorageConfig = {
      ...base,
      dataDir: join(tmpdir(), 'never-created'),
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/test',
      redisUrl: REDIS_URL,
      redisKeyPrefix: prefix,
    };
    const storage = await createStorage(config, deps);
    const redis = new Redis(REDIS_URL);
    try {
      expect([storage.sql.dialect, storage.kv.kind, storage.counters.kind]).toEqual(['postgres', 'redis', 'redis']);
      await storage.kv.set('session:t1:c1', 'v');
      await storage.counters.add([{ key: 'live:t1', by: 1, ttlMs: 10_000 }]);
      const lock = await storage.locks.acquire('conversation:t1:c1');
      expect(await redis.get(`${prefix}session:t1:c1`)).toBe('v');
      expect(await redis.get(`${prefix}live:t1`)).toBe('1');
      expect(await redis.exists(`${prefix}lock:conversation:t1:c1`)).toBe(1);
      await lock.release();
      // Its one connection, named for CLIENT LIST.
      expect(((await redis.client('LIST')) as string).split('\n').filter((line) => line.includes(` name=${redisConnectionName(prefix)} `))).toHaveLength(1);
    } finally {
      await storage.close();
      await deletePrefix(redis, prefix);
      await redis.quit();
    }
  });

  it("purges a tenant's keys in Kv and Counters, no other tenant's, and refuses anything but a tenant id", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mcp-engine-storage-'));
    const storage = await createStorage({ ...base, dataDir }, deps);
    const [gone, kept] = [randomUUID(), randomUUID()];
    try {
      for (const tenant of [gone, kept]) {
        await storage.kv.set(`conversation:${tenant}:c1`, 'v');
        await storage.counters.add([{ key: `live:${tenant}:1`, by: 1, ttlMs: 10_000 }]);
      }
      await expect(storage.purgeTenantKeys('')).rejects.toThrow(/not a tenant id/);
      await expect(storage.purgeTenantKeys('conversation')).rejects.toThrow(/not a tenant id/);
      await storage.purgeTenantKeys(gone);
      expect([await storage.kv.get(`conversation:${gone}:c1`), await storage.kv.get(`conversation:${kept}:c1`)]).toEqual([null, 'v']);
      expect(await storage.counters.read([`live:${gone}:1`, `live:${kept}:1`])).toEqual([0, 1]);
    } finally {
      await storage.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('names the setting to fix when a server is unreachable', async () => {
    const dataDir = join(tmpdir(), 'never-created');
    await expect(createStorage({ ...base, dataDir, databaseUrl: 'postgres://postgres@127.0.0.1:1/test' }, deps)).rejects.toThrow(/DATABASE_URL/);
    const config = { ...base, dataDir, databaseUrl: 'postgres://postgres@127.0.0.1:5432/test', redisUrl: 'redis://127.0.0.1:1' };
    await expect(createStorage(config, deps)).rejects.toThrow(/REDIS_URL/);
  });
});
