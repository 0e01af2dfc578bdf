import type { Models } from '../../models/contract.js';
import { modelSettingsInputSchema, modelSettingsViewSchema, modelTestInputSchema, modelTestResultSchema, providerKindInfoSchema } from '../../models/contract.js';
import type { Api } from '../api.js';
import { listOf, responses } from '../responses.js';
import { tenantOf } from '../auth.js';

const tags = ['models'];
const settings = responses({ 200: modelSettingsViewSchema });

/** Per-tenant LLM providers and routing. Keys go in and never come out: the view shows `hasApiKey` and at most four characters. */
export function modelRoutes(app: Api, deps: { models: Models }): void {
  app.get(
    '/models/settings',
    { config: { permission: 'models:read' }, schema: { summary: 'Model providers (without keys) and routing', tags, response: settings } },
    async (request) => deps.models.getSettings(tenantOf(request)),
  );

  app.get(
    '/models/kinds',
    { config: { permission: 'models:read' }, schema: { summary: 'Provider kinds with what each needs and the JSON Schema of its settings and credentials', tags, response: responses({ 200: listOf('kinds', providerKindInfoSchema) }) } },
    async () => ({ kinds: deps.models.listProviderKinds() }),
  );

  app.put(
    '/models/settings',
    {
      config: { permission: 'models:write', audit: 'models.settings_update' },
      schema: { summary: 'Replace the model providers and routing; an omitted apiKey keeps the stored one', tags, body: modelSettingsInputSchema, response: settings },
    },
    async (request) => deps.models.updateSettings(tenantOf(request), request.body),
  );

  app.post(
    '/models/test',
    {
      config: { permission: 'models:write' },
      schema: { summary: "Check a provider's credentials by listing its models (no tokens spent)", tags, body: modelTestInputSchema, response: responses({ 200: modelTestResultSchema }) },
    },
    async (request) => deps.models.testProvider(tenantOf(request), request.body),
  );
}
