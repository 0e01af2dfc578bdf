import { z } from 'zod';
import { AppError } from '../../shared/app-error.js';
import type { Secrets } from '../security/contract.js';
import type { Sql } from '../storage/contract.js';
import { type AccountSecrets, accountSecretPaths, joinAccountSecrets, splitAccountSecrets, withStoredAccountSecrets } from './account-secrets.js';
import { type ChannelCaps, type ChannelDefinition, type ChannelInstance, channelSettingsSchema, secretFieldsOf } from './channels/define-channel.js';
import { channelDefinition } from './channels/registry.js';
import type { ChannelConfigInput, ChannelConfigView, ChannelId } from './contract.js';

interface ConfigRow extends Record<string, unknown> {
  channel: ChannelId;
  enabled: boolean;
  settings: Record<string, unknown>;
  secrets: string | null;
  updated_at: string;
}

/** Where the sealed JSON keeps per-account credentials, next to the channel's own secret fields. */
const ACCOUNT_SECRETS = 'accountSecrets';

interface Sealed {
  fields: Record<string, unknown>;
  accounts: AccountSecrets;
}

const pick = (source: Record<string, unknown>, keys: readonly string[], keep: boolean) =>
  Object.fromEntries(Object.entries(source).filter(([k]) => keys.includes(k) === keep));

/** A base URL field's production default, read from the channel's own schema. */
function defaultOf(definition: ChannelDefinition, field: string): unknown {
  return (definition.configSchema.shape as Record<string, z.ZodType>)[field]?.safeParse(undefined).data;
}

/**
 * Per-tenant channel settings. Credentials (each channel's `secretsSchema`, and each account's in
 * its `accountList`) are sealed with the tenant and channel as context and never leave this file
 * in clear except to build an instance.
 */
