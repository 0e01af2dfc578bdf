import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from './support/env.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant, type TestTenant } from './support/tenants.js';

/** A workspace that asks for it gets personal data replaced in what is stored; the turn itself still sees it. */
const FLOW = `
name: echo
start: ask
states:
  ask:
    type: intent
    transitions: [{ to: echo }]
  echo:
    type: response
    say: "You said {{ message.text }}"
    next: ask
`;
const SECRETS = ['ada@example.com', '4111 1111 1111 1111', '+44 20 7946 0958'];
const TEXT = `mail ada@example.com, card 4111 1111 1111 1111, phone +44 20 7946 0958, order 12345678`;
let server: TestApp;
let db: pg.Client;
let redacting: TestTenant;
let keeping: TestTenant;

async function withFlow(label: string): Promise<TestTenant> {
  const tenant = await createTenant(server.app, label);
  const api = client(server.url, tenant.apiKey);
  const created = await api.post<{ id: string }>('/v1/flows', FLOW);
  expect((await api.post(`/v1/flows/${created.body.id}/publish`)).status).toBe(201);
  expect((await api.post(`/v1/flows/${created.body.id}/default`)).status).toBe(200);
  return tenant;
}

/** Everything stored about the conversation (messages and traces), as text. */
async function stored(tenant: TestTenant, conversation: string): Promise<string> {
  const messages = await db.query('SELECT doc::text AS t FROM messages WHERE tenant_id = $1 AND conversation_id = $2', [tenant.id, conversation]);
  const traces = await db.query('SELECT trace::text AS t FROM turn_traces WHERE tenant_id = $1 AND conversation_id = $2', [tenant.id, conversation]);
  return [...messages.rows, ...traces.rows].map((r: { t: string }) => r.t).join('\n');
}

beforeAll(async () => {
  server = await startApp();
  db = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await db.connect();
  [redacting, keeping] = [await withFlow('redact'), await withFlow('keep')];
});

afterAll(async () => {
  await db?.end();
  await server?.stop();
});

describe('redaction of personal data', () => {
  it('is a validated workspace setting, off by default', async () => {
    const api = client(server.url, redacting.apiKey);
    expect((await api.get('/v1/privacy/policy')).body).toMatchObject({ redactPersonalData: false });
    expect((await api.call('PUT', '/v1/privacy/policy', { messageRetentionDays: null, redactPersonalData: 'yes' })).status).toBe(400);
    expect((await api.call('PUT', '/v1/privacy/policy', { messageRetentionDays: null, redactPersonalData: true })).status).toBe(200);
    expect((await api.get('/v1/privacy/policy')).body).toMatchObject({ redactPersonalData: true, messageRetentionDays: null });
  });

  it('replaces e-mails, card numbers and phone numbers in stored messages and traces of that workspace only', async () => {
    for (const tenant of [redacting, keeping]) {
      const turn = await client(server.url, tenant.apiKey).post<{ replies: { text: string }[] }>('/v1/conversations/pii/messages', { text: TEXT });
      expect(turn.status, JSON.stringify(turn.body)).toBe(200);
      // The turn itself works with what was written.
      expect(turn.body.replies[0]!.text).toContain('ada@example.com');
    }
    const kept = await stored(redacting, 'pii');
    for (const secret of SECRETS) expect(kept).not.toContain(secret);
    expect(kept).toContain('[email]');
    expect(kept).toContain('[card number]');
    expect(kept).toContain('[phone]');
    expect(kept).toContain('order 12345678');
    const history = await client(server.url, redacting.apiKey).get<{ messages: { text: string | null }[] }>('/v1/conversations/pii/messages');
    expect(JSON.stringify(history.body)).not.toContain('ada@example.com');

    const untouched = await stored(keeping, 'pii');
    for (const secret of SECRETS) expect(untouched).toContain(secret);
  });
});
