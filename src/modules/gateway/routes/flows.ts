import { z } from 'zod';
import type { Engine } from '../../engine/contract.js';
import type { Api } from '../api.js';
import { tenantOf } from '../auth.js';

const params = z.object({ flowId: z.string().min(1).max(100) });
const tags = ['flows'];

/** A flow body is YAML/JSON text (application/yaml, text/plain) or a JSON object. */
const flowSource = z.union([z.string().refine((s) => s.trim() !== '', 'the flow is empty'), z.record(z.string(), z.unknown())], {
  error: 'send the flow as YAML (Content-Type: application/yaml) or as a JSON object',
});

export function flowRoutes(app: Api, deps: { engine: Engine }): void {
  app.post(
    '/flows',
    { config: { permission: 'flows:write' }, schema: { summary: 'Create a flow (draft) from YAML or JSON', tags, body: flowSource } },
    async (request, reply) => reply.status(201).send(await deps.engine.createFlow(tenantOf(request), request.body)),
  );

  app.get('/flows', { config: { permission: 'flows:read' }, schema: { summary: 'List flows', tags } }, async (request) => ({
    flows: await deps.engine.listFlows(tenantOf(request)),
  }));

  app.get('/flows/:flowId', { config: { permission: 'flows:read' }, schema: { summary: 'A flow with its draft and versions', tags, params } }, async (request) =>
    deps.engine.getFlow(tenantOf(request), request.params.flowId),
  );

  app.post(
    '/flows/:flowId/publish',
    { config: { permission: 'flows:publish' }, schema: { summary: 'Freeze the draft as the next immutable version', tags, params } },
    async (request, reply) => reply.status(201).send(await deps.engine.publishFlow(tenantOf(request), request.params.flowId)),
  );

  app.post(
    '/flows/:flowId/default',
    { config: { permission: 'flows:publish' }, schema: { summary: 'Make the flow the one new conversations start on', tags, params } },
    async (request) => deps.engine.setDefaultFlow(tenantOf(request), request.params.flowId),
  );
}
