import { z } from 'zod';
import type { Destination } from '../define-kind.js';

/** A Model Context Protocol tool server, reached over Streamable HTTP or run as a local process (stdio). */
export const mcpConfigSchema = z.strictObject({
  transport: z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('http'),
      url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
      headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,100}$/), z.string().max(4000)).optional(),
    }),
    z.strictObject({
      type: z.literal('stdio'),
      /** Must be one of the commands the operator lists in MCP_STDIO_COMMANDS. */
      command: z.string().min(1).max(500),
      args: z.array(z.string().max(2000)).max(50).default([]),
      env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().max(4000)).optional(),
    }),
  ]),
  /** Tools callable from flows; all of the server's tools when absent. */
  tools: z.array(z.string().min(1).max(200)).optional(),
});
export type McpConfig = z.infer<typeof mcpConfigSchema>;

/**
 * `token` is sent as `Authorization: Bearer` over HTTP; for stdio, every secret becomes an
 * environment variable of the server process (e.g. `GITHUB_TOKEN`).
 */
export const mcpSecretsSchema = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'use letters, digits and _'), z.string().min(1));
export type McpSecrets = z.infer<typeof mcpSecretsSchema>;

export function mcpConfigProblems(config: McpConfig, env: { stdioCommands: readonly string[] }): string[] {
  if (config.transport.type !== 'stdio' || env.stdioCommands.includes(config.transport.command)) return [];
  return [`command '${config.transport.command}' is not allowed on this server; an operator must add it to MCP_STDIO_COMMANDS`];
}

/**
 * Where the secrets go. For stdio that is the whole command line and environment, not just the
 * command: `node` with other arguments (or NODE_OPTIONS) runs other code with the secrets.
 */
export function mcpDestination(config: McpConfig): Destination {
  const t = config.transport;
  if (t.type === 'http') return { path: 'config.transport.url', url: t.url };
  return { path: 'config.transport', process: JSON.stringify([t.command, t.args, t.env ?? {}]) };
}
