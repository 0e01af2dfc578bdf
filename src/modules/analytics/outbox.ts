import type { SqlExecutor } from '../storage/contract.js';
import type { EncodedRecord, TenantBatch } from './tenant-batches.js';

/**
 * The analytics outbox: records are staged by the transaction that produced them (a turn's, or an
 * API request's), so they are stored exactly when that commits; the relay moves them to the tables.
 */
const STAGE_ONE = `INSERT INTO analytics_outbox (tenant_id, kind, months, payload) VALUES ($1::uuid, $2, string_to_array($3, ','), $4)`;
/**
 * Several records in one statement, as one JSON array whose payloads are the records' own JSON
 * spliced in (no second escaping); `json` keeps a value's text as written, so each payload is
 * stored exactly as encoded.
 */
const STAGE_MANY = `INSERT INTO analytics_outbox (tenant_id, kind, months, payload)
  SELECT $1::uuid, x->>'k', string_to_array(x->>'m', ','), (x->'p')::text FROM json_array_elements($2::json) AS x`;

/** Stages one tenant's records in `tx`, a transaction in that tenant's scope (row-level security checks the tenant). */
export async function stage(tx: SqlExecutor, tenantId: string, records: readonly EncodedRecord[]): Promise<void> {
  const [first] = records;
  if (!first) return;
  if (records.length === 1) {
    await tx.query(STAGE_ONE, [tenantId, first.kind, first.months.join(','), first.json]);
    return;
  }
  const elements = records.map((r) => `{"k":"${r.kind}","m":"${r.months.join(',')}","p":${r.json}}`);
  await tx.query(STAGE_MANY, [tenantId, `[${elements.join(',')}]`]);
}

/**
 * Takes the oldest records no other relay holds (SKIP LOCKED) and deletes them, in the caller's
 * transaction: if storing them fails or the process dies, the delete rolls back with it and the
 * records are taken again. They come back grouped by tenant and kind, each group already one JSON
 * array, as the store's inserts take them.
 */
const TAKE = `WITH taken AS (
    DELETE FROM analytics_outbox
     WHERE seq IN (SELECT seq FROM analytics_outbox ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED)
    RETURNING seq, tenant_id, kind, months, payload
  )
  SELECT tenant_id::text AS tenant_id, kind, string_agg(array_to_string(months, ','), ',') AS months,
         '[' || string_agg(payload, ',' ORDER BY seq) || ']' AS json, count(*)::int AS n
    FROM taken GROUP BY tenant_id, kind`;

type TakenRow = { tenant_id: string; kind: EncodedRecord['kind']; months: string; json: string; n: number };

/** Takes up to `limit` records; returns them as tenant batches and how many records they hold. */
export async function take(tx: SqlExecutor, limit: number): Promise<{ batches: TenantBatch[]; count: number }> {
  const byTenant = new Map<string, TenantBatch>();
  let count = 0;
  for (const row of await tx.query<TakenRow>(TAKE, [limit])) {
    let batch = byTenant.get(row.tenant_id);
    if (!batch) byTenant.set(row.tenant_id, (batch = { tenantId: row.tenant_id, months: [] }));
    batch.months = [...new Set([...batch.months, ...row.months.split(',')])];
    batch[row.kind === 'turn' ? 'turns' : 'metrics'] = row.json;
    count += row.n;
  }
  return { batches: [...byTenant.values()], count };
}

const SET_ASIDE = 'INSERT INTO analytics_outbox_refused (tenant_id, kind, months, payload, error) VALUES ($1, $2, $3, $4, $5)';

/** Keeps a batch of one record that the tables refused, with the reason, in place of storing it. */
export async function setAside(tx: SqlExecutor, batch: TenantBatch, reason: string): Promise<void> {
  const [kind, json] = batch.turns !== undefined ? ['turn', batch.turns] : ['metric', batch.metrics ?? '[]'];
  await tx.query(SET_ASIDE, [batch.tenantId, kind, batch.months, json.slice(1, -1), reason]);
}

/** Records staged up to now (all tenants); a platform query, for the backlog gauge. */
export const BACKLOG = 'SELECT count(*)::int AS n FROM analytics_outbox';
/** The newest record staged so far, for `flush`. */
export const NEWEST = 'SELECT max(seq) AS seq FROM analytics_outbox';
export const ANY_UP_TO = 'SELECT 1 AS found FROM analytics_outbox WHERE seq <= $1 LIMIT 1';
