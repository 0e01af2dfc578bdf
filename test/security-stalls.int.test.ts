import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHealthProbe } from './support/health-probe.js';
import { client } from './support/http.js';
import { INTEGRATION_TEST_ENV } from './support/integration-env.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant, type TestTenant } from './support/tenants.js';

/**
 * Issue 14: one tenant's flow content must not stall the server for every tenant. Each attack is
 * sent (by an anonymous web-chat visitor or through the conversations API) while another thread
 * keeps asking /healthz; every probe must be answered, some of them while the attack is in flight.
 */
const SAFE_REPLY = "Sorry, something went wrong on our side. Let's start over.";
const ATTACKS_AT_ONCE = 3;

let server: TestApp;
beforeAll(async () => {
  server = await startApp({ env: INTEGRATION_TEST_ENV });
});
afterAll(async () => {
  await server.stop();
});

type Turn = { replies: { text: string }[] };
type TraceEvent = { type: string; code?: string; message?: string };

/** `integration`, when given, is created first (flows may only name configured integrations). */
async function tenantWithFlow(source: string, integration?: Record<string, unknown>): Promise<TestTenant> {
  const tenant = await createTenant(server.app);
  const api = client(server.url, tenant.apiKey);
  if (integration) {
    const made = await api.post('/v1/integrations', integration);
    expect(made.status, JSON.stringify(made.body)).toBe(201);
  }
  const created = await api.post<{ id: string }>('/v1/flows', source);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect((await api.post(`/v1/flows/${created.body.id}/publish`)).status).toBe(201);
  expect((await api.post(`/v1/flows/${created.body.id}/default`)).status).toBe(200);
  return tenant;
}

/** Runs `attack` a few times at once under the health probe; returns the first attack's result. */
async function underProbe<T>(attack: (n: number) => Promise<T>): Promise<T> {
  const probe = startHealthProbe(server.url);
  await probe.ready;
  const sent = Date.now();
  const results = await Promise.all(Array.from({ length: ATTACKS_AT_ONCE }, (_, n) => attack(n)));
  const answered = Date.now();
  const report = await probe.stop();
  expect(report.failures, 'health probes that got no answer').toEqual([]);
  expect(report.answeredAt.filter((at) => at >= sent && at <= answered).length, 'health probes answered during the attack').toBeGreaterThan(0);
  return results[0]!;
}

const viaApi = (tenant: TestTenant, text: string) => (n: number) =>
  client(server.url, tenant.apiKey).post<Turn>(`/v1/conversations/attack-${n}/messages`, { text });

async function traceErrors(tenant: TestTenant): Promise<TraceEvent[]> {
  const trace = await client(server.url, tenant.apiKey).get<{ turns: { events: TraceEvent[] }[] }>('/v1/conversations/attack-0/trace');
  expect(trace.status).toBe(200);
  return trace.body.turns.flatMap((t) => t.events).filter((e) => e.type === 'error');
}

const nameFlow = (when: string) => `
name: name-check
start: ask
states:
  ask:
    type: intent
    say: "Your name?"
    transitions:
      - when: ${when}
        to: ok
      - to: bad
  ok: { type: end, say: "Nice name" }
  bad: { type: end, say: "That is not a name" }
`;
const NAME_ATTACK = `${'a'.repeat(30)}!`;

describe('regular expressions run in linear time', () => {
  it("an anonymous web-chat visitor cannot stall the server through an 'op: matches' condition", async () => {
    const tenant = await tenantWithFlow(nameFlow(`{ field: message.text, op: matches, value: '^([a-zA-Z]+\\s?)+$' }`));
    const turn = await underProbe((n) =>
      client(server.url).post<{ replies: { text: string }[] }>('/v1/webchat/messages', { key: tenant.widgetKey, conversation: `visitor-${n}`, id: 'm1', text: NAME_ATTACK }),
    );
    expect(turn.status).toBe(200);
    expect(turn.body.replies.map((r) => r.text)).toEqual(['Your name?', 'That is not a name']);
  });

  it("a slot's validate regex that passes a safe-regex check ((a|aa)+) cannot stall it either", async () => {
    const tenant = await tenantWithFlow(`
name: code
start: ask
states:
  ask:
    type: slot_filling
    slots: [{ name: code, prompt: "Code?", retry: "Not a code.", max_attempts: 3, validate: { field: value, op: matches, value: '^(a|aa)+$' } }]
    next: done
  done: { type: end, say: "Thanks" }
`);
    // A conversation's first message is its greeting (it answers no question), so the attack is the second.
    const turn = await underProbe(async (n) => {
      await viaApi(tenant, 'hello')(n);
      return viaApi(tenant, `${'a'.repeat(44)}b`)(n);
    });
    expect(turn.status).toBe(200);
    expect(turn.body.replies.map((r) => r.text)).toEqual(['Not a code.']);
  });

  it("CEL's .matches() runs on the same engine", async () => {
    const tenant = await tenantWithFlow(nameFlow(`'message.text.matches("^([a-zA-Z]+\\\\s?)+$")'`));
    const turn = await underProbe(viaApi(tenant, NAME_ATTACK));
    expect(turn.body.replies.map((r) => r.text)).toEqual(['Your name?', 'That is not a name']);
  });

  it('refuses a pattern RE2 cannot run at validation, saying why and where', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    const res = await api.post<{ error: { code: string; details: { issues: { path: string; code: string; message: string }[] } } }>(
      '/v1/flows',
      nameFlow(`{ field: message.text, op: matches, value: '^(\\w)\\1$' }`),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toEqual([
      expect.objectContaining({ path: 'states.ask.transitions[0].when.value', code: 'unsupported_regex', message: expect.stringContaining('backreferences') }),
    ]);
  });
});

