import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { PersonDataPart } from '../../shared/person-data.js';
import type { Sql } from '../storage/contract.js';
import type { RetentionReport } from './contract.js';

const DAY_MS = 86_400_000;

/**
 * Expires what workspaces keep no longer: for each with a retention, every module deletes its
 * rows whose last activity is older. Platform work across tenants (it reads every policy), so the
 * policies are read as the tables' owner; each module's deletion runs in its tenant's scope.
 */
export async function runRetention(deps: { sql: Sql; clock: Clock; logger: Logger; parts: readonly PersonDataPart[] }): Promise<RetentionReport> {
  const policies = await deps.sql.query<{ tenant_id: string; message_retention_days: number }>(
    'SELECT tenant_id, message_retention_days FROM data_policies WHERE message_retention_days IS NOT NULL ORDER BY tenant_id',
  );
  const report: RetentionReport = {};
  for (const policy of policies) {
    const before = new Date(deps.clock.now() - policy.message_retention_days * DAY_MS).toISOString();
    const deleted: Record<string, number> = {};
    for (const part of deps.parts) {
      if (!part.expire) continue;
      for (const [kind, n] of Object.entries(await part.expire(policy.tenant_id, before))) if (n > 0) deleted[`${part.module}.${kind}`] = n;
    }
    if (Object.keys(deleted).length > 0) {
      report[policy.tenant_id] = deleted;
      deps.logger.info({ tenantId: policy.tenant_id, before, deleted }, 'privacy: expired data past the workspace retention');
    }
  }
  return report;
}
