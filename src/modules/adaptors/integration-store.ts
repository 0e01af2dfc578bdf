import { createHash } from 'node:crypto';
import { AppError } from '../../shared/app-error.js';
import type { Ids } from '../../shared/ids.js';
import type { Secrets } from '../security/contract.js';
import type { Sql, SqlExecutor } from '../storage/contract.js';
import { isUniqueViolation } from '../storage/index.js';
import type { DestinationCheck } from './check-destinations.js';
import type { CreateIntegrationInput, IntegrationInfo, UpdateIntegrationInput } from './contract.js';
import { hideUrlCredentials } from './hide-url-credentials.js';
import { checkSecretsStay } from './secret-binding.js';
import { type ValidDefinition, validateDefinition } from './validate-definition.js';

interface Row extends Record<string, unknown> {
  id: string;
  name: string;
  kind: string;
  description: string | null;
  config: Record<string, unknown>;
  secrets: string | null;
  secret_fields: string[];
  created_at: string;
  updated_at: string;
}

/** A row with its secrets opened, for the executor only: it never leaves the module. */
export interface StoredIntegration {
  id: string;
  name: string;
  kind: string;
  config: Record<string, unknown>;
  secrets: Record<string, string>;
  /** Changes whenever config or secrets change, so cached live clients are rebuilt. */
  version: string;
}

/** Names that built-in integrations use. */
export const RESERVED_NAMES = ['echo'];

const toInfo = (row: Row): IntegrationInfo => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  description: row.description,
  config: hideUrlCredentials(row.config) as Record<string, unknown>,
  secretsSet: row.secret_fields,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const notFound = (id: string) => new AppError('not_found', `No integration with id '${id}' in this workspace.`);

export interface IntegrationStoreDeps {
  sql: Sql;
  ids: Ids;
  secrets: Secrets;
  stdioCommands: readonly string[];
  /** The SSRF and no-credentials-in-URL rules, applied before anything is saved. */
  checkDestinations: DestinationCheck;
}

export function createIntegrationStore(deps: IntegrationStoreDeps) {
  const { sql, ids } = deps;
  const context = (tenantId: string, id: string) => `${tenantId}:integration:${id}`;
  const seal = (tenantId: string, id: string, secrets: Record<string, string>) =>
    Object.keys(secrets).length === 0 ? null : deps.secrets.encrypt(JSON.stringify(secrets), context(tenantId, id));
  const open = (tenantId: string, row: Row): Record<string, string> =>
    row.secrets ? (JSON.parse(deps.secrets.decrypt(row.secrets, context(tenantId, row.id))) as Record<string, string>) : {};

  function checkName(name: string): void {
    if (RESERVED_NAMES.includes(name)) throw new AppError('conflict', `'${name}' is a built-in integration; choose another name.`);
  }

  async function write<T>(name: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('conflict', `An integration named '${name}' already exists in this workspace.`);
      throw error;
    }
  }

  const checkTargets = (valid: ValidDefinition) => deps.checkDestinations(valid.kind.destinations(valid.config));

  async function getRow(tx: SqlExecutor, tenantId: string, id: string, lock = false): Promise<Row> {
    const [row] = await tx.query<Row>(`SELECT * FROM integrations WHERE tenant_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`, [tenantId, id]);
    if (!row) throw notFound(id);
    return row;
  }

  return {
    async create(tenantId: string, input: CreateIntegrationInput): Promise<IntegrationInfo> {
      checkName(input.name);
      const secrets = Object.fromEntries(Object.entries(input.secrets ?? {}).filter((e): e is [string, string] => e[1] !== null));
      const valid = validateDefinition(input.kind, { config: input.config, secrets }, deps);
      await checkTargets(valid);
      const id = `int_${ids.token(9)}`;
      return write(input.name, () =>
        sql.withTenant(tenantId, async (tx) => {
          const [row] = await tx.query<Row>(
            `INSERT INTO integrations (id, tenant_id, name, kind, description, config, secrets, secret_fields)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
            [id, tenantId, input.name, valid.kind.id, input.description ?? null, JSON.stringify(valid.config), seal(tenantId, id, secrets), JSON.stringify(Object.keys(secrets).sort())],
          );
          return toInfo(row!);
        }),
      );
    },

    async list(tenantId: string): Promise<IntegrationInfo[]> {
      const rows = await sql.withTenant(tenantId, (tx) => tx.query<Row>('SELECT * FROM integrations WHERE tenant_id = $1 ORDER BY name', [tenantId]));
      return rows.map(toInfo);
    },

    async get(tenantId: string, id: string): Promise<IntegrationInfo> {
      return toInfo(await sql.withTenant(tenantId, (tx) => getRow(tx, tenantId, id)));
    },

    async update(tenantId: string, id: string, input: UpdateIntegrationInput): Promise<IntegrationInfo> {
      if (input.name) checkName(input.name);
      return write(input.name ?? '', () =>
        sql.withTenant(tenantId, async (tx) => {
          const row = await getRow(tx, tenantId, id, true);
          const secrets = { ...open(tenantId, row) };
          for (const [key, value] of Object.entries(input.secrets ?? {})) {
            if (value === null) delete secrets[key];
            else secrets[key] = value;
          }
          const valid = validateDefinition(row.kind, { config: input.config ?? row.config, secrets }, deps);
          const kept = Object.keys(secrets).filter((key) => input.secrets?.[key] === undefined);
          checkSecretsStay(valid.kind, { before: row.config, after: valid.config, kept });
          await checkTargets(valid);
          const description = input.description === undefined ? row.description : input.description;
          const [updated] = await tx.query<Row>(
            `UPDATE integrations SET name = $3, description = $4, config = $5, secrets = $6, secret_fields = $7, updated_at = clock_timestamp()
             WHERE tenant_id = $1 AND id = $2 RETURNING *`,
            [tenantId, id, input.name ?? row.name, description, JSON.stringify(valid.config), seal(tenantId, id, secrets), JSON.stringify(Object.keys(secrets).sort())],
          );
          return toInfo(updated!);
        }),
      );
    },

    async remove(tenantId: string, id: string): Promise<void> {
      const rows = await sql.withTenant(tenantId, (tx) => tx.query('DELETE FROM integrations WHERE tenant_id = $1 AND id = $2 RETURNING id', [tenantId, id]));
      if (rows.length === 0) throw notFound(id);
    },

    async names(tenantId: string): Promise<string[]> {
      const rows = await sql.withTenant(tenantId, (tx) => tx.query<{ name: string }>('SELECT name FROM integrations WHERE tenant_id = $1 ORDER BY name', [tenantId]));
      return rows.map((r) => r.name);
    },

    /** For execution: by name (what flows use) or by id (what the API uses); null when absent. */
    async load(tenantId: string, by: { name: string } | { id: string }): Promise<StoredIntegration | null> {
      const [column, value] = 'name' in by ? ['name', by.name] : ['id', by.id];
      const [row] = await sql.withTenant(tenantId, (tx) => tx.query<Row>(`SELECT * FROM integrations WHERE tenant_id = $1 AND ${column} = $2`, [tenantId, value]));
      if (!row) return null;
      const version = createHash('sha256').update(`${row.updated_at}\n${row.kind}\n${JSON.stringify(row.config)}\n${row.secrets ?? ''}`).digest('base64url');
      return { id: row.id, name: row.name, kind: row.kind, config: row.config, secrets: open(tenantId, row), version };
    },
  };
}

export type IntegrationStore = ReturnType<typeof createIntegrationStore>;
