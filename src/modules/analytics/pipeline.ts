import { Redis } from 'ioredis';
import { AppError } from '../../shared/app-error.js';
import type { Logger } from '../../shared/logger.js';
import type { Sql, SqlExecutor } from '../storage/contract.js';
import { createRedisLiveCounters } from './live-counters-redis.js';
import { createMemoryLiveCounters, type LiveCounters } from './live-counters.js';
import { BACKLOG, stage } from './outbox.js';
import type { Partitions } from './partitions.js';
import type { AnalyticsRecord } from './records.js';
import { createRelay, type RelayConfig } from './relay.js';
import { encodeRecord } from './tenant-batches.js';

export interface PipelineConfig extends RelayConfig {
  redisUrl: string | undefined;
  redisKeyPrefix: string;
}

export interface PipelineDeps {
  sql: Sql;
  partitions: Partitions;
  logger: Logger;
  config: PipelineConfig;
  onStored: (count: number) => void;
  onRefused: () => void;
}

/**
 * Records are staged in the outbox by the transaction that produced them, and the relay stores them
 * (outbox.ts, relay.ts). Live counters follow what the relay newly stored, so no record counts
 * twice; they live in Redis with several instances (ioredis reconnects by itself after an outage,
 * and a batch that could not be counted then is only missing from the last minute's figures).
 */
export function createPipeline(deps: PipelineDeps) {
  const { sql, config, logger } = deps;
  // Named, so that an operator (or a test) can tell its connections apart in CLIENT LIST.
  const connectionName = `mcp-analytics-${config.redisKeyPrefix}`.replace(/[^\w.:-]/g, '_');
  const redis = config.redisUrl ? new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3, connectionName }) : null;
  redis?.on('error', (error) => logger.warn({ err: error }, 'analytics: Redis connection error; reconnecting'));
  const live: LiveCounters = redis ? createRedisLiveCounters(redis, config.redisKeyPrefix) : createMemoryLiveCounters();
  // A batch's worth of records staged here since the last kick: relay without waiting for the tick.
  let stagedSinceKick = 0;
  // One warning per Redis outage, not one per batch.
  let liveFailing = false;

  const relay = createRelay({
    sql,
    partitions: deps.partitions,
    logger,
    config,
    onRefused: deps.onRefused,
    async onStored(stored, turns) {
      deps.onStored(stored);
      if (turns.length === 0) return;
      try {
        await live.record(turns);
        liveFailing = false;
      } catch (error) {
        if (!liveFailing) logger.warn({ err: error }, 'analytics: updating live counters failed; they miss these turns (stored all the same)');
        liveFailing = true;
      }
    },
  });

  function staged(count: number): void {
    stagedSinceKick += count;
    if (stagedSinceKick < config.batchSize) return;
    stagedSinceKick = 0;
    relay.kick();
  }

  return {
    async live(tenantId: string, nowMs: number) {
      try {
        return await live.read(tenantId, nowMs);
      } catch (error) {
        throw new AppError('unavailable', 'Live figures are unavailable while Redis cannot be reached; retry in a few seconds.', { cause: error });
      }
    },
    /** Stages one tenant's records in `tx`, a transaction in that tenant's scope. */
    async stage(tx: SqlExecutor, tenantId: string, records: readonly AnalyticsRecord[]): Promise<void> {
      await stage(tx, tenantId, records.map(encodeRecord));
      staged(records.length);
    },
    /** Records staged and not yet stored, by every instance. */
    backlog: async () => (await sql.query<{ n: number }>(BACKLOG))[0]?.n ?? 0,
    flush: () => relay.flush(),
    async start() {
      await redis?.connect();
      relay.start();
    },
    /** A last relay first, then the connection. */
    async stop() {
      try {
        await relay.stop();
      } finally {
        await redis?.quit();
      }
    },
  };
}
