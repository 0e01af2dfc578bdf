import { z } from 'zod';
import {
  type Adaptors,
  createIntegrationSchema,
  integrationInfoSchema,
  integrationStatusSchema,
  kindInfoSchema,
  operationInfoSchema,
  testIntegrationResultSchema,
  testIntegrationSchema,
  updateIntegrationSchema,
} from '../../adaptors/contract.js';
import type { Api } from '../api.js';
import { listOf, noContent, responses } from '../responses.js';
import { tenantOf } from '../auth.js';

const params = z.object({ integrationId: z.string().min(1).max(100) });
const tags = ['integrations'];
const integration = responses({ 200: integrationInfoSchema });

/** Per-tenant integrations. Secrets go in and never come out: the view lists which are set (`secretsSet`). */
export function integrationRoutes(app: Api, deps: { adaptors: Adaptors }): void {
  app.get(
    '/integrations/kinds',
    { config: { permission: 'integrations:read' }, schema: { summary: 'Integration kinds with their config and secrets JSON Schemas', tags, response: responses({ 200: listOf('kinds', kindInfoSchema) }) } },
    async () => ({ kinds: deps.adaptors.listKinds() }),
  );

  app.get('/integrations', { config: { permission: 'integrations:read' }, schema: { summary: 'List integrations', tags, response: responses({ 200: listOf('integrations', integrationInfoSchema) }) } }, async (request) => ({
    integrations: await deps.adaptors.listIntegrations(tenantOf(request)),
  }));

  app.post(
    '/integrations',
    { config: { permission: 'integrations:write', audit: 'integration.create' }, schema: { summary: 'Create an integration (name, kind, config, secrets)', tags, body: createIntegrationSchema, response: responses({ 201: integrationInfoSchema }) } },
    async (request, reply) => reply.status(201).send(await deps.adaptors.createIntegration(tenantOf(request), request.body)),
  );

  app.get(
    '/integrations/:integrationId',
    { config: { permission: 'integrations:read' }, schema: { summary: 'An integration (without its secrets)', tags, params, response: integration } },
    async (request) => deps.adaptors.getIntegration(tenantOf(request), request.params.integrationId),
  );

  app.put(
    '/integrations/:integrationId',
    {
      config: { permission: 'integrations:write', audit: 'integration.update' },
      schema: { summary: 'Update an integration: config replaces the stored one; secrets are merged (null removes one), and must be sent again when the config changes where they go', tags, params, body: updateIntegrationSchema, response: integration },
    },
    async (request) => deps.adaptors.updateIntegration(tenantOf(request), request.params.integrationId, request.body),
  );

  app.delete(
    '/integrations/:integrationId',
    { config: { permission: 'integrations:write', audit: 'integration.delete' }, schema: { summary: 'Delete an integration', tags, params, response: responses({ 204: noContent }) } },
    async (request, reply) => {
      await deps.adaptors.deleteIntegration(tenantOf(request), request.params.integrationId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/integrations/:integrationId/operations',
    { config: { permission: 'integrations:read' }, schema: { summary: 'Operations callable from flows (for MCP: the server’s tools)', tags, params, response: responses({ 200: listOf('operations', operationInfoSchema) }) } },
    async (request) => ({ operations: await deps.adaptors.listOperations(tenantOf(request), request.params.integrationId) }),
  );

  app.post(
    '/integrations/:integrationId/test',
    {
      config: { permission: 'integrations:write' },
      // No body at all is a plain connectivity check.
      schema: { summary: 'Check connectivity and credentials, or call one operation with {operation, input}', tags, params, body: testIntegrationSchema.nullable(), response: responses({ 200: testIntegrationResultSchema }) },
    },
    async (request) => deps.adaptors.testIntegration(tenantOf(request), request.params.integrationId, request.body ?? testIntegrationSchema.parse(undefined)),
  );

  app.get(
    '/integrations/:integrationId/status',
    { config: { permission: 'integrations:read' }, schema: { summary: 'Reachability, last error, latency p50/p95 and circuit state (this instance)', tags, params, response: responses({ 200: integrationStatusSchema }) } },
    async (request) => deps.adaptors.getStatus(tenantOf(request), request.params.integrationId),
  );
}
