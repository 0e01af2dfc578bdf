/**
 * Knowledge: each workspace's documents, chunked and indexed in PostgreSQL, searched lexically
 * (BM25) and, when the tenant has an embeddings provider, by vectors too (hybrid, fused by rank).
 * Answers are grounded in the chunks found and cite them; without a relevant chunk there is no
 * invented answer.
 */
import { z } from 'zod';
import { modelUsageSchema } from '../models/contract.js';

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

export const sourceInfoSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(SOURCE_KINDS),
    url: z.string().nullable(),
    status: z.enum(['indexed', 'failed']),
    /** Why indexing failed (an unreachable URL, an unreadable PDF). */
    error: z.string().nullable(),
    chunkCount: z.number(),
    /** The embeddings model its chunks carry vectors of; null: searched by BM25 only. */
    embeddingModel: z.string().nullable(),
    createdAt: z.string(),
    indexedAt: z.string().nullable(),
  })
  .meta({ id: 'KnowledgeSource' });
export type SourceInfo = z.infer<typeof sourceInfoSchema>;

/** Where an answer came from: the source, the chunk, and the chunk's place in the source's text. */
export const citationSchema = z
  .object({
    sourceId: z.string(),
    sourceName: z.string(),
    url: z.string().nullable(),
    chunkId: z.string(),
    /** 0-based order of the chunk in its source. */
    chunk: z.number(),
    /** Character offsets of the chunk in the source's extracted text. */
    start: z.number(),
    end: z.number(),
  })
  .meta({ id: 'Citation' });
export type Citation = z.infer<typeof citationSchema>;

export const searchHitSchema = z
  .object({
    citation: citationSchema,
    text: z.string(),
    /** Reciprocal-rank-fusion score of the lists it appears in. */
    score: z.number(),
    bm25: z.object({ rank: z.number(), score: z.number() }).nullable(),
    vector: z.object({ rank: z.number(), similarity: z.number() }).nullable(),
    /** Share of the question's terms (weighted by rarity) found in the chunk, 0…1. */
    coverage: z.number(),
  })
  .meta({ id: 'SearchHit' });
export type SearchHit = z.infer<typeof searchHitSchema>;

export const searchResultSchema = z
  .object({
    hits: z.array(searchHitSchema),
    mode: z.enum(['bm25', 'hybrid']),
    /** Whether the best hit is relevant enough to answer from. */
    relevant: z.boolean(),
  })
  .meta({ id: 'SearchResult' });
export type SearchResult = z.infer<typeof searchResultSchema>;

export const answerResultSchema = z
  .object({
    text: z.string(),
    /** `model`: an LLM answer from the chunks; `passage`: the best passage quoted; `none`: nothing relevant. */
    method: z.enum(['model', 'passage', 'none']),
    citations: z.array(citationSchema),
    hits: z.array(searchHitSchema),
    /** The model calls the answer made (none offline). */
    usage: z.array(modelUsageSchema),
    /** Why a model answer was not used, for the trace. */
    note: z.string().optional(),
  })
  .meta({ id: 'AnswerResult' });
export type AnswerResult = z.infer<typeof answerResultSchema>;

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
