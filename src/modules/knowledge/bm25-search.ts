import type { SqlExecutor } from '../storage/contract.js';
import { termCounts, tokenize } from './tokenize.js';

/** Okapi BM25's usual constants: term-frequency saturation and length normalisation. */
const K1 = 1.2;
const B = 0.75;

export interface Bm25Hit {
  chunkId: string;
  score: number;
  /** Share of the question's IDF weight that the chunk contains, 0…1. */
  coverage: number;
}

/**
 * BM25 over the tenant's chunks, computed in SQL from the postings table: no extension, the same on
 * PostgreSQL and PGlite. Runs inside `withTenant`, so row-level security already limits it to the
 * tenant; the explicit tenant filter lets the postings' primary key serve the lookup.
 */
export async function searchBm25(tx: SqlExecutor, tenantId: string, question: string, limit: number): Promise<Bm25Hit[]> {
  const terms = [...termCounts(tokenize(question)).keys()];
  if (terms.length === 0) return [];
  const stats = await tx.query<{ n: number; avgdl: number | null }>('SELECT count(*)::int AS n, avg(length)::float8 AS avgdl FROM knowledge_chunks WHERE tenant_id = $1', [tenantId]);
  const n = stats[0]?.n ?? 0;
  if (n === 0) return [];
  const dfRows = await tx.query<{ term: string; df: number }>(
    'SELECT term, count(*)::int AS df FROM knowledge_terms WHERE tenant_id = $1 AND term = ANY($2::text[]) GROUP BY term',
    [tenantId, terms],
  );
  const idf = new Map(dfRows.map(({ term, df }) => [term, Math.log(1 + (n - df + 0.5) / (df + 0.5))]));
  const known = dfRows.map((r) => r.term);
  if (known.length === 0) return [];
  const rows = await tx.query<{ chunk_id: string; score: number; matched: string[] }>(
    `SELECT t.chunk_id, sum(w.idf * (t.tf * ${K1 + 1}) / (t.tf + ${K1} * (${1 - B} + ${B} * c.length / $4::float8)))::float8 AS score,
            array_agg(t.term) AS matched
       FROM knowledge_terms t
       JOIN unnest($2::text[], $3::float8[]) AS w(term, idf) ON w.term = t.term
       JOIN knowledge_chunks c ON c.id = t.chunk_id
      WHERE t.tenant_id = $1 AND t.term = ANY($2::text[])
      GROUP BY t.chunk_id
      ORDER BY score DESC, t.chunk_id
      LIMIT $5`,
    [tenantId, known, known.map((t) => idf.get(t)!), stats[0]?.avgdl ?? 1, limit],
  );
  // A question word no document has ("how long", a typo) tells nothing about which chunk answers:
  // it weighs as much as the average known term, so coverage reads as "share of the question found".
  const knownIdf = known.reduce((sum, t) => sum + idf.get(t)!, 0) / known.length;
  const total = terms.reduce((sum, t) => sum + (known.includes(t) ? idf.get(t)! : knownIdf), 0);
  return rows.map((r) => ({
    chunkId: r.chunk_id,
    score: r.score,
    coverage: r.matched.reduce((sum, t) => sum + (idf.get(t) ?? 0), 0) / total,
  }));
}
