import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationInfo, TestIntegrationResult } from '../src/modules/adaptors/contract.js';
import { type FakeMcpServer, startFakeMcpServer } from './fakes/mcp-server.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant } from './support/tenants.js';

const STDIO_SERVER = fileURLToPath(new URL('./fakes/mcp-stdio-server.js', import.meta.url));

let server: TestApp;
let mcp: FakeMcpServer;
beforeAll(async () => {
  mcp = await startFakeMcpServer();
  server = await startApp({ env: { MCP_SSRF_ALLOW: '127.0.0.1', MCP_STDIO_COMMANDS: 'node' } });
});
afterAll(async () => {
  await server.stop();
  await mcp.close();
});

async function setup(definition: Record<string, unknown>) {
  const tenant = await createTenant(server.app);
  const api = client(server.url, tenant.apiKey);
  const created = await api.post<{ id: string }>('/v1/integrations', { name: 'tools', kind: 'mcp', ...definition });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id;
  const call = async (operation: string, input: Record<string, unknown> = {}) => (await api.post<TestIntegrationResult>(`/v1/integrations/${id}/test`, { operation, input })).body;
  return { api, id, call };
}

describe.each([
  ['Streamable HTTP', () => ({ config: { transport: { type: 'http', url: mcp.url } }, secrets: { token: 'mcp-bearer-secret' } })],
  ['stdio', () => ({ config: { transport: { type: 'stdio', command: 'node', args: [STDIO_SERVER] } }, secrets: { FAKE_TOKEN: 'stdio-env-secret' } })],
])('an MCP server over %s', (_transport, definition) => {
  it('lists its tools as operations, with idempotency from their hints', async () => {
    const { api, id } = await setup(definition());
    const listed = await api.get<{ operations: OperationInfo[] }>(`/v1/integrations/${id}/operations`);
    expect(listed.status).toBe(200);
    const byName = Object.fromEntries(listed.body.operations.map((o) => [o.name, o]));
    expect(Object.keys(byName).sort()).toEqual(['create_note', 'explode', 'lookup_order', 'whoami']);
    expect(byName.lookup_order).toMatchObject({ idempotent: true, description: 'Status of an order by id', inputSchema: { type: 'object', required: ['id'] } });
    expect(byName.create_note!.idempotent).toBe(false);
    expect((await api.post(`/v1/integrations/${id}/test`)).body).toMatchObject({ ok: true, value: { tools: 4 } });
  });

  it('calls tools, checks their input against the schema, and reports tool errors', async () => {
    const { call } = await setup(definition());
    expect(await call('lookup_order', { id: '12345' })).toMatchObject({ ok: true, value: { id: '12345', status: 'shipped', carrier: 'DHL' } });
    expect(await call('create_note', { text: 'call back' })).toMatchObject({ ok: true, value: 'noted: call back' });
    expect(await call('lookup_order', { id: 'abc' })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining("Tool 'lookup_order'") } });
    expect(await call('explode')).toMatchObject({ ok: false, error: { code: 'tool_error', message: expect.stringContaining('warehouse system is down') } });
    expect(await call('format_disk')).toMatchObject({ ok: false, error: { code: 'operation_not_found' } });
  });
});

describe('MCP specifics', () => {
  it('sends the token over HTTP and never runs schema-invalid calls', async () => {
    const { call } = await setup({ config: { transport: { type: 'http', url: mcp.url } }, secrets: { token: 'mcp-bearer-secret' } });
    const before = mcp.calls.length;
    await call('lookup_order', { id: 'x' });
    expect(mcp.calls.length).toBe(before);
    await call('lookup_order', { id: '55555' });
    expect(mcp.calls.at(-1)).toEqual({ tool: 'lookup_order', id: '55555' });
    expect(mcp.authorizations.at(-1)).toBe('Bearer mcp-bearer-secret');
  });

  it('passes secrets to a stdio server as its environment, redacted from results, and nothing of the engine’s', async () => {
    const { call } = await setup({ config: { transport: { type: 'stdio', command: 'node', args: [STDIO_SERVER] } }, secrets: { FAKE_TOKEN: 'stdio-env-secret' } });
    expect(await call('whoami')).toEqual({ ok: true, latencyMs: expect.any(Number), value: { token: '[redacted]', masterKey: null } });
  });

  it('limits the tools flows may call when the builder lists them', async () => {
    const { call } = await setup({ config: { transport: { type: 'http', url: mcp.url }, tools: ['lookup_order'] } });
    expect(await call('create_note', { text: 'x' })).toMatchObject({ ok: false, error: { code: 'operation_not_found' } });
    expect(await call('lookup_order', { id: '12345' })).toMatchObject({ ok: true });
  });

  it('refuses stdio commands the operator has not allow-listed', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    const created = await api.post('/v1/integrations', { name: 'sh', kind: 'mcp', config: { transport: { type: 'stdio', command: 'bash', args: ['-c', 'id'] } } });
    expect(created.status).toBe(400);
    expect(created.body).toMatchObject({ error: { code: 'bad_request', message: expect.stringContaining('MCP_STDIO_COMMANDS') } });
  });
});
