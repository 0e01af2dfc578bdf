import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completion, type FakeOpenAi, startFakeOpenAi } from './fakes/openai.js';
import { TEST_DATABASE_URL } from './support/env.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant, type TestTenant, twoTenants } from './support/tenants.js';
import { tinyPdf } from './support/tiny-pdf.js';

const POLICY = `# Returns and refunds

Items can be returned within 30 days of delivery. Refunds go back to the original payment method within 5 business days.

# Shipping

Standard shipping takes 3 to 5 business days. Express shipping arrives the next business day if ordered before 2 pm.`;

const FLOW = `
name: kb
start: ask
states:
  ask:
    type: intent
    say: "Ask me anything."
    transitions:
      - to: answer
  answer:
    type: answer
    no_answer: "I don't know that one yet."
    save_as: kb
    next: ask
`;

type Source = { id: string; status: string; chunkCount: number; embeddingModel: string | null; kind: string };
type Hit = { text: string; citation: { sourceId: string; sourceName: string; chunk: number; start: number; end: number }; coverage: number; vector: unknown };
type Turn = { replies: { text: string }[]; state: string };

let offline: TestApp;
let withModel: TestApp;
let openai: FakeOpenAi;
let site: Server;
let siteUrl: string;
let siteDown = false;
beforeAll(async () => {
  openai = await startFakeOpenAi();
  site = createServer((req, res) => {
    if (req.url === '/faq.html' && !siteDown) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body><nav>Home | Shop</nav><h1>FAQ</h1><p>Gift cards never expire and can be used online or in store.</p></body></html>');
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  offline = await startApp({ env: { MCP_SSRF_ALLOW: '127.0.0.1' } });
  withModel = await startApp({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.url } });
});
afterAll(async () => {
  await offline?.stop();
  await withModel?.stop();
  await openai?.close();
  await new Promise((resolve) => site?.close(resolve));
});

async function deployFlow(server: TestApp, tenant: TestTenant): Promise<void> {
  const api = client(server.url, tenant.apiKey);
  const created = await api.post<{ id: string }>('/v1/flows', FLOW);
  expect(created.status).toBe(201);
  expect((await api.post(`/v1/flows/${created.body.id}/publish`)).status).toBeLessThan(300);
  await api.post(`/v1/flows/${created.body.id}/default`);
}

describe('knowledge base over HTTP, offline (BM25, no key)', () => {
  it('indexes an upload, shows what a question retrieves, and answers in a flow with the best passage and its source', async () => {
    const tenant = await createTenant(offline.app, 'kb');
    const api = client(offline.url, tenant.apiKey);
    const added = await api.post<Source>('/v1/knowledge/sources', { kind: 'markdown', name: 'Returns policy', content: POLICY });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ kind: 'markdown', status: 'indexed', embeddingModel: null });
    expect(added.body.chunkCount).toBeGreaterThan(0);

    const search = await api.post<{ hits: Hit[]; mode: string; relevant: boolean }>('/v1/knowledge/search', { question: 'How long do refunds take?' });
    expect(search.body).toMatchObject({ mode: 'bm25', relevant: true });
    const top = search.body.hits[0]!;
    expect(top.citation).toMatchObject({ sourceId: added.body.id, sourceName: 'Returns policy', chunk: 0 });
    // Offsets point into the uploaded text.
    expect(POLICY.slice(top.citation.start, top.citation.end)).toBe(top.text);

    await deployFlow(offline, tenant);
    await api.post('/v1/conversations/c1/messages', { text: 'hi' });
    const turn = await api.post<Turn>('/v1/conversations/c1/messages', { text: 'How many days do refunds take?' });
    expect(turn.status).toBe(200);
    expect(turn.body.replies[0]!.text).toBe('Refunds go back to the original payment method within 5 business days.\n\nSource: Returns policy');
    const nothing = await api.post<Turn>('/v1/conversations/c1/messages', { text: 'Do you sell bicycles?' });
    expect(nothing.body.replies[0]!.text).toBe("I don't know that one yet.");

    const trace = await api.get<{ turns: { events: { type: string; method?: string }[] }[] }>('/v1/conversations/c1/trace');
    const searches = trace.body.turns.flatMap((t) => t.events).filter((e) => e.type === 'knowledge_search');
    // The greeting was a question too (this flow answers every message): nothing relevant.
    expect(searches.map((e) => e.method)).toEqual(['none', 'passage', 'none']);
  });

  it('reads PDF and HTML uploads, and fetches a URL through the SSRF guard', async () => {
    const tenant = await createTenant(offline.app, 'kbdocs');
    const api = client(offline.url, tenant.apiKey);
    const pdf = tinyPdf(['Warranty: every kettle has a two year warranty.', 'Keep your receipt.']);
    expect((await api.post<Source>('/v1/knowledge/sources', { kind: 'pdf', name: 'Warranty', contentBase64: pdf.toString('base64') })).status).toBe(201);
    expect((await api.post<Source>('/v1/knowledge/sources', { kind: 'html', name: 'About', content: '<p>Our <b>store</b> opens at <i>9 am</i>.</p><script>alert(1)</script>' })).status).toBe(201);
    const page = await api.post<Source>('/v1/knowledge/sources', { kind: 'url', url: `${siteUrl}/faq.html` });
    expect(page.body).toMatchObject({ kind: 'url', name: `${siteUrl}/faq.html`, status: 'indexed' });

    const ask = async (question: string) => (await api.post<{ text: string; method: string; citations: { sourceName: string }[] }>('/v1/knowledge/answer', { question })).body;
    expect(await ask('How long is the kettle warranty?')).toMatchObject({ method: 'passage', text: expect.stringContaining('two year warranty'), citations: [{ sourceName: 'Warranty' }] });
    expect(await ask('When does the store open?')).toMatchObject({ text: 'Our store opens at 9 am.', citations: [{ sourceName: 'About' }] });
    expect(await ask('Do gift cards expire?')).toMatchObject({ text: expect.stringContaining('never expire'), citations: [{ sourceName: `${siteUrl}/faq.html` }] });

    const reindexed = await api.post<Source>(`/v1/knowledge/sources/${page.body.id}/reindex`);
    expect(reindexed.body).toMatchObject({ status: 'indexed', chunkCount: page.body.chunkCount });
    // A page that has gone: the source says why, and its last good chunks still answer.
    siteDown = true;
    const gone = await api.post<{ error: { message: string } }>(`/v1/knowledge/sources/${page.body.id}/reindex`);
    expect(gone.status).toBe(400);
    expect((await api.get<Source & { error: string }>(`/v1/knowledge/sources/${page.body.id}`)).body).toMatchObject({ status: 'failed', error: expect.stringMatching(/answered 404/) });
    expect((await ask('Do gift cards expire?')).method).toBe('passage');
    siteDown = false;
    expect((await api.call('DELETE', `/v1/knowledge/sources/${page.body.id}`)).status).toBe(204);
    expect((await ask('Do gift cards expire?')).method).toBe('none');
    expect((await api.get<{ sources: Source[] }>('/v1/knowledge/sources')).body.sources.map((s) => s.kind)).toEqual(['pdf', 'html']);
  });

  it('refuses bad input with a clear 400 and stores nothing', async () => {
    const tenant = await createTenant(offline.app, 'kbbad');
    const api = client(offline.url, tenant.apiKey);
    const bad = async (body: unknown) => {
      const response = await api.post<{ error: { code: string; message: string } }>('/v1/knowledge/sources', body);
      expect(response.status).toBe(400);
      return response.body.error.message;
    };
    expect(await bad({ kind: 'docx', name: 'x', content: 'x' })).toMatch(/kind/);
    expect(await bad({ kind: 'text', name: 'x', content: '' })).toMatch(/empty/);
    expect(await bad({ kind: 'pdf', name: 'x', contentBase64: '***' })).toMatch(/base64/);
    expect(await bad({ kind: 'pdf', name: 'x', contentBase64: Buffer.from('not a pdf').toString('base64') })).toMatch(/PDF could not be read/);
    expect(await bad({ kind: 'text', name: 'x', content: '   \n  ' })).toMatch(/No text/);
    expect(await bad({ kind: 'url', url: 'ftp://example.com/x' })).toMatch(/http/);
    expect(await bad({ kind: 'url', url: `${siteUrl}/missing` })).toMatch(/answered 404/);
    expect((await api.post('/v1/knowledge/search', { question: '' })).status).toBe(400);
    expect((await api.get('/v1/knowledge/sources/not-a-uuid')).status).toBe(400);
    expect((await api.get<{ sources: Source[] }>('/v1/knowledge/sources')).body.sources).toEqual([]);
  });

  it('keeps tenants apart: B never retrieves, reads or deletes A’s chunks, even by SQL as the app role', async () => {
    const [a, b] = await twoTenants(offline.app);
    const apiA = client(offline.url, a.apiKey);
    const apiB = client(offline.url, b.apiKey);
    const source = await apiA.post<Source>('/v1/knowledge/sources', { kind: 'text', name: 'Secret', content: 'The vault code is swordfish.' });
    expect((await apiB.post<{ hits: Hit[] }>('/v1/knowledge/search', { question: 'vault code swordfish' })).body.hits).toEqual([]);
    expect((await apiB.post<{ method: string }>('/v1/knowledge/answer', { question: 'What is the vault code?' })).body.method).toBe('none');
    expect((await apiB.get(`/v1/knowledge/sources/${source.body.id}`)).status).toBe(404);
    expect((await apiB.call('DELETE', `/v1/knowledge/sources/${source.body.id}`)).status).toBe(404);
    expect((await apiB.post(`/v1/knowledge/sources/${source.body.id}/reindex`)).status).toBe(404);
    expect((await apiA.post<{ hits: Hit[] }>('/v1/knowledge/search', { question: 'vault code' })).body.hits).toHaveLength(1);

    // Row-level security itself, whatever a query says: as the app role with B set, A's rows do not exist.
    const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    try {
      await db.query('BEGIN');
      await db.query("SELECT set_config('app.tenant_id', $1, true), set_config('role', 'mcp_app', true)", [b.id]);
      for (const table of ['knowledge_sources', 'knowledge_chunks', 'knowledge_terms']) {
        const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [a.id]);
        expect(rows[0]!.n).toBe(0);
      }
      await db.query('ROLLBACK');
    } finally {
      await db.end();
    }
  });

  it('needs knowledge:write to change sources or ask for answers, knowledge:read to list and search', async () => {
    const tenant = await createTenant(offline.app, 'kbperm');
    const { secret } = await offline.app.security.createApiKey(tenant.id, { name: 'reader', scopes: ['knowledge:read'] });
    const reader = client(offline.url, secret);
    expect((await reader.post('/v1/knowledge/sources', { kind: 'text', name: 'x', content: 'hello' })).status).toBe(403);
    expect((await reader.post('/v1/knowledge/answer', { question: 'hello?' })).status).toBe(403);
    expect((await reader.get('/v1/knowledge/sources')).status).toBe(200);
    expect((await reader.post('/v1/knowledge/search', { question: 'hello' })).status).toBe(200);
    expect((await client(offline.url).get('/v1/knowledge/sources')).status).toBe(401);
  });

  it('without MCP_SSRF_ALLOW, a URL on an internal address is refused', async () => {
    const tenant = await createTenant(withModel.app, 'kbssrf');
    const response = await client(withModel.url, tenant.apiKey).post<{ error: { message: string } }>('/v1/knowledge/sources', { kind: 'url', url: `${siteUrl}/faq.html` });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/Could not fetch .*(internal|private|loopback|not allowed|blocked)/i);
  });
});

