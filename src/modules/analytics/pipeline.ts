import { AppError } from '../../shared/app-error.js';
import type { Logger } from '../../shared/logger.js';
import { stagedRows, type StagedRows, type TurnRowWriter } from '../engine/contract.js';
import type { Counters, Sql } from '../storage/contract.js';
import { insertTurns, type StoredTurn, type TurnAnalytics } from './event-store.js';
import { createLiveCounters } from './live-counters.js';
import { BACKLOG, stage } from './outbox.js';
import type { Partitions } from './partitions.js';
import type { AnalyticsRecord } from './records.js';
import { createRelay, type RelayConfig } from './relay.js';
import { encodeRecord, monthsOf } from './tenant-batches.js';

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
 * (outbox.ts, relay.ts). Live counters follow what was newly stored, so no record counts
 * twice; they live in storage's counters, in Redis with several instances (a batch that could
 * not be counted during an outage is only missing from the last minute's figures).
 *
 * Embedded (PGlite), a turn's rows skip the outbox: they are stored by the turn's own statement.
 * There the outbox cost the one thread that runs every statement a row staged with each turn, then
 * the relay's transaction to move it (30% of the embedded default's throughput), and no other
 * process shares the database or could store them elsewhere. Turns whose month has no partition
 * yet still go through the outbox: the relay creates it.
 */
export function createPipeline(deps: PipelineDeps) {
  const { sql, config, logger } = deps;
  const live = createLiveCounters(deps.counters);
  const storeWithTurns = sql.dialect === 'pglite';
  // A batch's worth of records staged here since the last kick: relay without waiting for the tick.
  let stagedSinceKick = 0;
  // One warning per Redis outage, not one per batch.
  let liveFailing = false;
  // Turns stored with their own statements, counted live together once the current task is done.
  let storedTurns: StoredTurn[] = [];

  async function counted(stored: number, turns: StoredTurn[]): Promise<void> {
    deps.onStored(stored);
    if (turns.length === 0) return;
    try {
      await live.record(turns);
      liveFailing = false;
    } catch (error) {
      if (!liveFailing) logger.warn({ err: error }, 'analytics: updating live counters failed; they miss these turns (stored all the same)');
      liveFailing = true;
    }
  }

  const relay = createRelay({ sql, partitions: deps.partitions, logger, config, onRefused: deps.onRefused, onStored: counted });

  function storedWithTurn({ tenantId, turn }: TurnAnalytics): void {
    if (storedTurns.length === 0) {
      setImmediate(() => {
        const turns = storedTurns;
        storedTurns = [];
        void counted(turns.length, turns);
      });
    }
    storedTurns.push({ tenantId, conversationId: turn.conversation_id ?? '', turn: turn.turn, ms: Date.parse(turn.time), open: turn.status === 'waiting' });
  }

  const stageRecords: TurnRowWriter<AnalyticsRecord> = async (tx, tenantId, records) => {
    await stage(tx, tenantId, records.map(encodeRecord));
    staged(records.length);
  };

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
    stage: stageRecords,
    /** A turn's record as rows of its own transaction: stored with it, or staged for the relay. */
    turnRows(record: AnalyticsRecord): StagedRows {
      if (storeWithTurns && record.kind === 'turn' && deps.partitions.knows(monthsOf(record))) {
        return stagedRows(insertTurns, [record], () => storedWithTurn(record));
      }
      return stagedRows(stageRecords, [record]);
    },
    /** Records staged and not yet stored, by every instance. */
    backlog: async () => (await sql.query<{ n: number }>(BACKLOG))[0]?.n ?? 0,
    flush: () => relay.flush(),
    start: () => relay.start(),
    /** A last relay: what is staged is stored before the app's storage closes. */
    stop: () => relay.stop(),
  };
}
