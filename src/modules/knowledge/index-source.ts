import { AppError } from '../../shared/app-error.js';
import type { Ids } from '../../shared/ids.js';
import type { Models } from '../models/contract.js';
import { chunkText } from './chunk-text.js';
import type { SourceKind } from './contract.js';
import { type DocumentKind, extractText } from './extract-text.js';
import { fetchSource } from './fetch-source.js';
import type { IndexedChunk } from './source-store.js';
import { normalise } from './vector-search.js';

/** Texts per embeddings request. */
const EMBED_BATCH = 64;

export interface IndexDeps {
  models: Models;
  ids: Ids;
  /** The adaptors' SSRF-guarded fetch: URL sources are chosen by tenants. */
  fetch: typeof fetch;
}

export interface Prepared {
  chunks: IndexedChunk[];
  embeddingModel: string | null;
}

async function documentOf(deps: IndexDeps, kind: SourceKind, content: string): Promise<{ kind: DocumentKind; content: string | Uint8Array }> {
  return kind === 'url' ? fetchSource(deps.fetch, content) : { kind, content };
}

/** Vectors for every chunk, or none: a source is searched by one model or by BM25 alone. */
async function embedAll(deps: IndexDeps, tenantId: string, texts: string[]): Promise<{ model: string; vectors: number[][] } | null> {
  const vectors: number[][] = [];
  let model: string | null = null;
  for (let i = 0; i < texts.length; i += EMBED_BATCH) {
    const result = await deps.models.embed(tenantId, texts.slice(i, i + EMBED_BATCH));
    if (!result.ok || (model !== null && result.model !== model)) return null;
    model = result.model;
    vectors.push(...result.vectors.map(normalise));
  }
  return model === null ? null : { model, vectors };
}

/** Text, chunks and (when the tenant has an embeddings provider) vectors of one source. */
export async function prepareSource(deps: IndexDeps, tenantId: string, source: { kind: SourceKind; content: string }): Promise<Prepared> {
  const document = await documentOf(deps, source.kind, source.content);
  const text = await extractText(document.kind, document.content);
  const pieces = chunkText(text);
  if (pieces.length === 0) throw new AppError('bad_request', 'No text was found in this document; a scanned PDF needs text recognition first.');
  const embedded = await embedAll(deps, tenantId, pieces.map((p) => p.text));
  const chunks = pieces.map((p, i) => ({ ...p, id: deps.ids.uuid(), embedding: embedded?.vectors[i] ?? null }));
  return { chunks, embeddingModel: embedded?.model ?? null };
}
