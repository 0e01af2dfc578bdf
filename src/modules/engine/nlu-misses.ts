import type { IntentScore, NluMiss } from '../models/contract.js';
import type { Sql } from '../storage/contract.js';
import type { NluMissQuery } from './contract.js';

interface MissRow extends Record<string, unknown> {
  turn_id: string;
  conversation_id: string;
  flow_id: string;
  created_at: string;
  event: { name: string | null; confidence: number | null; alternatives?: IntentScore[]; text: string };
}

/**
 * Messages the NLU was unsure about, newest first, read from the turn traces' `intent` events
 * (those that carry the message's text). Postbacks are never misses.
 */
export async function findNluMisses(sql: Sql, tenantId: string, query: NluMissQuery & { since: string }): Promise<NluMiss[]> {
  const rows = await sql.withTenant(tenantId, (tx) =>
    tx.query<MissRow>(
      `SELECT t.id AS turn_id, t.conversation_id, t.flow_id, t.created_at, e.value AS event
       FROM turn_traces t CROSS JOIN LATERAL jsonb_array_elements(t.trace) AS e(value)
       WHERE t.tenant_id = $1 AND t.created_at >= $2
         AND e.value->>'type' = 'intent' AND e.value ? 'text' AND e.value->>'provider' <> 'postback'
         AND (coalesce(e.value->>'name', 'fallback') = 'fallback' OR coalesce((e.value->>'confidence')::float8, 0) < $3)
       ORDER BY t.created_at DESC, t.id LIMIT $4`,
      [tenantId, query.since, query.maxConfidence, query.limit],
    ),
  );
  return rows.map((row) => ({
    turnId: row.turn_id,
    conversationId: row.conversation_id,
    flowId: row.flow_id,
    text: row.event.text,
    intent: row.event.name ?? 'fallback',
    confidence: row.event.confidence,
    alternatives: row.event.alternatives ?? [],
    at: row.created_at,
  }));
}