export function createChannelConfigs(deps: { sql: Sql; secrets: Secrets; caps: ChannelCaps; allowBaseUrlOverride: boolean }) {
  const { sql, secrets } = deps;
  const context = (tenantId: string, channel: ChannelId) => `${tenantId}:channel:${channel}`;

  const toView = (row: ConfigRow, sealed: Sealed): ChannelConfigView => ({
    channel: row.channel,
    enabled: row.enabled,
    config: row.settings,
    secretsSet: [...Object.keys(sealed.fields), ...accountSecretPaths(channelDefinition(row.channel).accountList, sealed.accounts)],
    webhookPath: channelDefinition(row.channel).capabilities.webhook === 'none' ? null : `/v1/channels/{tenantSlug}/${row.channel}`,
    updatedAt: row.updated_at,
  });

  async function loadRow(tenantId: string, channel: ChannelId): Promise<ConfigRow | null> {
    const [row] = await sql.withTenant(tenantId, (tx) =>
      tx.query<ConfigRow>('SELECT channel, enabled, settings, secrets, updated_at FROM channel_configs WHERE tenant_id = $1 AND channel = $2', [tenantId, channel]),
    );
    return row ?? null;
  }

  function openSecrets(tenantId: string, row: ConfigRow): Sealed {
    const all = row.secrets ? (JSON.parse(secrets.decrypt(row.secrets, context(tenantId, row.channel))) as Record<string, unknown>) : {};
    const { [ACCOUNT_SECRETS]: accounts, ...fields } = all;
    return { fields, accounts: (accounts ?? {}) as AccountSecrets };
  }

  /** The stored settings with every credential put back: what the channel's schema reads. */
  function fullConfig(tenantId: string, row: ConfigRow): Record<string, unknown> {
    const sealed = openSecrets(tenantId, row);
    return joinAccountSecrets(channelDefinition(row.channel).accountList, { ...row.settings, ...sealed.fields }, sealed.accounts);
  }

  function validate(definition: ChannelDefinition, config: Record<string, unknown>): Record<string, unknown> {
    const parsed = channelSettingsSchema(definition).safeParse(config);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: ['config', ...i.path.map(String)].join('.'), message: i.message }));
      throw new AppError('bad_request', `Invalid ${definition.id} settings: ${issues[0]?.path}: ${issues[0]?.message}.`, { details: { issues } });
    }
    const value = parsed.data as Record<string, unknown>;
    for (const field of definition.baseUrlFields) {
      // A tenant must not point our server at arbitrary hosts (SSRF); operators may allow it (tests, proxies).
      if (!deps.allowBaseUrlOverride && value[field] !== defaultOf(definition, field)) {
        throw new AppError('bad_request', `config.${field} cannot be changed on this server (set MCP_CHANNEL_BASE_URL_OVERRIDE=true to allow it).`);
      }
    }
    return value;
  }

  return {
    async list(tenantId: string): Promise<ChannelConfigView[]> {
      const rows = await sql.withTenant(tenantId, (tx) =>
        tx.query<ConfigRow>('SELECT channel, enabled, settings, secrets, updated_at FROM channel_configs WHERE tenant_id = $1 ORDER BY channel', [tenantId]),
      );
      return rows.map((row) => toView(row, openSecrets(tenantId, row)));
    },

    async get(tenantId: string, channel: ChannelId): Promise<ChannelConfigView> {
      const row = await loadRow(tenantId, channel);
      if (!row) throw new AppError('not_found', `The ${channel} channel is not configured in this workspace.`);
      return toView(row, openSecrets(tenantId, row));
    },

    /** Replaces the settings; credentials left out keep their stored values. */
    async put(tenantId: string, channel: ChannelId, input: ChannelConfigInput, now: string): Promise<ChannelConfigView> {
      const definition = channelDefinition(channel);
      const existing = await loadRow(tenantId, channel);
      const kept: Sealed = existing ? openSecrets(tenantId, existing) : { fields: {}, accounts: {} };
      const list = definition.accountList;
      const validated = validate(definition, { ...kept.fields, ...withStoredAccountSecrets(list, input.config, kept.accounts) });
      const { config, secrets: accounts } = splitAccountSecrets(list, validated);
      const sealed: Sealed = { fields: pick(config, secretFieldsOf(definition), true), accounts };
      const settings = pick(config, secretFieldsOf(definition), false);
      const blob = { ...sealed.fields, ...(Object.keys(accounts).length > 0 ? { [ACCOUNT_SECRETS]: accounts } : {}) };
      const ciphertext = Object.keys(blob).length > 0 ? secrets.encrypt(JSON.stringify(blob), context(tenantId, channel)) : null;
      const [row] = await sql.withTenant(tenantId, (tx) =>
        tx.query<ConfigRow>(
          `INSERT INTO channel_configs (tenant_id, channel, enabled, settings, secrets, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (tenant_id, channel) DO UPDATE SET enabled = EXCLUDED.enabled, settings = EXCLUDED.settings, secrets = EXCLUDED.secrets, updated_at = EXCLUDED.updated_at
           RETURNING channel, enabled, settings, secrets, updated_at`,
          [tenantId, channel, input.enabled, JSON.stringify(settings), ciphertext, now],
        ),
      );
      return toView(row!, sealed);
    },

    async remove(tenantId: string, channel: ChannelId): Promise<void> {
      const rows = await sql.withTenant(tenantId, (tx) => tx.query('DELETE FROM channel_configs WHERE tenant_id = $1 AND channel = $2 RETURNING channel', [tenantId, channel]));
      if (rows.length === 0) throw new AppError('not_found', `The ${channel} channel is not configured in this workspace.`);
    },

    /** The channel's settings (web chat reads its allowed origins); null when not configured. */
    async settings(tenantId: string, channel: ChannelId): Promise<{ enabled: boolean; config: Record<string, unknown> } | null> {
      const row = await loadRow(tenantId, channel);
      return row ? { enabled: row.enabled, config: fullConfig(tenantId, row) } : null;
    },

    /** A working connector for the tenant's enabled channel, or null. */
    async instance(tenantId: string, channel: ChannelId): Promise<ChannelInstance | null> {
      const row = await loadRow(tenantId, channel);
      if (!row?.enabled) return null;
      const definition = channelDefinition(channel);
      const config = channelSettingsSchema(definition).parse(fullConfig(tenantId, row));
      return definition.create(deps.caps, config);
    },
  };
}

export type ChannelConfigs = ReturnType<typeof createChannelConfigs>;
