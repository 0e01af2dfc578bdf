import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { PersonDataPart } from '../../shared/person-data.js';
import type { Sql } from '../storage/contract.js';
import type { DataPolicy, Privacy } from './contract.js';
import { runRetention } from './retention.js';

export * from './contract.js';
export { privacyMigrations } from './migrations.js';

const EVERY_MS = 60 * 60_000;

export function createPrivacy(deps: { sql: Sql; clock: Clock; logger: Logger; parts: readonly PersonDataPart[] }): Privacy {
  const { sql, clock, logger } = deps;
  let timer: NodeJS.Timeout | null = null;
  const retention = () => runRetention(deps);

  return {
    async getPolicy(tenantId) {
      const [row] = await sql.withTenant(tenantId, (tx) =>
        tx.query<{ message_retention_days: number | null; updated_at: string }>('SELECT message_retention_days, updated_at FROM data_policies WHERE tenant_id = $1', [tenantId]),
      );
      return { messageRetentionDays: row?.message_retention_days ?? null, updatedAt: row ? new Date(row.updated_at).toISOString() : null };
    },
    async putPolicy(tenantId, input): Promise<DataPolicy> {
      const updatedAt = clock.isoNow();
      await sql.withTenant(tenantId, (tx) =>
        tx.query(
          `INSERT INTO data_policies (tenant_id, message_retention_days, updated_at) VALUES ($1, $2, $3)
           ON CONFLICT (tenant_id) DO UPDATE SET message_retention_days = EXCLUDED.message_retention_days, updated_at = EXCLUDED.updated_at`,
          [tenantId, input.messageRetentionDays, updatedAt],
        ),
      );
      return { ...input, updatedAt };
    },
    runRetention: retention,
    start() {
      // Every instance may run it: the deletions are idempotent. The first run waits for nothing.
      void retention().catch((error: unknown) => logger.warn({ err: error }, 'privacy: retention run failed; retrying in an hour'));
      timer = setInterval(() => void retention().catch((error: unknown) => logger.warn({ err: error }, 'privacy: retention run failed; retrying in an hour')), EVERY_MS);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
