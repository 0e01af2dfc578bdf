import type { AnalyticsRecord } from './records.js';
import type { RawTable } from './migrations.js';

/**
 * One tenant's share of a batch, ready for the database: per table, the rows as one JSON array
 * (the insert's parameter, with the tenant). Encoded once, when the batch leaves the buffer; the Redis stream
 * carries the same text, so nothing is parsed and encoded again on the way to the table.
 */
export interface TenantBatch {
  tenantId: string;
  /** The months (`2024-05`) the rows fall in, so that their partitions exist before the insert. */
  months: string[];
  rows: Partial<Record<RawTable, string>>;
}

export function encodeBatches(records: readonly AnalyticsRecord[]): TenantBatch[] {
  const byTenant = new Map<string, { months: Set<string>; tables: Map<RawTable, unknown[]> }>();
  for (const { tenantId, table, row } of records) {
    let tenant = byTenant.get(tenantId);
    if (!tenant) byTenant.set(tenantId, (tenant = { months: new Set(), tables: new Map() }));
    tenant.months.add(row.time.slice(0, 7));
    const rows = tenant.tables.get(table);
    if (rows) rows.push(row);
    else tenant.tables.set(table, [row]);
  }
  return [...byTenant].map(([tenantId, { months, tables }]) => ({
    tenantId,
    months: [...months],
    rows: Object.fromEntries([...tables].map(([table, rows]) => [table, JSON.stringify(rows)])),
  }));
}
