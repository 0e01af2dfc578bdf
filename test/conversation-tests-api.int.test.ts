import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant, twoTenants } from './support/tenants.js';

const FLOW = readFileSync(new URL('../examples/faq-handoff.yaml', import.meta.url), 'utf8');
const SUITE = readFileSync(new URL('../examples/faq-handoff.test.yaml', import.meta.url), 'utf8');

interface SuiteBody {
  ok: boolean;
  flow: string;
  passed: number;
  failed: number;
  results: { name: string; ok: boolean; failures: { turn: number; field: string; expected: unknown; actual: unknown; diff?: unknown[] }[] }[];
}

let server: TestApp;
beforeAll(async () => {
  server = await startApp();
});
afterAll(async () => {
  await server.stop();
});

async function createFlow(apiKey: string, source = FLOW): Promise<string> {
  const created = await client(server.url, apiKey).post<{ id: string }>('/v1/flows', source);
  expect(created.status).toBe(201);
  return created.body.id;
}

describe('POST /v1/flows/{id}/test', () => {
  it('runs a YAML suite against the latest published version, and the draft with ?draft=true', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    const flowId = await createFlow(tenant.apiKey);

    const unpublished = await api.post(`/v1/flows/${flowId}/test`, SUITE);
    expect(unpublished.status).toBe(409);
    expect(unpublished.body).toMatchObject({ error: { code: 'flow_not_published' } });

    const draft = await api.post<SuiteBody>(`/v1/flows/${flowId}/test?draft=true`, SUITE);
    expect(draft.status).toBe(200);
    expect(draft.body).toMatchObject({ ok: true, flow: 'faq-handoff', failed: 0, passed: 5 });

    expect((await api.post(`/v1/flows/${flowId}/publish`)).status).toBe(201);
    const edited = FLOW.replace('We accept Visa, Mastercard', 'We accept Amex, Visa, Mastercard');
    expect((await api.call('PUT', `/v1/flows/${flowId}`, edited)).status).toBe(200);

    const published = await api.post<SuiteBody>(`/v1/flows/${flowId}/test`, SUITE);
    expect(published.body).toMatchObject({ ok: true, passed: 5, failed: 0 });

    const changed = await api.post<SuiteBody>(`/v1/flows/${flowId}/test?draft=true`, SUITE);
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ ok: false, passed: 4, failed: 1 });
    const failure = changed.body.results.find((r) => !r.ok)?.failures[0];
    expect(failure).toMatchObject({ turn: 2, field: 'replies' });
    expect(failure?.diff).toContainEqual({ kind: 'unexpected', text: '"We accept Amex, Visa, Mastercard, Vipps, Klarna (invoice or instalments) and gift cards."' });
  });

  it('takes the suite as a JSON object too, and ignores its `flow` key', async () => {
    const tenant = await createTenant(server.app);
    const flowId = await createFlow(tenant.apiKey);
    const result = await client(server.url, tenant.apiKey).post<SuiteBody>(`/v1/flows/${flowId}/test?draft=true`, {
      flow: './somewhere-else.yaml',
      tests: [{ name: 'greets', turns: [{ say: 'hello', expect: { intent: 'greet', state: 'question' } }] }],
    });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ ok: true, passed: 1, failed: 0 });
  });

  it('rejects an invalid suite with 400 and the path of each problem', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    const flowId = await createFlow(tenant.apiKey);
    const bad = await api.post<{ error: { code: string; message: string; details: { issues: { path: string }[] } } }>(
      `/v1/flows/${flowId}/test?draft=true`,
      'tests:\n  - name: x\n    turns: [{ say: hi, expect: { stat: menu } }]\n',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'bad_request', message: "The conversation tests are not valid: tests[0].turns[0].expect.stat: unknown key 'stat'." });
    expect((await api.post(`/v1/flows/${flowId}/test?draft=true`, 'tests: [')).status).toBe(400);
    expect((await api.post(`/v1/flows/${flowId}/test?draft=true`, '   ')).status).toBe(400);
    expect((await api.post(`/v1/flows/${flowId}/test?draft=maybe`, SUITE)).status).toBe(400);
    expect((await api.post('/v1/flows/flow_nope/test?draft=true', SUITE)).status).toBe(404);
  });

  it("does not let tenant B test tenant A's flow", async () => {
    const [a, b] = await twoTenants(server.app);
    const flowId = await createFlow(a.apiKey);
    const asB = await client(server.url, b.apiKey).post(`/v1/flows/${flowId}/test?draft=true`, SUITE);
    expect(asB.status).toBe(404);
    expect(asB.body).toMatchObject({ error: { code: 'flow_not_found' } });
    expect((await client(server.url).post(`/v1/flows/${flowId}/test?draft=true`, SUITE)).status).toBe(401);
  });
});
