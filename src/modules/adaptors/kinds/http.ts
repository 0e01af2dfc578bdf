import { defineIntegrationKind } from './define-kind.js';
import { createHttpIntegration } from './http/http-integration.js';
import { httpConfigProblems, httpConfigSchema, httpSecretsSchema } from './http/http-schema.js';

export const httpKind = defineIntegrationKind({
  id: 'http',
  title: 'HTTP / REST API',
  description:
    'Any JSON or text API: a base URL, operations with method, path, query, headers and body templates, response mapping, and auth (API key, bearer, basic or OAuth2 client credentials).',
  configSchema: httpConfigSchema,
  secretsSchema: httpSecretsSchema,
  problems: (config, secrets) => httpConfigProblems(config, secrets),
  destinations: (config) => [
    { path: 'config.baseUrl', url: config.baseUrl },
    ...(config.auth.type === 'oauth2_client_credentials' ? [{ path: 'config.auth.tokenUrl', url: config.auth.tokenUrl }] : []),
  ],
  create: (caps, config, secrets) => createHttpIntegration(caps, config, secrets),
});
