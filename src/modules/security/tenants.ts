import { AppError } from '../../shared/app-error.js';
import type { Ids } from '../../shared/ids.js';
import type { SqlExecutor } from '../storage/contract.js';
import { isUniqueViolation } from '../storage/index.js';
import type { CreateTenantInput, Tenant } from './contract.js';

interface TenantRow extends Record<string, unknown> {
  id: string;
  slug: string;
  name: string;
  status: Tenant['status'];
  widget_key: string;
  created_at: string;
}

const toTenant = (row: TenantRow): Tenant => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  status: row.status,
  widgetKey: row.widget_key,
  createdAt: row.created_at,
});

export function createTenantStore(deps: { sql: SqlExecutor; ids: Ids }) {
  const { sql, ids } = deps;
  return {
    async create(input: CreateTenantInput): Promise<Tenant> {
      try {
        const [row] = await sql.query<TenantRow>(
          'INSERT INTO tenants (id, slug, name, widget_key) VALUES ($1, $2, $3, $4) RETURNING *',
          [ids.uuid(), input.slug, input.name, `wk_${ids.token(18)}`],
        );
        return toTenant(row!);
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new AppError('conflict', `A tenant with slug '${input.slug}' already exists.`);
        }
        throw error;
      }
    },
    async get(tenantId: string): Promise<Tenant | null> {
      const [row] = await sql.query<TenantRow>('SELECT * FROM tenants WHERE id = $1', [tenantId]);
      return row ? toTenant(row) : null;
    },
    async getBySlug(slug: string): Promise<Tenant | null> {
      const [row] = await sql.query<TenantRow>('SELECT * FROM tenants WHERE slug = $1', [slug]);
      return row ? toTenant(row) : null;
    },
    async getByWidgetKey(widgetKey: string): Promise<Tenant | null> {
      const [row] = await sql.query<TenantRow>(
        `SELECT * FROM tenants WHERE widget_key = $1 AND status = 'active'`,
        [widgetKey],
      );
      return row ? toTenant(row) : null;
    },
  };
}
