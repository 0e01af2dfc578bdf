import { z } from 'zod';

/**
 * The tools both fake MCP servers (Streamable HTTP in mcp-server.ts, stdio in mcp-stdio-server.js)
 * offer. Plain JavaScript so that `node` runs the stdio server without a TypeScript loader.
 */
export function registerFakeTools(server, calls) {
  server.registerTool(
    'lookup_order',
    { description: 'Status of an order by id', inputSchema: { id: z.string().regex(/^\d{5,8}$/) }, annotations: { readOnlyHint: true } },
    async ({ id }) => {
      calls.push({ tool: 'lookup_order', id });
      return { content: [{ type: 'text', text: JSON.stringify({ id, status: 'shipped', carrier: 'DHL' }) }] };
    },
  );
  server.registerTool(
    'create_note',
    { description: 'Adds a note to the customer record', inputSchema: { text: z.string().min(1) } },
    async ({ text }) => {
      calls.push({ tool: 'create_note', text });
      return { content: [{ type: 'text', text: `noted: ${text}` }] };
    },
  );
  server.registerTool('explode', { description: 'Always fails', inputSchema: {} }, async () => {
    calls.push({ tool: 'explode' });
    return { isError: true, content: [{ type: 'text', text: 'the warehouse system is down' }] };
  });
  server.registerTool('whoami', { description: 'Echoes the environment variable FAKE_TOKEN', inputSchema: {}, annotations: { readOnlyHint: true } }, async () => ({
    content: [{ type: 'text', text: JSON.stringify({ token: process.env.FAKE_TOKEN ?? null, masterKey: process.env.MCP_MASTER_KEY ?? null }) }],
  }));
}