describe('knowledge base with the tenant’s model (OpenAI fake)', () => {
  it('embeds chunks, searches hybrid, and answers with the model’s cited text; NO_ANSWER falls back to the template', async () => {
    const tenant = await createTenant(withModel.app, 'kbllm');
    const api = client(withModel.url, tenant.apiKey);
    const added = await api.post<Source>('/v1/knowledge/sources', { kind: 'markdown', name: 'Returns policy', content: POLICY });
    expect(added.body.embeddingModel).toBe('openai/text-embedding-3-small');

    const search = await api.post<{ hits: Hit[]; mode: string }>('/v1/knowledge/search', { question: 'express shipping next day' });
    expect(search.body.mode).toBe('hybrid');
    expect(search.body.hits[0]!.vector).not.toBeNull();

    await deployFlow(withModel, tenant);
    await api.post('/v1/conversations/m1/messages', { text: 'hi' });
    openai.answerWith(completion('Refunds reach your original payment method within 5 business days [1].'));
    const turn = await api.post<Turn>('/v1/conversations/m1/messages', { text: 'How long do refunds take?' });
    expect(turn.body.replies[0]!.text).toBe('Refunds reach your original payment method within 5 business days [1].\n\nSource: [1] Returns policy');
    const request = openai.chats().at(-1)!.body as { messages: { role: string; content: string }[] };
    // The passages and the question travel as data, never in the system prompt.
    expect(request.messages[0]!.content).not.toContain('payment method');
    expect(JSON.stringify(request.messages.slice(1))).toContain('original payment method');

    openai.answerWith(completion('NO_ANSWER'));
    const unknown = await api.post<Turn>('/v1/conversations/m1/messages', { text: 'How long does express shipping take to refund?' });
    expect(unknown.body.replies[0]!.text).toBe("I don't know that one yet.");
    const conversation = await api.get<{ vars: { kb: { method: string } } }>('/v1/conversations/m1');
    expect(conversation.body.vars.kb.method).toBe('none');
  });
});
