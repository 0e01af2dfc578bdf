import { resealed, type SecretHolder, type Secrets } from '../security/index.js';
import type { Sql } from '../storage/contract.js';

/** Re-seals every channel's credentials under the current master key (an operator task across tenants). */
export function channelSecretHolder(deps: { sql: Sql; secrets: Secrets }): SecretHolder {
  return {
    module: 'chat',
    async reseal() {
      const rows = await deps.sql.query<{ tenant_id: string; channel: string; secrets: string }>('SELECT tenant_id, channel, secrets FROM channel_configs WHERE secrets IS NOT NULL');
      let count = 0;
      for (const row of rows) {
        const next = resealed(deps.secrets, row.secrets, `${row.tenant_id}:channel:${row.channel}`);
        if (!next) continue;
        await deps.sql.query('UPDATE channel_configs SET secrets = $3 WHERE tenant_id = $1 AND channel = $2', [row.tenant_id, row.channel, next]);
        count += 1;
      }
      return count;
    },
    async samples() {
      const rows = await deps.sql.query<{ tenant_id: string; channel: string; secrets: string }>(
        "SELECT DISTINCT ON (split_part(secrets, '.', 2)) tenant_id, channel, secrets FROM channel_configs WHERE secrets IS NOT NULL",
      );
      return rows.map((row) => ({ ciphertext: row.secrets, context: `${row.tenant_id}:channel:${row.channel}` }));
    },
  };
}
