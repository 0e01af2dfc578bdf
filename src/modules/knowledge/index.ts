import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import type { Models } from '../models/contract.js';
import type { Sql } from '../storage/contract.js';
import { answerQuestion } from './answer-question.js';
import { answerSchema, type Knowledge, searchSchema } from './contract.js';
import { prepareSource } from './index-source.js';
import { detectPgvector } from './pgvector.js';
import { searchKnowledge } from './search-knowledge.js';
import { getSourceRow, insertSource, listSourceRows, markFailed, replaceChunks, toSourceInfo } from './source-store.js';

export * from './contract.js';
export { knowledgeMigrations } from './migrations.js';
export { knowledgeTenantData } from './tenant-data.js';

export interface KnowledgeDeps {
  sql: Sql;
  models: Models;
  ids: Ids;
  clock: Clock;
  logger: Logger;
  /** The adaptors' SSRF-guarded fetch, for URL sources. */
  fetch: typeof fetch;
}

export function createKnowledge(deps: KnowledgeDeps): Knowledge & { start(): Promise<void> } {
  const { sql, clock } = deps;
  let pgvector = false;

  /** A failed re-index marks the source failed with the reason; its last good chunks stay searchable. */
  async function index(tenantId: string, sourceId: string) {
    const row = await sql.withTenant(tenantId, (tx) => getSourceRow(tx, sourceId));
    const prepared = await prepareSource(deps, tenantId, { kind: row.kind, content: row.content }).catch(async (error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      await sql.withTenant(tenantId, (tx) => markFailed(tx, sourceId, reason, clock.isoNow()));
      throw error;
    });
    await sql.withTenant(tenantId, (tx) => replaceChunks(tx, { tenantId, sourceId, now: clock.isoNow(), embeddingModel: prepared.embeddingModel }, prepared.chunks));
    return toSourceInfo(await sql.withTenant(tenantId, (tx) => getSourceRow(tx, sourceId)));
  }

  return {
    async start() {
      pgvector = await detectPgvector(sql, deps.logger);
    },

    async addSource(tenantId, input) {
      const id = deps.ids.uuid();
      const content = input.kind === 'url' ? input.url : input.kind === 'pdf' ? input.contentBase64 : input.content;
      const name = input.name ?? (input.kind === 'url' ? input.url : 'document');
      // Extracted before anything is stored: a document that cannot be read is refused with a 400, not kept half-indexed.
      const prepared = await prepareSource(deps, tenantId, { kind: input.kind, content });
      await sql.withTenant(tenantId, async (tx) => {
        await insertSource(tx, { id, tenant_id: tenantId, name, kind: input.kind, url: input.kind === 'url' ? input.url : null, content }, clock.isoNow());
        await replaceChunks(tx, { tenantId, sourceId: id, now: clock.isoNow(), embeddingModel: prepared.embeddingModel }, prepared.chunks);
      });
      return toSourceInfo(await sql.withTenant(tenantId, (tx) => getSourceRow(tx, id)));
    },

    listSources: async (tenantId) => (await sql.withTenant(tenantId, listSourceRows)).map(toSourceInfo),
    getSource: async (tenantId, sourceId) => toSourceInfo(await sql.withTenant(tenantId, (tx) => getSourceRow(tx, sourceId))),

    async deleteSource(tenantId, sourceId) {
      await sql.withTenant(tenantId, async (tx) => {
        await getSourceRow(tx, sourceId);
        await tx.query('DELETE FROM knowledge_sources WHERE id = $1', [sourceId]);
      });
    },

    reindex: (tenantId, sourceId) => index(tenantId, sourceId),

    search: (tenantId, input) => searchKnowledge({ sql, models: deps.models, pgvector: () => pgvector }, tenantId, searchSchema.parse(input)),

    async answer(tenantId, input) {
      const parsed = { ...input, ...answerSchema.parse({ question: input.question, limit: input.limit, ...(input.instructions ? { instructions: input.instructions } : {}) }) };
      const search = await searchKnowledge({ sql, models: deps.models, pgvector: () => pgvector }, tenantId, parsed);
      return answerQuestion(deps.models, tenantId, parsed, search);
    },
  };
}
