import { AppError } from '../../shared/app-error.js';
import type { Logger } from '../../shared/logger.js';
import type { Counters, Sql, SqlExecutor } from '../storage/contract.js';
import { createLiveCounters } from './live-counters.js';
import { BACKLOG, stage } from './outbox.js';
import type { Partitions } from './partitions.js';
import type { AnalyticsRecord } from './records.js';
import { createRelay, type RelayConfig } from './relay.js';
import { encodeRecord } from './tenant-batches.js';

export type PipelineConfig = RelayConfig;

export interface PipelineDeps {
  sql: Sql;
  counters: Counters;
  partitions: Partitions;
  logger: Logger;
  config: PipelineConfig;
  onStored: (count: number) => void;
  onRefused: () => void;
}

/**
 * Records are staged in the outbox by the transaction that produced them, and the relay stores them
 * (outbox.ts, relay.ts). Live counters follow what the relay newly stored, so no record counts
 * twice; they live in storage's counters, in Redis with several instances (a batch that could
 * not be counted during an outage is only missing from the last minute's figures).
 */
export function createPipeline(deps: PipelineDeps) {
  const { sql, config, logger } = deps;
  const live = createLiveCounters(deps.counters);
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
    start: () => relay.start(),
    /** A last relay: what is staged is stored before the app's storage closes. */
    stop: () => relay.stop(),
  };
}
