import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
// @ts-expect-error plain JavaScript shared with the stdio fake, which `node` runs without a loader
import { registerFakeTools } from './mcp-tools.js';

export interface FakeMcpServer {
  /** The Streamable HTTP endpoint. */
  url: string;
  /** Tool calls the server ran. */
  calls: { tool: string; [key: string]: unknown }[];
  /** Authorization headers it received. */
  authorizations: (string | undefined)[];
  close(): Promise<void>;
}

/** The MCP SDK's own server over Streamable HTTP (stateless, JSON responses) on loopback. */
export async function startFakeMcpServer(): Promise<FakeMcpServer> {
  const calls: FakeMcpServer['calls'] = [];
  const authorizations: (string | undefined)[] = [];
  const http = createServer((req, res) => {
    void (async () => {
      authorizations.push(req.headers.authorization);
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      // Stateless: a fresh server and transport per request, as the SDK's examples do.
      const server = new McpServer({ name: 'fake-http', version: '1.0.0' });
      (registerFakeTools as (s: McpServer, c: FakeMcpServer['calls']) => void)(server, calls);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on('close', () => void transport.close().then(() => server.close()));
      await server.connect(transport);
      await transport.handleRequest(req, res, text ? (JSON.parse(text) as unknown) : undefined);
    })().catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    calls,
    authorizations,
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
