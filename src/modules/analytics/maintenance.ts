import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { Sql } from '../storage/contract.js';
import type { Partitions } from './partitions.js';

const EVERY_MS = 60 * 60_000;
const DAY_MS = 86_400_000;

/**
 * Hourly upkeep: partitions for the coming months, raw events dropped past `retentionDays` (whole
 * months; whole day chunks with TimescaleDB, whose chunks also lose the application role's grants
 * again), hourly rollups deleted past `rollupRetentionDays`. Platform work across tenants, so it
 * runs as the tables' owner outside tenant scope. Idempotent: every instance may run it.
 */
export function createMaintenance(deps: {
  sql: Sql;
  partitions: Partitions;
  clock: Clock;
  logger: Logger;
  config: { retentionDays: number; rollupRetentionDays: number };
}) {
  let timer: NodeJS.Timeout | null = null;

  async function run(): Promise<void> {
    const now = deps.clock.now();
    await deps.partitions.maintain(now, deps.config.retentionDays);
    await deps.sql.query('DELETE FROM conversation_analytics_hourly WHERE bucket < $1::timestamptz', [
      new Date(now - deps.config.rollupRetentionDays * DAY_MS).toISOString(),
    ]);
  }

  const runLogged = () => run().catch((error: unknown) => deps.logger.warn({ err: error }, 'analytics: maintenance failed; retrying in an hour'));

  return {
    run,
    async start() {
      await run();
      timer = setInterval(runLogged, EVERY_MS);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
