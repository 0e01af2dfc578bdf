import type { SqlExecutor } from '../storage/contract.js';

export interface VectorHit {
  chunkId: string;
  similarity: number;
}

/** Unit length, so that a dot product is the cosine similarity. */
export function normalise(vector: readonly number[]): number[] {
  const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0)) || 1;
  return vector.map((x) => x / norm);
}

/**
 * Exact nearest chunks by cosine similarity. Vectors are stored unit-length as `real[]`, so the
 * dot product is the similarity: plain SQL, no extension. With pgvector installed the same order
 * comes from its `<#>` operator (negative inner product), which runs in C.
 */
export async function searchVectors(
  tx: SqlExecutor,
  at: { tenantId: string; model: string; pgvector: boolean },
  query: readonly number[],
  limit: number,
): Promise<VectorHit[]> {
  const vector = normalise(query);
  const similarity = at.pgvector
    ? `-(c.embedding::vector <#> $2::real[]::vector)`
    : '(SELECT sum(a * b) FROM unnest(c.embedding, $2::real[]) AS u(a, b))';
  const rows = await tx.query<{ id: string; similarity: number }>(
    `SELECT c.id, ${similarity}::float8 AS similarity
       FROM knowledge_chunks c JOIN knowledge_sources s ON s.id = c.source_id
      WHERE c.tenant_id = $1 AND s.embedding_model = $3 AND c.embedding IS NOT NULL AND cardinality(c.embedding) = $4
      ORDER BY similarity DESC, c.id
      LIMIT $5`,
    [at.tenantId, vector, at.model, vector.length, limit],
  );
  return rows.map((r) => ({ chunkId: r.id, similarity: r.similarity }));
}