describe('conditions and templates have a per-turn budget', () => {
  it('stops three nested CEL comprehensions with an error in the trace and the safe reply', async () => {
    const list = `[${Array.from({ length: 300 }, (_, i) => i + 1).join(', ')}]`;
    const tenant = await tenantWithFlow(nameFlow(`'${list}.all(a, ${list}.all(b, ${list}.all(c, a + b + c > 0)))'`));
    const turn = await underProbe(viaApi(tenant, 'Ada'));
    expect(turn.status).toBe(200);
    expect(turn.body.replies.map((r) => r.text)).toEqual(['Your name?', SAFE_REPLY]);
    expect(await traceErrors(tenant)).toEqual([expect.objectContaining({ code: 'budget_exceeded', message: expect.stringContaining('CEL comprehensions') })]);
  });

  it('stops ten states of heavy Liquid loops, each under the per-template limit, as one turn over budget', async () => {
    // About a second each, under the old per-template limit: ten of them held the server ten seconds.
    const heavy = '{% for i in (1..1000) %}{% for j in (1..1000) %}{% assign x = j | plus: i %}{% endfor %}{% endfor %}done';
    const states = Array.from({ length: 10 }, (_, i) => `  s${i}: { type: response, say: "${heavy}", next: ${i < 9 ? `s${i + 1}` : 'end'} }`);
    const tenant = await tenantWithFlow(['name: loops', 'start: s0', 'states:', ...states, '  end: { type: end, say: "Bye" }'].join('\n'));
    const turn = await underProbe(viaApi(tenant, 'hi'));
    expect(turn.status).toBe(200);
    expect(turn.body.replies.at(-1)?.text).toBe(SAFE_REPLY);
    expect(await traceErrors(tenant)).toEqual([expect.objectContaining({ code: 'budget_exceeded', message: expect.stringContaining('Liquid') })]);
  });

  it("limits an integration's request templates; the flow takes its on_error path", async () => {
    const loop = '{% for i in (1..3000000) %}{% assign x = i | plus: 1 %}{% endfor %}';
    const tenant = await tenantWithFlow(
      `
name: lookup
start: call
states:
  call: { type: integration, integration: heavy, operation: send, on_error: failed, next: done }
  failed: { type: end, say: "The lookup failed." }
  done: { type: end, say: "Sent." }
`,
      { name: 'heavy', kind: 'http', config: { baseUrl: 'http://127.0.0.1:9', operations: { send: { method: 'POST', path: '/send', body: { a: loop, b: loop } } } } },
    );
    const turn = await underProbe(viaApi(tenant, 'hi'));
    expect(turn.status).toBe(200);
    expect(turn.body.replies.map((r) => r.text)).toEqual(['The lookup failed.']);
  });
});

describe('generate instructions', () => {
  it('warns when user text is templated into the instructions (prompt injection)', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    const res = await api.post<{ warnings: { path: string; code: string; message: string }[] }>(
      '/v1/flows',
      `
name: gen
start: answer
states:
  answer:
    type: response
    generate: { instructions: "Answer this question: {{ message.text }}", fallback: "Sorry." }
    next: done
  done: { type: end }
`,
    );
    expect(res.status).toBe(201);
    expect(res.body.warnings).toEqual([
      expect.objectContaining({ path: 'states.answer.generate.instructions', code: 'user_text_in_instructions', message: expect.stringContaining('prompt injection') }),
    ]);
  });
});
