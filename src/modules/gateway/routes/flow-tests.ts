import { z } from 'zod';
import { type FlowAuthoring, suiteResultSchema } from '../../engine/contract.js';
import type { Api } from '../api.js';
import { responses } from '../responses.js';
import { tenantOf } from '../auth.js';

const params = z.object({ flowId: z.string().min(1).max(100) });
const query = z.object({ draft: z.enum(['true', 'false']).default('false').transform((v) => v === 'true') });

/** The suite is the test file's YAML (application/yaml, text/plain) or the same as a JSON object; the engine checks its shape. */
const suiteBody = z.union([z.string().refine((s) => s.trim() !== '', 'the test suite is empty'), z.record(z.string(), z.unknown())], {
  error: 'send the conversation tests as YAML (Content-Type: application/yaml) or as a JSON object with `tests`',
});

export function flowTestRoutes(app: Api, deps: { authoring: FlowAuthoring }): void {
  app.post(
    '/flows/:flowId/test',
    {
      // The tests call the flow's real integrations and models: reading flows is not enough.
      config: { permission: ['flows:run', 'flows:write'] },
      schema: {
        summary: 'Run conversation tests against the latest published version (or the draft with ?draft=true)',
        tags: ['flows'],
        params,
        querystring: query,
        body: suiteBody,
        response: responses({ 200: suiteResultSchema }),
      },
    },
    async (request) => deps.authoring.testFlow(tenantOf(request), request.params.flowId, request.body, { draft: request.query.draft }),
  );
}
