import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { Sql } from '../storage/contract.js';
import type { AuditEntry, AuditQuery, AuditRecord, Principal, RequestOrigin } from './contract.js';

interface AuditRow extends Record<string, unknown> {
  id: string;
  at: string;
  actor_type: AuditRecord['actorType'];
  actor_id: string | null;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  user_agent: string | null;
}

const actorId = (actor: Principal | null): string | null =>
  !actor ? null : actor.kind === 'api_key' ? actor.keyId : actor.kind === 'user' ? actor.userId : 'platform';

/** Who did what, when and from where: one append-only table, queried per tenant. */
export function createAuditLog(deps: { sql: Sql; ids: Ids; clock: Clock }) {
  const { sql, ids, clock } = deps;
  return {
    async record(tenantId: string, actor: Principal | null, entry: AuditEntry, origin: RequestOrigin = {}): Promise<void> {
      await sql.withTenant(tenantId, (tx) =>
        tx.query(
          `INSERT INTO audit_log (id, tenant_id, at, actor_type, actor_id, action, target, details, ip, user_agent)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [ids.uuid(), tenantId, clock.isoNow(), actor?.kind ?? 'system', actorId(actor), entry.action, entry.target ?? null, JSON.stringify(entry.details ?? {}), origin.ip ?? null, origin.userAgent?.slice(0, 300) ?? null],
        ),
      );
    },

    async list(tenantId: string, query: AuditQuery): Promise<AuditRecord[]> {
      const rows = await sql.withTenant(tenantId, (tx) =>
        tx.query<AuditRow>(
          `SELECT * FROM audit_log WHERE tenant_id = $1
             AND ($2::text IS NULL OR action = $2 OR action LIKE $2 || '.%')
             AND ($3::text IS NULL OR actor_id = $3)
             AND ($4::timestamptz IS NULL OR at >= $4) AND ($5::timestamptz IS NULL OR at < $5)
           ORDER BY at DESC LIMIT $6`,
          [tenantId, query.action ?? null, query.actor ?? null, query.from ?? null, query.to ?? null, query.limit],
        ),
      );
      return rows.map((r) => ({
        id: r.id,
        at: r.at,
        actorType: r.actor_type,
        actorId: r.actor_id,
        action: r.action,
        target: r.target ?? undefined,
        details: r.details,
        ip: r.ip,
        userAgent: r.user_agent,
      }));
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
