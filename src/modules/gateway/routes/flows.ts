import { z } from 'zod';
import {
  conversationIdSchema,
  type FlowAuthoring,
  flowDetailSchema,
  flowSummarySchema,
  flowValidationResultSchema,
  flowVersionDetailSchema,
  inboundTurnSchema,
  nluParseSchema,
  playgroundTurnSchema,
  stateKindInfoSchema,
} from '../../engine/contract.js';
import { nluResultSchema } from '../../models/contract.js';
import type { Api } from '../api.js';
import { listOf, responses } from '../responses.js';
import { tenantOf } from '../auth.js';

const params = z.object({ flowId: z.string().min(1).max(100) });
const versionParams = params.extend({ version: z.coerce.number().int().min(1) });
const updateQuery = z.object({
  allowErrors: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});
const draftQuery = z.object({ draft: z.enum(['true', 'false']).default('false').transform((v) => v === 'true') });
const tags = ['flows'];
const flow = responses({ 200: flowDetailSchema });

/** A flow body is YAML/JSON text (application/yaml, text/plain) or a JSON object. */
const flowSource = z.union([z.string().refine((s) => s.trim() !== '', 'the flow is empty'), z.record(z.string(), z.unknown())], {
  error: 'send the flow as YAML (Content-Type: application/yaml) or as a JSON object',
});

export function flowRoutes(app: Api, deps: { authoring: FlowAuthoring }): void {
  app.post(
    '/flows',
    { config: { permission: 'flows:write', audit: 'flow.create' }, schema: { summary: 'Create a flow (draft) from YAML or JSON', tags, body: flowSource, response: responses({ 201: flowDetailSchema }) } },
    async (request, reply) => reply.status(201).send(await deps.authoring.createFlow(tenantOf(request), request.body)),
  );

  app.get('/flows/schema', { config: { permission: 'public' }, schema: { summary: 'JSON Schema of the flow language', tags, response: responses({ 200: z.record(z.string(), z.unknown()) }) } }, async () =>
    deps.authoring.flowSchema(),
  );

  app.get(
    '/flows/state-types',
    {
      config: { permission: 'public' },
      schema: {
        summary: 'State kinds of the flow language: which wait for input, which end, which fields name target states',
        tags,
        response: responses({ 200: listOf('stateTypes', stateKindInfoSchema) }),
      },
    },
    async () => ({ stateTypes: deps.authoring.stateKinds() }),
  );

  app.post(
    '/flows/validate',
    { config: { permission: 'flows:read' }, schema: { summary: 'Check a flow without saving it: every error and warning, with paths', tags, body: flowSource, response: responses({ 200: flowValidationResultSchema }) } },
    async (request) => deps.authoring.validateFlow(tenantOf(request), request.body),
  );

  app.put(
    '/flows/:flowId',
    {
      config: { permission: 'flows:write', audit: 'flow.update' },
      schema: {
        summary: 'Replace the draft (published versions are unchanged); ?allowErrors=true keeps a draft with errors (listed in `errors`) instead of refusing it',
        tags,
        params,
        querystring: updateQuery,
        body: flowSource,
        response: flow,
      },
    },
    async (request) => deps.authoring.updateFlow(tenantOf(request), request.params.flowId, request.body, { allowErrors: request.query.allowErrors }),
  );

  app.get(
    '/flows/:flowId/versions/:version',
    { config: { permission: 'flows:read' }, schema: { summary: 'One published version, as it was published', tags, params: versionParams, response: responses({ 200: flowVersionDetailSchema }) } },
    async (request) => deps.authoring.getFlowVersion(tenantOf(request), request.params.flowId, request.params.version),
  );

  app.post(
    '/flows/:flowId/nlu/parse',
    {
      config: { permission: 'flows:read' },
      schema: { summary: 'What the flow’s NLU makes of a text (latest published version, or ?draft=true)', tags, params, querystring: draftQuery, body: nluParseSchema, response: responses({ 200: nluResultSchema }) },
    },
    async (request) => deps.authoring.parseNlu(tenantOf(request), request.params.flowId, request.body.text, { draft: request.query.draft }),
  );

  app.post(
    '/flows/:flowId/try/:sessionId',
    {
      // It calls the flow's real integrations and models: reading flows is not enough.
      config: { permission: ['flows:run', 'flows:write'] },
      schema: {
        summary: 'Try the flow (draft with ?draft=true) in a throwaway session: replies, state, slots and the trace',
        tags,
        params: params.extend({ sessionId: conversationIdSchema }),
        querystring: draftQuery,
        body: inboundTurnSchema,
        response: responses({ 200: playgroundTurnSchema }),
      },
    },
    async (request) => deps.authoring.tryFlow(tenantOf(request), request.params.flowId, request.params.sessionId, request.body, { draft: request.query.draft }),
  );

  app.get('/flows', { config: { permission: 'flows:read' }, schema: { summary: 'List flows', tags, response: responses({ 200: listOf('flows', flowSummarySchema) }) } }, async (request) => ({
    flows: await deps.authoring.listFlows(tenantOf(request)),
  }));

  app.get('/flows/:flowId', { config: { permission: 'flows:read' }, schema: { summary: 'A flow with its draft and versions', tags, params, response: flow } }, async (request) =>
    deps.authoring.getFlow(tenantOf(request), request.params.flowId),
  );

  app.post(
    '/flows/:flowId/publish',
    { config: { permission: 'flows:publish', audit: 'flow.publish' }, schema: { summary: 'Freeze the draft as the next immutable version', tags, params, response: responses({ 201: z.object({ flowId: z.string(), version: z.number() }) }) } },
    async (request, reply) => reply.status(201).send(await deps.authoring.publishFlow(tenantOf(request), request.params.flowId)),
  );

  app.post(
    '/flows/:flowId/default',
    { config: { permission: 'flows:publish', audit: 'flow.set_default' }, schema: { summary: 'Make the flow the one new conversations start on', tags, params, response: responses({ 200: flowSummarySchema }) } },
    async (request) => deps.authoring.setDefaultFlow(tenantOf(request), request.params.flowId),
  );
}
