import type { PersonData } from '../../../person-data.js';
import { personErasureSchema, personExportSchema, personSelectorSchema } from '../../../person-data.js';
import type { Api } from '../api.js';
import { responses } from '../responses.js';
import { tenantOf } from '../auth.js';

const tags = ['people (data protection)'];

/**
 * One end user's data (GDPR access and erasure requests): everything stored about them as JSON,
 * or all of it deleted. Workspace owners only. The erasure is audited by a digest, never the ids.
 */
export function peopleRoutes(app: Api, deps: { personData: PersonData }): void {
  app.post(
    '/people/export',
    { config: { permission: 'tenant:admin', audit: 'person.export' }, schema: { summary: "Everything stored about one end user, as JSON", tags, body: personSelectorSchema, response: responses({ 200: personExportSchema }) } },
    async (request) => {
      const exported = await deps.personData.export(tenantOf(request), request.body);
      request.auditDetails = { conversations: exported.conversationIds.length };
      return exported;
    },
  );

  app.post(
    '/people/forget',
    { config: { permission: 'tenant:admin', audit: 'person.forget' }, schema: { summary: "Delete everything stored about one end user", tags, body: personSelectorSchema, response: responses({ 200: personErasureSchema }) } },
    async (request) => {
      const erased = await deps.personData.forget(tenantOf(request), request.body);
      request.auditDetails = { subject: erased.subject, conversations: erased.conversationIds.length, deleted: erased.deleted };
      return erased;
    },
  );
}
