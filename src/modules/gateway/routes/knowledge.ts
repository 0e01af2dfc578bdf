import { z } from 'zod';
import {
  addSourceSchema,
  answerResultSchema,
  answerSchema,
  type Knowledge,
  MAX_DOCUMENT_CHARS,
  searchResultSchema,
  searchSchema,
  sourceInfoSchema,
} from '../../knowledge/contract.js';
import type { Api } from '../api.js';
import { listOf, noContent, responses } from '../responses.js';
import { tenantOf } from '../auth.js';

const params = z.object({ sourceId: z.uuid('a knowledge source id') });
const tags = ['knowledge'];
const source = responses({ 200: sourceInfoSchema });
/** A document upload is JSON with the text (or the PDF as base64) inside: room for the largest accepted. */
const UPLOAD_LIMIT_BYTES = MAX_DOCUMENT_CHARS + 64 * 1024;

/** The workspace's knowledge base: sources in, what a question retrieves and answers out. */
export function knowledgeRoutes(app: Api, deps: { knowledge: Knowledge }): void {
  app.get('/knowledge/sources', { config: { permission: 'knowledge:read' }, schema: { summary: 'List knowledge sources', tags, response: responses({ 200: listOf('sources', sourceInfoSchema) }) } }, async (request) => ({
    sources: await deps.knowledge.listSources(tenantOf(request)),
  }));

  app.post(
    '/knowledge/sources',
    {
      bodyLimit: UPLOAD_LIMIT_BYTES,
      config: { permission: 'knowledge:write', audit: 'knowledge.source_create' },
      schema: {
        summary: 'Add a source: {kind: markdown|text|html, name, content}, {kind: pdf, name, contentBase64} or {kind: url, url}; it is chunked and indexed at once',
        tags,
        body: addSourceSchema,
        response: responses({ 201: sourceInfoSchema }),
      },
    },
    async (request, reply) => reply.status(201).send(await deps.knowledge.addSource(tenantOf(request), request.body)),
  );

  app.get(
    '/knowledge/sources/:sourceId',
    { config: { permission: 'knowledge:read' }, schema: { summary: 'A knowledge source', tags, params, response: source } },
    async (request) => deps.knowledge.getSource(tenantOf(request), request.params.sourceId),
  );

  app.delete(
    '/knowledge/sources/:sourceId',
    { config: { permission: 'knowledge:write', audit: 'knowledge.source_delete' }, schema: { summary: 'Delete a source and its chunks', tags, params, response: responses({ 204: noContent }) } },
    async (request, reply) => {
      await deps.knowledge.deleteSource(tenantOf(request), request.params.sourceId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/knowledge/sources/:sourceId/reindex',
    { config: { permission: 'knowledge:write' }, schema: { summary: 'Re-read (URLs: re-fetch), re-chunk and re-embed a source', tags, params, response: source } },
    async (request) => deps.knowledge.reindex(tenantOf(request), request.params.sourceId),
  );

  app.post(
    '/knowledge/search',
    { config: { permission: 'knowledge:read' }, schema: { summary: 'What a question retrieves: chunks with scores and citations', tags, body: searchSchema, response: responses({ 200: searchResultSchema }) } },
    async (request) => deps.knowledge.search(tenantOf(request), request.body),
  );

  app.post(
    '/knowledge/answer',
    {
      // The tenant's model may be called, which costs money: more than reading the sources.
      config: { permission: 'knowledge:write' },
      schema: { summary: 'The answer an `answer` state would give: grounded in the chunks, with citations', tags, body: answerSchema, response: responses({ 200: answerResultSchema }) },
    },
    async (request) => deps.knowledge.answer(tenantOf(request), request.body),
  );
}
