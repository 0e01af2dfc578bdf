import { z } from 'zod';
import { type FlowAuthoring, nluMissQuerySchema } from '../../engine/contract.js';
import {
  addExampleSchema,
  importResultSchema,
  type Models,
  reviewItemSchema,
  TRAINING_IMPORT_FORMATS,
  trainingDataDetailSchema,
  trainingDataNameSchema,
  trainingDataSummarySchema,
  trainingEvaluationSchema,
} from '../../models/contract.js';
import type { Api } from '../api.js';
import { noContent, responses } from '../responses.js';
import { tenantOf } from '../auth.js';

const tags = ['nlu'];
const base = '/nlu/training-data';
const params = z.object({ name: trainingDataNameSchema });
const detail = responses({ 200: trainingDataDetailSchema });
const revisionQuery = z.object({ revision: z.coerce.number().int().min(1).optional() });
const importQuery = z.object({ format: z.enum(TRAINING_IMPORT_FORMATS, { error: 'format must be rasa (nlu.yml) or dialogflow (agent export zip)' }) });
// Documents of tens of thousands of examples are the point of this resource.
const DOCUMENT_BODY_LIMIT = 32 * 1024 * 1024;

/** A document body is YAML/JSON text (application/yaml, text/plain) or a JSON object. */
const documentSource = z.union([z.string().refine((s) => s.trim() !== '', 'the training data is empty'), z.record(z.string(), z.unknown())], {
  error: 'send the training data as YAML (Content-Type: application/yaml) or as a JSON object',
});
const importBody = z.union([z.string().min(1), z.instanceof(Buffer)], {
  error: 'send a Rasa nlu.yml as text (Content-Type: application/yaml) or a Dialogflow export as bytes (Content-Type: application/zip)',
});

/**
 * NLU training data shared by flows (`nlu: { trainingData: <name> }`), its imports, and the review
 * loop: misses from real conversations, one-click examples, held-back evaluation. Training data
 * is bot content, so it takes the flows' permissions; the review list shows users' messages, so it
 * also needs `conversations:read`.
 */
export function nluTrainingDataRoutes(app: Api, deps: { models: Models; authoring: FlowAuthoring }): void {
  const data = deps.models.trainingData;

  app.get(base, { config: { permission: 'flows:read' }, schema: { summary: 'The workspace’s NLU training data documents', tags, response: responses({ 200: z.array(trainingDataSummarySchema) }) } }, async (request) =>
    data.list(tenantOf(request)),
  );

  app.post(
    base,
    {
      bodyLimit: DOCUMENT_BODY_LIMIT,
      config: { permission: 'flows:write', audit: 'nlu.training_data_create' },
      schema: { summary: 'Create a training data document (YAML or JSON: name, intents with examples, entities)', tags, body: documentSource, response: responses({ 201: trainingDataDetailSchema }) },
    },
    async (request, reply) => reply.status(201).send(await data.create(tenantOf(request), request.body)),
  );

  app.get(
    `${base}/:name`,
    { config: { permission: 'flows:read' }, schema: { summary: 'One document (latest revision, or ?revision=N)', tags, params, querystring: revisionQuery, response: detail } },
    async (request) => data.get(tenantOf(request), request.params.name, request.query.revision),
  );

  app.put(
    `${base}/:name`,
    {
      bodyLimit: DOCUMENT_BODY_LIMIT,
      config: { permission: 'flows:write', audit: 'nlu.training_data_replace' },
      schema: { summary: 'Replace the document as a new revision (?revision=N: only if it is still at N)', tags, params, querystring: revisionQuery, body: documentSource, response: detail },
    },
    async (request) => data.replace(tenantOf(request), request.params.name, request.body, request.query.revision),
  );

  app.delete(
    `${base}/:name`,
    { config: { permission: 'flows:write', audit: 'nlu.training_data_delete' }, schema: { summary: 'Delete the document (published flow versions keep the revision they pinned)', tags, params, response: responses({ 204: noContent }) } },
    async (request, reply) => {
      await data.delete(tenantOf(request), request.params.name);
      return reply.status(204).send(null);
    },
  );

  // Zip uploads are bytes; only this scope reads them.
  void app.register(async (scope: Api) => {
    scope.addContentTypeParser(['application/zip', 'application/octet-stream'], { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scope.post(
      `${base}/:name/import`,
      {
        bodyLimit: DOCUMENT_BODY_LIMIT,
        config: { permission: 'flows:write', audit: 'nlu.training_data_import' },
        schema: {
          summary: 'Import a Rasa nlu.yml (?format=rasa, text) or a Dialogflow ES agent export (?format=dialogflow, zip); creates or replaces the document',
          tags,
          params,
          querystring: importQuery,
          body: importBody,
          response: responses({ 200: importResultSchema }),
        },
      },
      async (request) => data.import(tenantOf(request), request.params.name, { format: request.query.format, content: request.body }),
    );
  });

  app.post(
    `${base}/:name/examples`,
    {
      config: { permission: 'flows:write', audit: 'nlu.training_data_example_add' },
      schema: { summary: 'Add one example to an intent (a new revision)', tags, params, body: addExampleSchema, response: responses({ 201: trainingDataDetailSchema }) },
    },
    async (request, reply) => reply.status(201).send(await data.addExample(tenantOf(request), request.params.name, request.body)),
  );

  app.post(
    `${base}/:name/evaluate`,
    {
      config: { permission: 'flows:write' },
      schema: { summary: 'Retrain on the latest revision’s training split and score its held-back split (with the previous score)', tags, params, response: responses({ 200: z.object({ evaluation: trainingEvaluationSchema, previous: trainingEvaluationSchema.nullable() }) }) },
    },
    async (request) => data.evaluate(tenantOf(request), request.params.name),
  );

  app.get(
    `${base}/:name/evaluations`,
    { config: { permission: 'flows:read' }, schema: { summary: 'Held-back accuracy per evaluated revision, newest first', tags, params, response: responses({ 200: z.array(trainingEvaluationSchema) }) } },
    async (request) => data.evaluations(tenantOf(request), request.params.name),
  );

  app.get(
    `${base}/:name/review`,
    {
      config: { permission: 'conversations:read' },
      schema: {
        summary: 'Messages from conversations the NLU was unsure about (fallback or under maxConfidence), grouped, minus those already examples',
        tags,
        params,
        querystring: nluMissQuerySchema,
        response: responses({ 200: z.array(reviewItemSchema) }),
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const misses = await deps.authoring.nluMisses(tenantId, request.query);
      return data.review(tenantId, request.params.name, misses);
    },
  );
}
