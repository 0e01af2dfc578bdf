import { AppError } from '../../shared/app-error.js';
import type { SqlExecutor } from '../storage/contract.js';
import type { TextChunk } from './chunk-text.js';
import type { SourceInfo, SourceKind } from './contract.js';
import { termCounts, tokenize } from './tokenize.js';

export interface SourceRow {
  id: string;
  tenant_id: string;
  name: string;
  kind: SourceKind;
  url: string | null;
  content: string;
  status: 'indexed' | 'failed';
  error: string | null;
  chunk_count: number;
  embedding_model: string | null;
  created_at: string;
  indexed_at: string | null;
}

const COLUMNS = 'id, tenant_id, name, kind, url, content, status, error, chunk_count, embedding_model, created_at, indexed_at';
/** Rows per INSERT … unnest: bounded so a large document never builds one huge statement. */
const BATCH = 2_000;

export function toSourceInfo(row: SourceRow): SourceInfo {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    url: row.url,
    status: row.status,
    error: row.error,
    chunkCount: row.chunk_count,
    embeddingModel: row.embedding_model,
    createdAt: row.created_at,
    indexedAt: row.indexed_at,
  };
}

export async function listSourceRows(tx: SqlExecutor): Promise<SourceRow[]> {
  return tx.query<SourceRow & Record<string, unknown>>(`SELECT ${COLUMNS} FROM knowledge_sources ORDER BY created_at, id`);
}

export async function getSourceRow(tx: SqlExecutor, sourceId: string): Promise<SourceRow> {
  const [row] = await tx.query<SourceRow & Record<string, unknown>>(`SELECT ${COLUMNS} FROM knowledge_sources WHERE id = $1`, [sourceId]);
  if (!row) throw new AppError('not_found', `Knowledge source '${sourceId}' does not exist in this workspace.`);
  return row;
}

export async function insertSource(tx: SqlExecutor, row: Omit<SourceRow, 'created_at' | 'indexed_at' | 'chunk_count' | 'embedding_model' | 'status' | 'error'>, now: string): Promise<void> {
  await tx.query(
    `INSERT INTO knowledge_sources (id, tenant_id, name, kind, url, content, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'failed', $7)`,
    [row.id, row.tenant_id, row.name, row.kind, row.url, row.content, now],
  );
}

export async function markFailed(tx: SqlExecutor, sourceId: string, error: string, now: string): Promise<void> {
  await tx.query(`UPDATE knowledge_sources SET status = 'failed', error = $2, indexed_at = $3 WHERE id = $1`, [sourceId, error, now]);
}

export interface IndexedChunk extends TextChunk {
  id: string;
  embedding: number[] | null;
}

/** Replaces a source's chunks and postings, and marks it indexed. */
export async function replaceChunks(
  tx: SqlExecutor,
  at: { tenantId: string; sourceId: string; now: string; embeddingModel: string | null },
  chunks: readonly IndexedChunk[],
): Promise<void> {
  await tx.query('DELETE FROM knowledge_chunks WHERE source_id = $1', [at.sourceId]);
  const postings: { term: string; chunkId: string; tf: number }[] = [];
  const lengths: number[] = [];
  for (const chunk of chunks) {
    const terms = tokenize(chunk.text);
    lengths.push(terms.length);
    for (const [term, tf] of termCounts(terms)) postings.push({ term, chunkId: chunk.id, tf });
  }
  for (let i = 0; i < chunks.length; i += BATCH) {
    const batch = chunks.slice(i, i + BATCH);
    await tx.query(
      `INSERT INTO knowledge_chunks (id, tenant_id, source_id, position, text, start_offset, end_offset, length, embedding)
       SELECT c.id, $1, $2, c.position, c.text, c.start_offset, c.end_offset, c.length,
              CASE WHEN c.embedding IS NULL THEN NULL ELSE (SELECT array_agg(v::real) FROM jsonb_array_elements_text(c.embedding) AS v) END
         FROM unnest($3::text[], $4::int[], $5::text[], $6::int[], $7::int[], $8::int[], $9::jsonb[]) AS c(id, position, text, start_offset, end_offset, length, embedding)`,
      [
        at.tenantId,
        at.sourceId,
        batch.map((c) => c.id),
        batch.map((_, k) => i + k),
        batch.map((c) => c.text),
        batch.map((c) => c.start),
        batch.map((c) => c.end),
        batch.map((_, k) => lengths[i + k]!),
        batch.map((c) => (c.embedding ? JSON.stringify(c.embedding) : null)),
      ],
    );
  }
  for (let i = 0; i < postings.length; i += BATCH) {
    const batch = postings.slice(i, i + BATCH);
    await tx.query(
      `INSERT INTO knowledge_terms (tenant_id, term, chunk_id, tf) SELECT $1, t.term, t.chunk_id, t.tf FROM unnest($2::text[], $3::text[], $4::int[]) AS t(term, chunk_id, tf)`,
      [at.tenantId, batch.map((p) => p.term), batch.map((p) => p.chunkId), batch.map((p) => p.tf)],
    );
  }
  await tx.query(
    `UPDATE knowledge_sources SET status = 'indexed', error = NULL, chunk_count = $2, embedding_model = $3, indexed_at = $4 WHERE id = $1`,
    [at.sourceId, chunks.length, at.embeddingModel, at.now],
  );
}

export interface ChunkRow {
  id: string;
  source_id: string;
  source_name: string;
  url: string | null;
  position: number;
  text: string;
  start_offset: number;
  end_offset: number;
}

export async function chunksById(tx: SqlExecutor, ids: readonly string[]): Promise<Map<string, ChunkRow>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.query<ChunkRow & Record<string, unknown>>(
    `SELECT c.id, c.source_id, s.name AS source_name, s.url, c.position, c.text, c.start_offset, c.end_offset
       FROM knowledge_chunks c JOIN knowledge_sources s ON s.id = c.source_id WHERE c.id = ANY($1::text[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r]));
}
