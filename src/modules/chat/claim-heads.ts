/**
 * The claim shared by the inbox and the outbox: only the oldest pending row of each conversation
 * may go (order within a conversation); among those, due ones are locked with SKIP LOCKED so that
 * several instances share the work. Claiming counts the attempt and pushes `next_attempt_at` out by
 * a lease: a worker that dies mid-way leaves the row to be retried. It reads across tenants, as
 * platform work, and touches no payload but the claimed rows'.
 * Parameters: $1 now, $2 how many, $3 when the lease ends.
 */
export function claimHeadsSql(table: 'channel_inbox' | 'channel_outbox', returning: readonly string[]): string {
  return `
  WITH heads AS (
    SELECT DISTINCT ON (tenant_id, conversation_id) id
    FROM ${table} WHERE status = 'pending'
    ORDER BY tenant_id, conversation_id, seq
  ), due AS (
    SELECT q.id FROM ${table} q JOIN heads h ON h.id = q.id
    WHERE q.status = 'pending' AND q.next_attempt_at <= $1
    ORDER BY q.next_attempt_at LIMIT $2
    FOR UPDATE OF q SKIP LOCKED
  )
  UPDATE ${table} q SET attempts = q.attempts + 1, next_attempt_at = $3, updated_at = $1
  FROM due WHERE q.id = due.id
  RETURNING ${returning.map((c) => `q.${c}`).join(', ')}`;
}
