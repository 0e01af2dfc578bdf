import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { PersonDataPart } from '../../shared/person-data.js';
import { readThroughCache } from '../../shared/read-through-cache.js';
import type { Sql } from '../storage/contract.js';
import type { DataPolicy, Privacy, Redactor } from './contract.js';
import { redactValue } from './redact.js';
import { runRetention } from './retention.js';

export * from './contract.js';
export { privacyMigrations } from './migrations.js';
export { privacyTenantData } from './tenant-data.js';

const EVERY_MS = 60 * 60_000;
/** How long an instance trusts the redaction setting it read: a change made on another instance applies within this. */
const SETTING_TTL_MS = 10_000;

type PolicyRow = {
  message_retention_days: number | null;
  redact_personal_data: boolean;
  updated_at: string;
};

export function createPrivacy(deps: { sql: Sql; clock: Clock; logger: Logger; parts: readonly PersonDataPart[] }): Privacy {
  const { sql, clock, logger } = deps;
  let timer: NodeJS.Timeout | null = null;
  const retention = () => runRetention(deps);
  async function readPolicy(tenantId: string): Promise<DataPolicy> {
    const [row] = await sql.queryAsTenant<PolicyRow>(tenantId, 'SELECT message_retention_days, redact_personal_data, updated_at FROM data_policies WHERE tenant_id = $1', [tenantId]);
    return {
      messageRetentionDays: row?.message_retention_days ?? null,
      redactPersonalData: row?.redact_personal_data ?? false,
      updatedAt: row ? new Date(row.updated_at).toISOString() : null,
    };
  }

  // Asked before every stored message and trace: one read per workspace per SETTING_TTL_MS at most.
  const redacting = readThroughCache<{ on: boolean }>({
    max: 10_000,
    ttlMs: SETTING_TTL_MS,
    clock,
    load: async (tenantId) => ({ on: (await readPolicy(tenantId)).redactPersonalData }),
  });

  async function getPolicy(tenantId: string): Promise<DataPolicy> {
    const policy = await readPolicy(tenantId);
    redacting.set(tenantId, { on: policy.redactPersonalData });
    return policy;
  }

  return {
    getPolicy,
    async putPolicy(tenantId, input): Promise<DataPolicy> {
      const updatedAt = clock.isoNow();
      const redact = input.redactPersonalData ?? false;
      await sql.withTenant(tenantId, (tx) =>
        tx.query(
          `INSERT INTO data_policies (tenant_id, message_retention_days, redact_personal_data, updated_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (tenant_id) DO UPDATE SET message_retention_days = EXCLUDED.message_retention_days,
             redact_personal_data = EXCLUDED.redact_personal_data, updated_at = EXCLUDED.updated_at`,
          [tenantId, input.messageRetentionDays, redact, updatedAt],
        ),
      );
      redacting.set(tenantId, { on: redact });
      return { messageRetentionDays: input.messageRetentionDays, redactPersonalData: redact, updatedAt };
    },
    async redactorFor(tenantId): Promise<Redactor | null> {
      return (await redacting.fetch(tenantId))?.on ? redactValue : null;
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
