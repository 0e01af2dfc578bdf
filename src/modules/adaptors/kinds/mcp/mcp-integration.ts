import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { CallError } from '../../call-error.js';
import { raceAbort } from '../../resilience/abort.js';
import type { CallContext, IntegrationClient, KindCaps } from '../define-kind.js';
import { mcpConfigProblems, type McpConfig, type McpSecrets } from './mcp-schema.js';
import { checkToolInput, indexTools, type ToolEntry, toolValue } from './mcp-tools.js';

/** Connecting (and listing tools) has its own bound, independent of the call that triggered it. */
const CONNECT_TIMEOUT_MS = 15_000;

interface Session {
  client: Client;
  tools: Map<string, ToolEntry>;
}

function transportFor(caps: KindCaps, config: McpConfig, secrets: McpSecrets): Transport {
  const t = config.transport;
  if (t.type === 'http') {
    const headers = { ...t.headers, ...(secrets.token ? { authorization: `Bearer ${secrets.token}` } : {}) };
    // The SDK's requests go through the SSRF-guarded, size-limited fetch, like every other call.
    return new StreamableHTTPClientTransport(new URL(t.url), { fetch: caps.http.fetch, requestInit: { headers } });
  }
  const problem = mcpConfigProblems(config, { stdioCommands: caps.stdioCommands })[0];
  if (problem) throw new CallError('misconfigured', `The MCP server cannot start: ${problem}.`);
  // Only the SDK's safe defaults (PATH, HOME …) are inherited: never the engine's own secrets.
  const transport = new StdioClientTransport({ command: t.command, args: t.args, env: { ...getDefaultEnvironment(), ...t.env, ...secrets }, stderr: 'pipe' });
  transport.stderr?.on('data', (chunk: Buffer) => caps.logger.debug({ stderr: chunk.toString('utf8').slice(0, 2000) }, 'adaptors: MCP server stderr'));
  return transport;
}

/** An MCP server whose tools are the operations: one session, opened on first use and reused. */
export function createMcpIntegration(caps: KindCaps, config: McpConfig, secrets: McpSecrets): IntegrationClient {
  let session: Promise<Session> | null = null;

  async function open(): Promise<Session> {
    const client = new Client({ name: 'mcp-engine', version: '0.1.0' });
    const options = { signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS), timeout: CONNECT_TIMEOUT_MS };
    try {
      await client.connect(transportFor(caps, config, secrets), options);
      const tools: Tool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : undefined, options);
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor);
      return { client, tools: indexTools(tools, config.tools) };
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error instanceof CallError ? error : new CallError('network_error', `Could not open the MCP session: ${(error as Error).message}.`, { retryable: true, cause: error });
    }
  }

  function current(ctx: CallContext): Promise<Session> {
    if (!session) {
      const opening = open();
      session = opening;
      opening.then(
        (s) => (s.client.onclose = () => session === opening && (session = null)),
        () => session === opening && (session = null),
      );
    }
    return raceAbort(session, ctx.signal);
  }

  /** A broken session is dropped so the next call reconnects. */
  async function reset(): Promise<void> {
    const stale = session;
    session = null;
    await stale?.then((s) => s.client.close()).catch(() => undefined);
  }

  return {
    async listOperations(ctx) {
      return [...(await current(ctx)).tools.values()].map((t) => t.info);
    },

    async call(name, input, ctx) {
      const { client, tools } = await current(ctx);
      const tool = tools.get(name);
      if (!tool) throw new CallError('operation_not_found', `The MCP server has no tool '${name}'${config.tools ? ' among the allowed tools' : ''}.`);
      const args = checkToolInput(tool, input);
      try {
        const result = await client.callTool({ name, arguments: args }, undefined, { signal: ctx.signal });
        return toolValue(name, result as Parameters<typeof toolValue>[1]);
      } catch (error) {
        if (error instanceof CallError || ctx.signal.aborted) throw error;
        const code = (error as { code?: unknown }).code;
        // JSON-RPC errors (numbers) come from a working server; anything else means the session broke.
        if (typeof code === 'number') throw new CallError('tool_error', `Tool '${name}' failed: ${(error as Error).message}.`);
        await reset();
        throw new CallError('network_error', `The MCP session failed: ${(error as Error).message}.`, { retryable: true, cause: error });
      }
    },

    async test(ctx) {
      const { tools } = await current(ctx);
      return { tools: tools.size };
    },

    close: reset,
  };
}
