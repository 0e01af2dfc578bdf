import { z } from 'zod';
import { AppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import { readThroughCache } from '../../shared/read-through-cache.js';
import type { Secrets } from '../security/contract.js';
import type { Sql } from '../storage/contract.js';
import { type ModelRouting, modelRoutingSchema, PROVIDER_KINDS, type ProviderInput } from './settings-contract.js';

const storedProviderSchema = z.object({
  kind: z.enum(PROVIDER_KINDS),
  baseUrl: z.string().nullable(),
  /** Sealed with Secrets under `{tenant}:models:{name}`. */
  apiKey: z.string().nullable(),
  apiKeyHint: z.string().nullable(),
});
export type StoredProvider = z.infer<typeof storedProviderSchema>;

export interface StoredSettings {
  providers: Record<string, StoredProvider>;
  routing: ModelRouting;
  updatedAt: string | null;
}

const EMPTY: StoredSettings = { providers: {}, routing: {}, updatedAt: null };
// Other instances see a change within this long; this instance sees it at once.
const CACHE_MS = 5_000;
const HINT_MIN_LENGTH = 12;

export const keyContext = (tenantId: string, provider: string): string => `${tenantId}:models:${provider}`;

/** The visible tail of a key, only for keys long enough that four characters give nothing away. */
export const keyHint = (key: string): string | null => (key.length >= HINT_MIN_LENGTH ? key.slice(-4) : null);

/** The `model_settings` table: one row per tenant, provider keys sealed, read through a short cache. */
export function createSettingsStore(deps: { sql: Sql; secrets: Secrets; clock: Clock }) {
  const cache = readThroughCache<StoredSettings>({ max: 1000, ttlMs: CACHE_MS, clock: deps.clock, load: read });

  async function read(tenantId: string): Promise<StoredSettings> {
    const [row] = await deps.sql.queryAsTenant<{ providers: unknown; routing: unknown; updated_at: string }>(
      tenantId,
      'SELECT providers, routing, updated_at FROM model_settings WHERE tenant_id = $1',
      [tenantId],
    );
    if (!row) return EMPTY;
    return {
      providers: z.record(z.string(), storedProviderSchema).parse(row.providers),
      routing: modelRoutingSchema.parse(row.routing),
      updatedAt: row.updated_at,
    };
  }

  async function load(tenantId: string): Promise<StoredSettings> {
    return (await cache.fetch(tenantId)) ?? EMPTY;
  }

  /** Seals new keys, keeps stored ones the input omits, drops those it sets to null. */
  function merge(tenantId: string, current: StoredSettings, providers: Record<string, ProviderInput>): Record<string, StoredProvider> {
    const merged: Record<string, StoredProvider> = {};
    for (const [name, input] of Object.entries(providers)) {
      const previous = current.providers[name];
      const sealed =
        input.apiKey === undefined
          ? { apiKey: previous?.apiKey ?? null, apiKeyHint: previous?.apiKeyHint ?? null }
          : input.apiKey === null
            ? { apiKey: null, apiKeyHint: null }
            : { apiKey: deps.secrets.encrypt(input.apiKey, keyContext(tenantId, name)), apiKeyHint: keyHint(input.apiKey) };
      merged[name] = { kind: input.kind, baseUrl: input.baseUrl ?? null, ...sealed };
    }
    return merged;
  }

  return {
    load,
    merge,
    async save(tenantId: string, settings: Omit<StoredSettings, 'updatedAt'>): Promise<StoredSettings> {
      const rows = await deps.sql.withTenant(tenantId, (tx) =>
        tx.query<{ updated_at: string }>(
          `INSERT INTO model_settings (tenant_id, providers, routing, updated_at) VALUES ($1, $2, $3, now())
           ON CONFLICT (tenant_id) DO UPDATE SET providers = EXCLUDED.providers, routing = EXCLUDED.routing, updated_at = now()
           RETURNING updated_at`,
          [tenantId, JSON.stringify(settings.providers), JSON.stringify(settings.routing)],
        ),
      );
      const saved = { ...settings, updatedAt: rows[0]?.updated_at ?? null };
      cache.set(tenantId, saved);
      return saved;
    },
    decryptKey(tenantId: string, name: string, provider: StoredProvider): string | null {
      return provider.apiKey ? deps.secrets.decrypt(provider.apiKey, keyContext(tenantId, name)) : null;
    },
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;

/** Without storage there are no tenant settings: every tenant uses the installation's. */
export const noSettingsStore: SettingsStore = {
  load: async () => EMPTY,
  merge: () => ({}),
  save: async () => {
    throw new AppError('unavailable', 'Model settings need storage; this process runs the offline models only.');
  },
  decryptKey: () => null,
};
