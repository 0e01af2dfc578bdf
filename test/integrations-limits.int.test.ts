import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntegrationStatus, TestIntegrationResult } from '../src/modules/adaptors/contract.js';
import { type FakeCrm, startFakeCrm } from './fakes/crm.js';
import { client } from './support/http.js';
import { INTEGRATION_TEST_ENV } from './support/integration-env.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant } from './support/tenants.js';

let server: TestApp;
let crm: FakeCrm;
beforeAll(async () => {
  crm = await startFakeCrm();
  server = await startApp({
    // The fakes listen on loopback, which the SSRF guard refuses unless allow-listed.
    env: INTEGRATION_TEST_ENV,
  });
});
afterAll(async () => {
  await server.stop();
  await crm.close();
});

async function setup(operations: Record<string, unknown>) {
  const tenant = await createTenant(server.app);
  const api = client(server.url, tenant.apiKey);
  const created = await api.post<{ id: string }>('/v1/integrations', { name: 'api', kind: 'http', config: { baseUrl: crm.url, operations } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id;
  const call = async (operation: string, timeoutMs = 5000) => (await api.post<TestIntegrationResult>(`/v1/integrations/${id}/test`, { operation, timeoutMs })).body;
  const status = async () => (await api.get<IntegrationStatus>(`/v1/integrations/${id}/status`)).body;
  return { api, id, call, status };
}

/** Polls until the circuit reports `state`: the cooldown is real time, and waiting longer never hurts. */
async function until(status: () => Promise<IntegrationStatus>, state: IntegrationStatus['circuit']): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await status()).circuit === state) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`circuit never became ${state}`);
}

describe('a slow or huge response cannot stall a turn or exhaust memory', () => {
  it('times out a response that does not start in time', async () => {
    const { call } = await setup({ slow: { path: '/slow', query: { ms: '3000' } } });
    expect(await call('slow', 300)).toMatchObject({ ok: false, error: { code: 'timeout' } });
  });

  it('times out a response whose body trickles in forever', async () => {
    const { call } = await setup({ drip: { path: '/drip' } });
    expect(await call('drip', 400)).toMatchObject({ ok: false, error: { code: 'timeout' } });
  });

  it('stops reading a response past the size limit', async () => {
    const { call } = await setup({ huge: { path: '/huge' } });
    expect(await call('huge')).toMatchObject({ ok: false, error: { code: 'response_too_large', message: expect.stringContaining('262144 bytes') } });
  });

  it('refuses content types other than JSON and text', async () => {
    const { call } = await setup({ binary: { path: '/binary' } });
    expect(await call('binary')).toMatchObject({ ok: false, error: { code: 'unsupported_response' } });
  });
});

describe('circuit breaker and status', () => {
  it('opens after repeated failures, fails fast, then recovers through half-open', async () => {
    const { call, status } = await setup({ submit: { method: 'POST', path: '/orders/900', body: { n: 1 } } });
    expect(await status()).toMatchObject({ reachable: null, circuit: 'closed', lastError: null, latencyMs: { samples: 0 } });

    crm.failNext('/orders/900', 100, 500);
    expect(await call('submit')).toMatchObject({ ok: false, error: { code: 'http_error', status: 500 } });
    expect(await call('submit')).toMatchObject({ ok: false, error: { code: 'http_error', status: 500 } });
    expect(await status()).toMatchObject({ circuit: 'open', reachable: true, lastError: { code: 'http_error' } });

    const sent = crm.calls('/orders/900').length;
    expect(await call('submit')).toMatchObject({ ok: false, error: { code: 'circuit_open' } });
    expect(crm.calls('/orders/900').length).toBe(sent);

    // The half-open probe fails: open again for another cooldown.
    await until(status, 'half_open');
    expect(await call('submit')).toMatchObject({ ok: false, error: { code: 'http_error' } });
    expect((await status()).circuit).toBe('open');

    crm.failNext('/orders/900', 0, 500);
    await until(status, 'half_open');
    expect(await call('submit')).toMatchObject({ ok: true });
    const healthy = await status();
    expect(healthy).toMatchObject({ circuit: 'closed', reachable: true, scope: 'instance', lastSuccessAt: expect.any(String) });
    expect(healthy.latencyMs.samples).toBe(4);
    expect(healthy.latencyMs.p95).toBeGreaterThanOrEqual(healthy.latencyMs.p50!);
  });

  it('does not let bad input or a missing operation trip the breaker', async () => {
    const { call, status } = await setup({ get: { path: '/orders/1', required: ['id'] } });
    for (let i = 0; i < 3; i++) expect(await call('get')).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await call('nope')).toMatchObject({ ok: false, error: { code: 'operation_not_found' } });
    expect((await status()).circuit).toBe('closed');
  });
});
