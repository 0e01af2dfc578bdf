import { dataPolicyInputSchema, dataPolicySchema, type Privacy } from '../../privacy/contract.js';
import type { Api } from '../api.js';
import { responses } from '../responses.js';
import { tenantOf } from '../auth.js';

const tags = ['people (data protection)'];

/** The workspace's data policy: how long conversations are kept (enforced hourly). */
export function privacyRoutes(app: Api, deps: { privacy: Privacy }): void {
  app.get('/privacy/policy', { config: { permission: 'tenant:admin' }, schema: { summary: 'How long this workspace keeps conversations', tags, response: responses({ 200: dataPolicySchema }) } }, async (request) =>
    deps.privacy.getPolicy(tenantOf(request)),
  );

  app.put(
    '/privacy/policy',
    { config: { permission: 'tenant:admin', audit: 'privacy.policy' }, schema: { summary: 'Set how long conversations are kept (null: kept)', tags, body: dataPolicyInputSchema, response: responses({ 200: dataPolicySchema }) } },
    async (request) => {
      request.auditDetails = { messageRetentionDays: request.body.messageRetentionDays };
      return deps.privacy.putPolicy(tenantOf(request), request.body);
    },
  );
}
