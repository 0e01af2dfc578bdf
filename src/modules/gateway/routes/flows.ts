import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../shared/app-error.js';
import type { Engine } from '../../engine/contract.js';
import { tenantOf } from '../auth.js';
import { parseInput } from '../parse-input.js';

const params = z.object({ flowId: z.string().min(1).max(100) });

/** A flow body is YAML/JSON text or an already-parsed JSON object. */
function flowSource(body: unknown): string | object {
  if (typeof body === 'string' && body.trim() !== '') return body;
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) return body;
  throw new AppError('bad_request', 'Send the flow as YAML (Content-Type: application/yaml) or as a JSON object.');
}

export function flowRoutes(app: FastifyInstance, deps: { engine: Engine }): void {
  app.post('/flows', async (request, reply) => {
    const flow = await deps.engine.createFlow(tenantOf(request), flowSource(request.body));
    return reply.status(201).send(flow);
  });

  app.get('/flows', async (request) => ({ flows: await deps.engine.listFlows(tenantOf(request)) }));

  app.get('/flows/:flowId', async (request) => {
    const { flowId } = parseInput(params, request.params, 'flow id');
    return deps.engine.getFlow(tenantOf(request), flowId);
  });

  app.post('/flows/:flowId/publish', async (request, reply) => {
    const { flowId } = parseInput(params, request.params, 'flow id');
    return reply.status(201).send(await deps.engine.publishFlow(tenantOf(request), flowId));
  });

  app.post('/flows/:flowId/default', async (request) => {
    const { flowId } = parseInput(params, request.params, 'flow id');
    return deps.engine.setDefaultFlow(tenantOf(request), flowId);
  });
}
