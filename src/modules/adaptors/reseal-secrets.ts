import { resealed, type SecretHolder, type Secrets } from '../security/index.js';
import type { Sql } from '../storage/contract.js';

/** Re-seals every integration's credentials under the current master key (an operator task across tenants). */
export function integrationSecretHolder(deps: { sql: Sql; secrets: Secrets }): SecretHolder {
  return {
    module: 'adaptors',
    async reseal() {
      const rows = await deps.sql.query<{ id: string; tenant_id: string; secrets: string }>('SELECT id, tenant_id, secrets FROM integrations WHERE secrets IS NOT NULL');
      let count = 0;
      for (const row of rows) {
        const next = resealed(deps.secrets, row.secrets, `${row.tenant_id}:integration:${row.id}`);
        if (!next) continue;
        await deps.sql.query('UPDATE integrations SET secrets = $3 WHERE tenant_id = $1 AND id = $2', [row.tenant_id, row.id, next]);
        count += 1;
      }
      return count;
    },
    async samples() {
      const rows = await deps.sql.query<{ id: string; tenant_id: string; secrets: string }>(
        "SELECT DISTINCT ON (split_part(secrets, '.', 2)) id, tenant_id, secrets FROM integrations WHERE secrets IS NOT NULL",
      );
      return rows.map((row) => ({ ciphertext: row.secrets, context: `${row.tenant_id}:integration:${row.id}` }));
    },
  };
}
