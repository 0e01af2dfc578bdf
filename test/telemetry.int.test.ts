import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceLogFields } from '../src/shared/telemetry.js';
import { completion, type FakeOpenAi, startFakeOpenAi } from './fakes/openai.js';
import { type FakeCollector, startFakeCollector } from './fakes/otlp-collector.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant, type TestTenant } from './support/tenants.js';

/**
 * One turn traced end to end: the caller's W3C trace context in, spans gateway → chat → engine →
 * models → the outbound HTTP call (which carries the trace on to the model server), exported over
 * OTLP to a loopback collector; the app's log lines carry the trace id.
 */
const FLOW = `
name: traced
start: ask
states:
  ask:
    type: intent
    transitions: [{ to: answer }]
  answer:
    type: response
    generate: { instructions: "Answer kindly.", fallback: "Sorry." }
    next: ask
`;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

let collector: FakeCollector;
let openai: FakeOpenAi;
let server: TestApp;
let stopped = false;
let tenant: TestTenant;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  collector = await startFakeCollector();
  openai = await startFakeOpenAi();
  openai.answerWith(completion('Here you are.'));
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (logLines.push(...chunk.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)), done()) });
  server = await startApp({
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SERVICE_NAME: 'engine-under-test', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.url, MCP_SSRF_ALLOW: '127.0.0.1' },
    // What app.ts gives its own logger when tracing is on.
    logger: pino({ level: 'debug', mixin: traceLogFields }, sink),
  });
  tenant = await createTenant(server.app);
  const api = client(server.url, tenant.apiKey);
  const created = await api.post<{ id: string }>('/v1/flows', FLOW);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect((await api.post(`/v1/flows/${created.body.id}/publish`)).status).toBe(201);
  expect((await api.post(`/v1/flows/${created.body.id}/default`)).status).toBe(200);
});

afterAll(async () => {
  if (!stopped) await server?.stop();
  await openai?.close();
  await collector?.close();
});

describe('OpenTelemetry', () => {
  it('exports the spans of one turn, continuing the caller\'s trace, and passes it on to the model server', async () => {
    const turn = await client(server.url, tenant.apiKey).post('/v1/conversations/traced-1/messages', { text: 'hello there' }, { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` });
    expect(turn.status, JSON.stringify(turn.body)).toBe(200);
    expect(JSON.stringify(turn.body)).toContain('Here you are.');

    // The model server got the same trace, from a span of ours.
    const outbound = openai.chats().at(-1)!.headers.traceparent as string;
    expect(outbound).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));

    // A call outside any request (as the outbox delivering a reply) starts a trace of its own.
    expect((await fetch(`${openai.url}/models`)).status).toBe(200);
    const background = openai.requests.at(-1)!.headers.traceparent as string;
    expect(background).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(background).not.toContain(TRACE_ID);

    stopped = true;
    await server.stop(); // flushes the exporter
    const spans = collector.spans.filter((s) => s.traceId === TRACE_ID);
    const byName = (name: string) => spans.find((s) => s.name === name);
    const request = byName('POST /v1/conversations/:conversationId/messages');
    expect(request, spans.map((s) => s.name).join(', ')).toBeDefined();
    expect(request!.parentSpanId).toBe(CALLER_SPAN);
    expect(request!.service).toBe('engine-under-test');
    const chat = byName('chat.handleMessage')!;
    const engine = byName('engine.processMessage')!;
    const generate = byName('models.generate')!;
    expect(chat.parentSpanId).toBe(request!.spanId);
    expect(engine.parentSpanId).toBe(chat.spanId);
    expect(generate).toBeDefined();
    const http = spans.find((s) => s.kind === 3 && s.name.startsWith('POST 127.0.0.1'))!;
    expect(http, spans.map((s) => s.name).join(', ')).toBeDefined();
    expect(outbound.split('-')[2]).toBe(http.spanId);

    expect(collector.spans.some((s) => s.traceId === background.split('-')[1] && s.kind === 3 && !s.parentSpanId)).toBe(true);

    // Log lines written during the turn name its trace.
    expect(logLines.some((line) => line.trace_id === TRACE_ID)).toBe(true);
    // The request's own line names it, its workspace and its trace, and holds no credential.
    const requestLine = logLines.find((line) => line.msg === 'request completed' && (line.req as { url?: string }).url === '/v1/conversations/traced-1/messages');
    expect(requestLine).toMatchObject({ reqId: expect.any(String), tenantId: tenant.id, trace_id: TRACE_ID, req: { method: 'POST' }, res: { statusCode: 200 } });
    expect(JSON.stringify(requestLine)).not.toContain(tenant.apiKey);
  });
});
