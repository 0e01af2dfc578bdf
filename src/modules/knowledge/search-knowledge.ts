import type { Models } from '../models/contract.js';
import type { Sql } from '../storage/contract.js';
import { searchBm25 } from './bm25-search.js';
import type { Citation, SearchHit, SearchInput, SearchResult } from './contract.js';
import { fuseRanks } from './fuse-ranks.js';
import { chunksById, type ChunkRow } from './source-store.js';
import { searchVectors } from './vector-search.js';

/**
 * A hit is worth answering from when it holds at least this share of the question's (IDF-weighted)
 * terms, or, by meaning alone, when its cosine similarity reaches MIN_SIMILARITY.
 */
export const MIN_COVERAGE = 0.5;
export const MIN_SIMILARITY = 0.5;
/** Each list is searched deeper than the answer needs, so fusion has candidates to reorder. */
const DEPTH = 4;

export interface SearchDeps {
  sql: Sql;
  models: Models;
  /** Whether PostgreSQL has pgvector (never PGlite 0.5, which ships without it). */
  pgvector: () => boolean;
}

export function citationOf(row: ChunkRow): Citation {
  return { sourceId: row.source_id, sourceName: row.source_name, url: row.url, chunkId: row.id, chunk: row.position, start: row.start_offset, end: row.end_offset };
}

async function embeddingModels(deps: SearchDeps, tenantId: string): Promise<string[]> {
  const rows = await deps.sql.withTenant(tenantId, (tx) =>
    tx.query<{ model: string }>('SELECT DISTINCT embedding_model AS model FROM knowledge_sources WHERE embedding_model IS NOT NULL'),
  );
  return rows.map((r) => r.model);
}

/** BM25 always; vectors too when the tenant's chunks carry embeddings of the model its provider answers with. */
export async function searchKnowledge(deps: SearchDeps, tenantId: string, input: SearchInput): Promise<SearchResult> {
  const depth = input.limit * DEPTH;
  const models = await embeddingModels(deps, tenantId);
  const embedded = models.length > 0 ? await deps.models.embed(tenantId, [input.question]) : null;
  const query = embedded?.ok && models.includes(embedded.model) ? { model: embedded.model, vector: embedded.vectors[0]! } : null;

  return deps.sql.withTenant(tenantId, async (tx) => {
    const bm25 = await searchBm25(tx, tenantId, input.question, depth);
    const vectors = query ? await searchVectors(tx, { tenantId, model: query.model, pgvector: deps.pgvector() }, query.vector, depth) : [];
    const fused = fuseRanks([bm25.map((h) => h.chunkId), vectors.map((h) => h.chunkId)]);
    const ranked = [...fused.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, input.limit);
    const rows = await chunksById(tx, ranked.map(([id]) => id));
    const hits: SearchHit[] = [];
    for (const [id, score] of ranked) {
      const row = rows.get(id);
      if (!row) continue;
      const b = bm25.findIndex((h) => h.chunkId === id);
      const v = vectors.findIndex((h) => h.chunkId === id);
      hits.push({
        citation: citationOf(row),
        text: row.text,
        score,
        bm25: b < 0 ? null : { rank: b + 1, score: bm25[b]!.score },
        vector: v < 0 ? null : { rank: v + 1, similarity: vectors[v]!.similarity },
        coverage: b < 0 ? 0 : bm25[b]!.coverage,
      });
    }
    const relevant = hits.some((h) => h.coverage >= MIN_COVERAGE || (h.vector?.similarity ?? 0) >= MIN_SIMILARITY);
    return { hits, mode: query ? 'hybrid' : 'bm25', relevant };
  });
}
