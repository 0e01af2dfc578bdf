// A tiny MCP server over stdio, started by the engine as `node test/fakes/mcp-stdio-server.js`.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { registerFakeTools } from './mcp-tools.js';

const server = new McpServer({ name: 'fake-stdio', version: '1.0.0' });
registerFakeTools(server, []);
await server.connect(new StdioServerTransport());
