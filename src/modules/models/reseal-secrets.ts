import { resealed, type SecretHolder, type Secrets } from '../security/index.js';
import type { Sql } from '../storage/contract.js';
import { keyContext } from './settings-store.js';

type Providers = Record<string, { apiKey?: string | null } & Record<string, unknown>>;

/** Re-seals every tenant's model provider keys under the current master key (an operator task across tenants). */
export function modelSecretHolder(deps: { sql: Sql; secrets: Secrets }): SecretHolder {
  return {
    module: 'models',
    async reseal() {
      const rows = await deps.sql.query<{ tenant_id: string; providers: Providers }>('SELECT tenant_id, providers FROM model_settings');
      let count = 0;
      for (const row of rows) {
        let changed = 0;
        const providers: Providers = {};
        for (const [name, provider] of Object.entries(row.providers)) {
          const next = provider.apiKey ? resealed(deps.secrets, provider.apiKey, keyContext(row.tenant_id, name)) : null;
          providers[name] = next ? { ...provider, apiKey: next } : provider;
          if (next) changed += 1;
        }
        if (changed === 0) continue;
        await deps.sql.query('UPDATE model_settings SET providers = $2 WHERE tenant_id = $1', [row.tenant_id, JSON.stringify(providers)]);
        count += changed;
      }
      return count;
    },
    async samples() {
      const rows = await deps.sql.query<{ tenant_id: string; name: string; api_key: string }>(
        `SELECT DISTINCT ON (split_part(p.value->>'apiKey', '.', 2)) m.tenant_id, p.key AS name, p.value->>'apiKey' AS api_key
           FROM model_settings m, jsonb_each(m.providers) p WHERE p.value->>'apiKey' IS NOT NULL`,
      );
      return rows.map((row) => ({ ciphertext: row.api_key, context: keyContext(row.tenant_id, row.name) }));
    },
  };
}
