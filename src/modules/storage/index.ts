import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from '../../shared/logger.js';
import type { Counters, Kv, Locks, Sql, Storage, StorageConfig } from './contract.js';
import { createMemoryCounters } from './counters-memory.js';
import { createRedisCounters } from './counters-redis.js';
import { createMemoryKv } from './kv-memory.js';
import { createRedisKv } from './kv-redis.js';
import { createMemoryLocks } from './locks-memory.js';
import { createRedisLocks } from './locks-redis.js';
import { migrate } from './migrator.js';
import { describePostgresFailure, describeRedisFailure } from './connect-failure.js';
import { createPgliteSql } from './sql-pglite.js';
import { createPostgresSql, type PostgresSql } from './sql-postgres.js';
import { storageMigrations } from './migrations.js';
import { addTenantScope } from './tenant-scope.js';

export * from './contract.js';
export { isUniqueViolation } from './sql-types.js';
// Other modules' unit tests build on the in-memory store instead of reaching into storage's files.
export { createMemoryKv } from './kv-memory.js';
export { asOutage, isOutage } from './outage.js';
export { APP_ROLE, withLocalSettings } from './tenant-scope.js';
export { tenantTables } from './tenant-data.js';
/** Storage's own migrations (applied before every module's) and a migration's checksum, as the migrator records them. */
export { storageMigrations };
export { checksumOf } from './migrator.js';

const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What CLIENT LIST shows for an instance's connection, so that an operator (or a test) can find it. */
export const redisConnectionName = (keyPrefix: string) => `mcp-storage-${keyPrefix}`.replace(/[^\w.:-]/g, '_');

async function connectRedis(url: string, keyPrefix: string, logger: Logger): Promise<Redis> {
  // Auto-pipelining sends the commands issued in one tick in one write: a turn's cache update and
  // lock release, and the commands of concurrent requests, cost one round trip instead of several.
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, enableAutoPipelining: true, connectionName: redisConnectionName(keyPrefix) });
  // Without a listener ioredis reports every reconnect attempt as an unhandled 'error' event.
  // ioredis rejects connect() with a bare "Connection is closed"; the socket's own error says why.
  let socketError: unknown = null;
  redis.on('error', (error) => {
    socketError = error;
    logger.warn({ err: error }, 'storage: Redis connection error; reconnecting');
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    const cause = socketError ?? error;
    throw new Error(describeRedisFailure(url, cause), { cause });
  }
  return redis;
}

// The pool connects lazily; failing here names the setting to fix instead of failing mid-request.
async function connectPostgres(url: string, logger: Logger): Promise<PostgresSql> {
  const sql = createPostgresSql({ url, logger });
  try {
    await sql.query('SELECT 1');
  } catch (error) {
    await sql.close();
    throw new Error(describePostgresFailure(url, error), { cause: error });
  }
  return sql;
}

/**
 * PostgreSQL when `databaseUrl` is set, else PGlite persisted under `dataDir`; Redis when
 * `redisUrl` is set, else process memory (one instance only, as in embedded mode).
 */
export async function createStorage(config: StorageConfig, deps: { logger: Logger }): Promise<Storage> {
  const logger = deps.logger;
  const unscoped = config.databaseUrl ? await connectPostgres(config.databaseUrl, logger) : await createPgliteSql(join(config.dataDir, 'pglite'), { logger });
  const sql: Sql = addTenantScope(unscoped);

  let kv: Kv;
  let locks: Locks;
  let counters: Counters;
  let redis: Redis | undefined;
  const defaults = { ttlMs: config.lockTtlMs, waitMs: config.lockWaitMs };
  try {
    if (config.redisUrl) {
      redis = await connectRedis(config.redisUrl, config.redisKeyPrefix, logger);
      kv = createRedisKv(redis, config.redisKeyPrefix);
      locks = createRedisLocks({ redis, prefix: config.redisKeyPrefix, defaults, logger });
      counters = createRedisCounters(redis, config.redisKeyPrefix);
    } else {
      kv = createMemoryKv();
      locks = createMemoryLocks(defaults);
      counters = createMemoryCounters();
    }
  } catch (error) {
    await sql.close();
    throw error;
  }
  logger.info({ sql: sql.dialect, kv: kv.kind }, 'storage: ready');
  if (config.databaseUrl && !config.redisUrl) {
    logger.warn(
      'storage: DATABASE_URL without REDIS_URL keeps sessions, locks and caches in this process: safe for one instance only; ' +
        'set REDIS_URL before running several instances against this database',
    );
  }

  return {
    sql,
    kv,
    locks,
    counters,
    async purgeTenantKeys(tenantId) {
      // A fragment matches by substring: anything shorter than a whole tenant id could match every key.
      if (!TENANT_ID.test(tenantId)) throw new Error(`storage: '${tenantId}' is not a tenant id`);
      // In Redis both share one keyspace (locks' keys too), so the second scan finds nothing left.
      await kv.deleteMatching(tenantId);
      await counters.deleteMatching(tenantId);
    },
    async migrate(modules) {
      const applied = await migrate(sql, [storageMigrations, ...modules]);
      if (applied.length > 0) logger.info({ applied }, `storage: applied ${applied.length} migration(s)`);
      // Tables just made, analyzed while they are small: their first analysis is then no stall under load.
      if (applied.length > 0) await unscoped.maintain?.();
      return applied;
    },
    async close() {
      await locks.close();
      await counters.close();
      await kv.close();
      await redis?.quit();
      await sql.close();
    },
  };
}
