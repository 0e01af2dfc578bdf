import type { Logger } from '../../shared/logger.js';
import type { Sql } from '../storage/contract.js';

/**
 * Whether the server has pgvector, creating the extension when it is available but not yet made.
 * Without it (CI, Debian's PostgreSQL 15, PGlite 0.5) vector search runs as exact SQL over `real[]`.
 */
export async function detectPgvector(sql: Sql, logger: Logger): Promise<boolean> {
  if (sql.dialect !== 'postgres') return false;
  try {
    const [row] = await sql.query<{ available: boolean }>("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') AS available");
    if (!row?.available) return false;
    await sql.query('CREATE EXTENSION IF NOT EXISTS vector');
    return true;
  } catch (error) {
    logger.warn({ err: error }, 'knowledge: pgvector is installed but could not be enabled; using exact vector search in SQL');
    return false;
  }
}
