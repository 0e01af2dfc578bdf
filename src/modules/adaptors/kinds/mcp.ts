import { defineIntegrationKind } from './define-kind.js';
import { createMcpIntegration } from './mcp/mcp-integration.js';
import { mcpConfigProblems, mcpConfigSchema, mcpDestination, mcpSecretsSchema } from './mcp/mcp-schema.js';

export const mcpKind = defineIntegrationKind({
  id: 'mcp',
  title: 'MCP tool server',
  description: 'A Model Context Protocol server over Streamable HTTP or stdio; its tools become operations that flows can call.',
  configSchema: mcpConfigSchema,
  secretsSchema: mcpSecretsSchema,
  problems: (config, _secrets, env) => mcpConfigProblems(config, env),
  destinations: (config) => [mcpDestination(config)],
  create: (caps, config, secrets) => createMcpIntegration(caps, config, secrets),
});
