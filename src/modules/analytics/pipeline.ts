import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import type { Logger } from '../../shared/logger.js';
import type { Sql } from '../storage/contract.js';
import { createEventBuffer } from './event-buffer.js';
import { createEventStore } from './event-store.js';
import { createEventStream, type EventStream } from './event-stream.js';
import { createRedisLiveCounters } from './live-counters-redis.js';
import { createMemoryLiveCounters, type LiveCounters } from './live-counters.js';
import type { Partitions } from './partitions.js';
import type { AnalyticsRecord } from './records.js';
import { type EncodedRecord, encodeRecord, type TenantBatch, toTenantBatches } from './tenant-batches.js';

export interface PipelineConfig {
  bufferSize: number;
  batchSize: number;
  flushMs: number;
  redisUrl: string | undefined;
  redisKeyPrefix: string;
}

export interface PipelineDeps {
  sql: Sql;
  partitions: Partitions;
  logger: Logger;
  config: PipelineConfig;
  onDrop: (count: number) => void;
  onStored: (count: number) => void;
}

function connect(url: string, logger: Logger): Redis {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  redis.on('error', (error) => logger.warn({ err: error }, 'analytics: Redis connection error; reconnecting'));
  return redis;
}

/**
 * Hot path → bounded buffer → (Redis stream → consumer group, with several instances) → tables.
 * Embedded, the buffer writes to the tables itself. Live counters follow the stored events, so a
 * redelivered event does not count twice.
 */
export function createPipeline(deps: PipelineDeps) {
  const { config, logger } = deps;
  const store = createEventStore(deps);
  const redis = config.redisUrl ? connect(config.redisUrl, logger) : null;
  // A blocking XREADGROUP holds its connection, so reads get one of their own.
  const reader = config.redisUrl ? connect(config.redisUrl, logger) : null;
  const live: LiveCounters = redis ? createRedisLiveCounters(redis, config.redisKeyPrefix) : createMemoryLiveCounters();

  async function persist(batches: TenantBatch[]): Promise<void> {
    if (batches.length === 0) return;
    const { stored, turns } = await store.insert(batches);
    deps.onStored(stored);
    await live.record(turns).catch((error: unknown) => logger.warn({ err: error }, 'analytics: updating live counters failed'));
  }

  const stream: EventStream | null =
    redis && reader
      ? createEventStream({
          redis,
          reader,
          key: `${config.redisKeyPrefix}analytics:events`,
          consumer: `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
          handle: persist,
          logger,
        })
      : null;

  const buffer = createEventBuffer<EncodedRecord>({
    capacity: config.bufferSize,
    batchSize: config.batchSize,
    flushMs: config.flushMs,
    sink: (batch) => (stream ? stream.publish(toTenantBatches(batch)) : persist(toTenantBatches(batch))),
    onDrop: deps.onDrop,
    logger,
  });

  return {
    live,
    push: (records: readonly AnalyticsRecord[]) => buffer.push(records.map(encodeRecord)),
    offer: (records: readonly AnalyticsRecord[]) => buffer.offer(records.map(encodeRecord)),
    queueDepth: () => buffer.size,
    backlog: stream ? () => stream.backlog() : undefined,
    async flush() {
      await buffer.flush();
      await stream?.drain();
    },
    async start() {
      await Promise.all([redis?.connect(), reader?.connect()]);
      await stream?.start();
      buffer.start();
    },
    /** Last flush first (into the stream, then from it), then the connections. */
    async stop() {
      try {
        await buffer.stop();
        await stream?.stop();
        // Entries another instance took stay in the stream until stored: they are not lost, so no wait.
        await stream?.drain({ settle: false });
      } catch (error) {
        logger.error({ err: error, queued: buffer.size }, 'analytics: events could not be stored at shutdown');
      } finally {
        await Promise.all([redis?.quit(), reader?.quit()]);
      }
    },
  };
}
