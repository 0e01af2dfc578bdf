import { AppError } from '../../shared/app-error.js';
import type { Ids } from '../../shared/ids.js';
import type { Sql } from '../storage/contract.js';
import { isUniqueViolation } from '../storage/index.js';
import type { CreateTenantInput, Tenant, UpdateTenantInput } from './contract.js';

interface TenantRow extends Record<string, unknown> {
  id: string;
  slug: string;
  name: string;
  status: Tenant['status'];
  widget_key: string;
  settings: { dailyMessageQuota?: number };
  created_at: string;
}

const toTenant = (row: TenantRow): Tenant => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  status: row.status,
  widgetKey: row.widget_key,
  dailyMessageQuota: row.settings.dailyMessageQuota ?? 0,
  createdAt: row.created_at,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const notFound = (tenantId: string) => new AppError('not_found', `No tenant with id '${tenantId}'.`);

/** Tenants are platform data: these queries run as the platform, not inside a tenant scope. */
export function createTenantStore(deps: { sql: Sql; ids: Ids }) {
  const { sql, ids } = deps;

  async function get(tenantId: string): Promise<Tenant | null> {
    if (!UUID.test(tenantId)) return null;
    const [row] = await sql.query<TenantRow>('SELECT * FROM tenants WHERE id = $1', [tenantId]);
    return row ? toTenant(row) : null;
  }

  return {
    get,
    async create(input: CreateTenantInput): Promise<Tenant> {
      try {
        const [row] = await sql.query<TenantRow>(
          'INSERT INTO tenants (id, slug, name, widget_key) VALUES ($1, $2, $3, $4) RETURNING *',
          [ids.uuid(), input.slug, input.name, `wk_${ids.token(18)}`],
        );
        return toTenant(row!);
      } catch (error) {
        if (isUniqueViolation(error)) throw new AppError('conflict', `A tenant with slug '${input.slug}' already exists.`);
        throw error;
      }
    },
    async list(): Promise<Tenant[]> {
      return (await sql.query<TenantRow>(`SELECT * FROM tenants ORDER BY created_at, slug`)).map(toTenant);
    },
    async update(tenantId: string, input: UpdateTenantInput): Promise<Tenant> {
      if (!UUID.test(tenantId)) throw notFound(tenantId);
      const settings = input.dailyMessageQuota === undefined ? {} : { dailyMessageQuota: input.dailyMessageQuota };
      const [row] = await sql.query<TenantRow>(
        `UPDATE tenants SET name = coalesce($2, name), status = coalesce($3, status), settings = settings || $4::jsonb
         WHERE id = $1 RETURNING *`,
        [tenantId, input.name ?? null, input.status ?? null, JSON.stringify(settings)],
      );
      if (!row) throw notFound(tenantId);
      return toTenant(row);
    },
    /** Deletes the tenant with all of its data through `purge`, every module's share (the tenant row included). */
    async remove(tenantId: string, purge: (tenantId: string) => Promise<void>): Promise<void> {
      if (!(await get(tenantId))) throw notFound(tenantId);
      await purge(tenantId);
    },
    async getBySlug(slug: string): Promise<Tenant | null> {
      const [row] = await sql.query<TenantRow>('SELECT * FROM tenants WHERE slug = $1', [slug]);
      return row ? toTenant(row) : null;
    },
    async getByWidgetKey(widgetKey: string): Promise<Tenant | null> {
      const [row] = await sql.query<TenantRow>(`SELECT * FROM tenants WHERE widget_key = $1 AND status = 'active'`, [widgetKey]);
      return row ? toTenant(row) : null;
    },
  };
}

export type TenantStore = ReturnType<typeof createTenantStore>;
