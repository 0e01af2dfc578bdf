import type { Logger } from '../../shared/logger.js';
import type { Sql, SqlExecutor } from '../storage/contract.js';
import { storeBatches, type StoredTurn } from './event-store.js';
import { ANY_UP_TO, NEWEST, setAside, take } from './outbox.js';
import type { Partitions } from './partitions.js';
import type { TenantBatch } from './tenant-batches.js';

export interface RelayConfig {
  batchSize: number;
  flushMs: number;
}

export interface RelayDeps {
  sql: Sql;
  partitions: Partitions;
  logger: Logger;
  config: RelayConfig;
  /** Called after each committed batch with what was new in it (never twice for one record); must not throw. */
  onStored: (stored: number, turns: StoredTurn[]) => Promise<void>;
  onRefused: () => void;
}

/** How long `flush` waits for records another instance has taken to be stored (or released). */
const SETTLE_TIMEOUT_MS = 30_000;
const SETTLE_POLL_MS = 20;

/**
 * A refusal by the tables (SQLSTATE class 22, data exception, or 23, integrity constraint), not an
 * outage: the same record would fail again however often it is retried.
 */
function isRefused(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^2[23]/.test(code)) return true;
  }
  return false;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Moves staged records from the outbox to the tables, on every instance, every `flushMs` and when
 * kicked. One transaction takes a batch (rows no other relay holds), stores it and deletes it, so
 * two relays never store the same record and a crash, at any point, loses none. A failing
 * database only makes a tick fail: the next one retries. Redis plays no part.
 */
export function createRelay(deps: RelayDeps) {
  const { sql, partitions, logger, config } = deps;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let failing = false;

  /** Stores a batch; a batch of one record that the tables refuse is set aside instead (the transaction goes on). */
  async function storeOrSetAside(tx: SqlExecutor, batches: TenantBatch[], count: number) {
    if (count > 1) return { ...(await storeBatches(tx, batches)), refused: null };
    await tx.query('SAVEPOINT store');
    try {
      return { ...(await storeBatches(tx, batches)), refused: null };
    } catch (error) {
      if (!isRefused(error)) throw error;
      await tx.query('ROLLBACK TO SAVEPOINT store');
      await setAside(tx, batches[0]!, String(error));
      return { stored: 0, turns: [], refused: { error, tenantId: batches[0]!.tenantId } };
    }
  }

  /** Relays one batch of at most `limit` records; returns how many it took. */
  async function relayBatch(limit: number): Promise<number> {
    await partitions.timescale(); // known before the transaction, which must not wait on another query
    const result = await sql.transaction(async (tx) => {
      const { batches, count } = await take(tx, limit);
      if (count === 0) return null;
      const created = await partitions.ensureWithin(tx, batches.flatMap((b) => b.months));
      const stored = await storeOrSetAside(tx, batches, count);
      await partitions.lockNewChunks(tx);
      return { count, created, ...stored };
    });
    if (!result) return 0;
    partitions.remember(result.created);
    if (result.refused) {
      logger.error({ err: result.refused.error, tenantId: result.refused.tenantId }, 'analytics: the tables refused a record; it is set aside in analytics_outbox_refused');
      deps.onRefused();
    }
    await deps.onStored(result.stored, result.turns);
    return result.count;
  }

  /** After a batch was refused, its records one by one: the good ones are stored, the bad one set aside. */
  async function relayOneByOne(): Promise<void> {
    for (let i = 0; i < config.batchSize; i += 1) if ((await relayBatch(1)) === 0) return;
  }

  async function relayAll(): Promise<void> {
    try {
      for (;;) {
        const taken = await relayBatch(config.batchSize).catch(async (error: unknown) => {
          if (!isRefused(error) || config.batchSize === 1) throw error;
          await relayOneByOne();
          return config.batchSize;
        });
        if (taken < config.batchSize) break;
      }
      if (failing) logger.info('analytics: the relay stores records again');
      failing = false;
    } catch (error) {
      if (!failing) logger.warn({ err: error }, 'analytics: relaying records failed; they stay in the outbox and are retried');
      failing = true;
      throw error;
    }
  }

  /** One relay at a time in this process; a caller arriving during one waits for it, then relays again. */
  function run(): Promise<void> {
    const next = (running ?? Promise.resolve()).catch(() => undefined).then(relayAll);
    const tracked = next.finally(() => {
      if (running === tracked) running = null;
    });
    running = tracked;
    return tracked;
  }

  const background = () => {
    if (running) return;
    run().catch(() => undefined); // logged in relayAll; the records stay in the outbox
  };

  return {
    /** Relays soon, without waiting for the next tick. */
    kick: () => setImmediate(background),
    /**
     * Resolves once every record staged (committed) before the call is stored, by this relay or
     * another instance's; rejects when the database fails.
     */
    async flush(): Promise<void> {
      const [newest] = await sql.query<{ seq: number | null }>(NEWEST);
      if (newest?.seq === null || newest?.seq === undefined) return;
      for (const deadline = Date.now() + SETTLE_TIMEOUT_MS; ; ) {
        await run();
        if ((await sql.query(ANY_UP_TO, [newest.seq])).length === 0) return;
        // Another instance holds them: it stores them, or dies and they are released to us.
        if (Date.now() > deadline) throw new Error('analytics: staged records are still unstored; is every instance able to reach the database?');
        await sleep(SETTLE_POLL_MS);
      }
    },
    start() {
      timer ??= setInterval(background, config.flushMs);
      timer.unref();
    },
    /** Stops the timer, then relays what is left (a failure is logged: the records stay staged). */
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await run().catch(() => undefined);
    },
  };
}
