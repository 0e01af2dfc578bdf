/**
 * Knowledge: each workspace's documents, chunked and indexed in PostgreSQL, searched lexically
 * (BM25) and, when the tenant has an embeddings provider, by vectors too (hybrid, fused by rank).
 * Answers are grounded in the chunks found and cite them; without a relevant chunk there is no
 * invented answer.
 */
import { z } from 'zod';
import type { ModelUsage } from '../models/contract.js';

export const SOURCE_KINDS = ['markdown', 'text', 'html', 'pdf', 'url'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** Largest document text accepted (and largest PDF, base64-encoded). */
export const MAX_DOCUMENT_CHARS = 2_000_000;

const name = z.string().trim().min(1).max(200);
export const addSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.enum(['markdown', 'text', 'html']), name, content: z.string().min(1, 'the document is empty').max(MAX_DOCUMENT_CHARS) }),
  z.strictObject({ kind: z.literal('pdf'), name, contentBase64: z.base64('send the PDF file as base64').min(1).max(MAX_DOCUMENT_CHARS) }),
  z.strictObject({ kind: z.literal('url'), name: name.optional(), url: z.url({ protocol: /^https?$/, error: 'use an http(s) URL' }).max(2_000) }),
]);
export type AddSourceInput = z.infer<typeof addSourceSchema>;

export const searchSchema = z.strictObject({
  question: z.string().trim().min(1, 'ask a question').max(1_000),
  limit: z.number().int().min(1).max(20).default(5),
});
export type SearchInput = z.infer<typeof searchSchema>;

export const answerSchema = searchSchema.extend({
  /** The bot builder's words on how to answer (tone, length); the grounding rules are ours. */
  instructions: z.string().max(2_000).optional(),
});
export type AnswerInput = z.infer<typeof answerSchema> & {
  history?: { role: 'user' | 'assistant'; text: string }[];
  /** Reply when nothing relevant is found; a neutral sentence otherwise. */
  noAnswer?: string;
};

export interface SourceInfo {
  id: string;
  name: string;
  kind: SourceKind;
  url: string | null;
  status: 'indexed' | 'failed';
  /** Why indexing failed (an unreachable URL, an unreadable PDF). */
  error: string | null;
  chunkCount: number;
  /** The embeddings model its chunks carry vectors of; null: searched by BM25 only. */
  embeddingModel: string | null;
  createdAt: string;
  indexedAt: string | null;
}

/** Where an answer came from: the source, the chunk, and the chunk's place in the source's text. */
export interface Citation {
  sourceId: string;
  sourceName: string;
  url: string | null;
  chunkId: string;
  /** 0-based order of the chunk in its source. */
  chunk: number;
  /** Character offsets of the chunk in the source's extracted text. */
  start: number;
  end: number;
}

export interface SearchHit {
  citation: Citation;
  text: string;
  /** Reciprocal-rank-fusion score of the lists it appears in. */
  score: number;
  bm25: { rank: number; score: number } | null;
  vector: { rank: number; similarity: number } | null;
  /** Share of the question's terms (weighted by rarity) found in the chunk, 0…1. */
  coverage: number;
}

export interface SearchResult {
  hits: SearchHit[];
  mode: 'bm25' | 'hybrid';
  /** Whether the best hit is relevant enough to answer from. */
  relevant: boolean;
}

export interface AnswerResult {
  text: string;
  /** `model`: an LLM answer from the chunks; `passage`: the best passage quoted; `none`: nothing relevant. */
  method: 'model' | 'passage' | 'none';
  citations: Citation[];
  hits: SearchHit[];
  /** The model calls the answer made (none offline). */
  usage: ModelUsage[];
  /** Why a model answer was not used, for the trace. */
  note?: string;
}

export interface Knowledge {
  addSource(tenantId: string, input: AddSourceInput): Promise<SourceInfo>;
  listSources(tenantId: string): Promise<SourceInfo[]>;
  getSource(tenantId: string, sourceId: string): Promise<SourceInfo>;
  deleteSource(tenantId: string, sourceId: string): Promise<void>;
  /** Re-extracts (URLs: re-fetches), re-chunks and re-embeds one source. */
  reindex(tenantId: string, sourceId: string): Promise<SourceInfo>;
  /** What a question retrieves, best first. */
  search(tenantId: string, input: SearchInput): Promise<SearchResult>;
  /** A reply grounded in what the question retrieves, with its citations. */
  answer(tenantId: string, input: AnswerInput): Promise<AnswerResult>;
}
