import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialogflowZip } from './support/dialogflow-zip.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant, type TestTenant, twoTenants } from './support/tenants.js';

const RASA = readFileSync(new URL('./fixtures/nlu/rasa-nlu.yml', import.meta.url), 'utf8');

const BANKING = `
name: banking
description: shared banking intents
intents:
  balance: ["what is my balance", "how much money do I have", "show my account balance", "balance please", "check my balance"]
  transfer: ["send money to a friend", "transfer 50 dollars", "wire money to my sister", "make a transfer", "move money to savings"]
  card_lost: ["I lost my card", "my card was stolen", "block my card", "card is missing", "someone took my credit card"]
entities:
  account: { type: regex, pattern: "\\\\b[0-9]{8}\\\\b" }
`;

const FLOW = `
name: bank-bot
start: ask
nlu:
  trainingData: banking
states:
  ask:
    type: intent
    transitions:
      - when: intent == "balance"
        to: balance
      - when: intent == "transfer"
        to: transfer
    fallback: { say: "Sorry, I did not get that.", max: 5, then: done }
  balance: { type: response, say: "Your balance is fine.", next: ask }
  transfer: { type: response, say: "Who should get the money?", next: ask }
  done: { type: end }
`;

type Detail = { name: string; revision: number; intents: number; examples: number; entities: number; document: { intents: Record<string, string[]>; entities: Record<string, unknown> } };
type ErrorBody = { error: { code: string; message: string } };

let server: TestApp;
beforeAll(async () => {
  server = await startApp();
});
afterAll(async () => {
  await server.stop();
});

const base = '/v1/nlu/training-data';
const api = (tenant: TestTenant) => client(server.url, tenant.apiKey);

async function publishedBot(tenant: TestTenant, flow = FLOW): Promise<string> {
  const created = await api(tenant).post<{ id: string }>('/v1/flows', flow);
  expect(created.status).toBe(201);
  expect((await api(tenant).post(`/v1/flows/${created.body.id}/publish`)).status).toBe(201);
  await api(tenant).post(`/v1/flows/${created.body.id}/default`);
  return created.body.id;
}

describe('training data documents', () => {
  it('are created, listed, read, replaced as new revisions, and deleted', async () => {
    const tenant = await createTenant(server.app);
    const http = api(tenant);
    const created = await http.post<Detail>(base, BANKING);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'banking', revision: 1, intents: 3, examples: 15, entities: 1 });

    expect((await http.get(base)).body).toEqual([expect.objectContaining({ name: 'banking', revision: 1, examples: 15 })]);
    expect((await http.get<Detail>(`${base}/banking`)).body.document.intents.balance).toHaveLength(5);

    const replaced = await http.call<Detail>('PUT', `${base}/banking?revision=1`, { intents: { balance: ['balance'] } });
    expect(replaced.body).toMatchObject({ revision: 2, examples: 1 });
    // A replace based on an old revision is refused, and nothing is lost.
    const stale = await http.call<ErrorBody>('PUT', `${base}/banking?revision=1`, { intents: { x: ['y'] } });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toMatch(/revision 2, not 1/);
    expect((await http.get<Detail>(`${base}/banking?revision=1`)).body.examples).toBe(15);

    expect((await http.call('DELETE', `${base}/banking`)).status).toBe(204);
    expect((await http.get<ErrorBody>(`${base}/banking`)).body.error.code).toBe('not_found');
    // The name is free again; revisions continue, so pinned flow versions keep theirs.
    expect((await http.post<Detail>(base, BANKING)).body.revision).toBe(3);
    // Audit entries are written just after the response.
    const audited = async () => (await http.get<{ entries: { action: string }[] }>('/v1/audit?action=nlu')).body.entries.map((e) => e.action);
    await expect.poll(audited).toEqual(expect.arrayContaining(['nlu.training_data_create', 'nlu.training_data_replace', 'nlu.training_data_delete']));
  });

  it('refuse bad input with a clear message', async () => {
    const tenant = await createTenant(server.app);
    const http = api(tenant);
    const cases: [unknown, RegExp][] = [
      [{ name: 'Bad Name!', intents: {} }, /name: use 1–64 lowercase letters/],
      [{ name: 'x', intents: { a: [''] } }, /intents\.a\.0: an example cannot be empty/],
      [{ name: 'x', entities: { e: { type: 'regex', pattern: '(a)\\1' } } }, /entities\.e\.pattern/],
      [{ name: 'x', extra: 1 }, /extra/],
      ['name: [unclosed', /neither valid YAML nor JSON/],
    ];
    for (const [body, message] of cases) {
      const response = await http.post<ErrorBody>(base, body);
      expect(response.status).toBe(400);
      expect(response.body.error.message).toMatch(message);
    }
    await http.post(base, BANKING);
    expect((await http.post<ErrorBody>(base, BANKING)).status).toBe(409);
    const unknownIntent = await http.post<ErrorBody>(`${base}/banking/examples`, { intent: 'nope', text: 'hello' });
    expect(unknownIntent.status).toBe(400);
    expect(unknownIntent.body.error.message).toMatch(/no intent 'nope'/);
  });

  it('accept a document of 50,000 examples, and the flow that references it stays small', async () => {
    const tenant = await createTenant(server.app);
    const intents: Record<string, string[]> = {};
    for (let i = 0; i < 50_000; i += 1) (intents[`intent_${i % 150}`] ??= []).push(`example utterance number ${i} for intent ${i % 150}`);
    const created = await api(tenant).post<Detail>(base, { name: 'big', intents });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ examples: 50_000, intents: 150 });
    const flow = FLOW.replace('trainingData: banking', 'trainingData: big');
    expect(Buffer.byteLength(flow)).toBeLessThan(512 * 1024);
    const validated = await api(tenant).post<{ valid: boolean; warnings: unknown[] }>('/v1/flows/validate', flow);
    expect(validated.body).toEqual({ valid: true, warnings: [] });
    expect((await api(tenant).post('/v1/flows', flow)).status).toBe(201);
  });
});

describe('flows that reference training data', () => {
  it('pin the revision when published: document edits reach conversations on the next publish, drafts at once', async () => {
    const tenant = await createTenant(server.app);
    const http = api(tenant);
    await http.post(base, BANKING);
    const flowId = await publishedBot(tenant);
    expect((await http.get<{ definition: { nlu: unknown } }>(`/v1/flows/${flowId}/versions/1`)).body.definition.nlu).toEqual({ trainingData: { name: 'banking', revision: 1 } });

    const turn = await http.post<{ intent: string; replies: { text: string }[] }>('/v1/conversations/c1/messages', { text: 'what is my balance' });
    expect(turn.body).toMatchObject({ intent: 'balance', replies: [{ text: 'Your balance is fine.' }] });

    // Revision 2 adds an intent; the published version keeps revision 1 until the next publish.
    const doc = (await http.get<Detail>(`${base}/banking`)).body.document;
    const loan = ['I need a loan', 'apply for a loan', 'can I borrow money', 'loan rates', 'mortgage and loan offers'];
    await http.call('PUT', `${base}/banking`, { ...doc, intents: { ...doc.intents, loan } });
    const parse = async (query: string) =>
      (await http.post<{ intent: { name: string }; alternatives: { name: string }[] }>(`/v1/flows/${flowId}/nlu/parse${query}`, { text: 'apply for a loan' })).body;
    expect((await parse('?draft=true')).intent.name).toBe('loan');
    expect((await parse('')).alternatives.map((a) => a.name)).not.toContain('loan');

    expect((await http.post<{ version: number }>(`/v1/flows/${flowId}/publish`)).body.version).toBe(2);
    expect((await http.get<{ definition: { nlu: unknown } }>(`/v1/flows/${flowId}/versions/2`)).body.definition.nlu).toEqual({ trainingData: { name: 'banking', revision: 2 } });
    expect((await parse('')).intent.name).toBe('loan');
  });

  it('take a button payload that names one of the document’s intents as that intent', async () => {
    const tenant = await createTenant(server.app);
    const http = api(tenant);
    await http.post(base, BANKING);
    await publishedBot(tenant);
    const turn = await http.post<{ intent: string; confidence: number; replies: { text: string }[] }>('/v1/conversations/p1/messages', { payload: 'transfer' });
    expect(turn.body).toMatchObject({ intent: 'transfer', confidence: 1, replies: [{ text: 'Who should get the money?' }] });
    const other = await http.post<{ intent: string | null }>('/v1/conversations/p1/messages', { payload: 'not_an_intent' });
    expect(other.body.intent).not.toBe('not_an_intent');
  });

  it('cannot be published while the document is missing or lacks a slot’s entity', async () => {
    const tenant = await createTenant(server.app);
    const http = api(tenant);
    const flow = (await http.post<{ id: string }>('/v1/flows', FLOW)).body;
    const missing = await http.post<ErrorBody>(`/v1/flows/${flow.id}/publish`);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/nlu\.trainingData: No NLU training data named 'banking'/);

    await http.post(base, BANKING);
    const slots = FLOW.replace('balance: { type: response, say: "Your balance is fine.", next: ask }', 'balance: { type: slot_filling, slots: [{ name: acct, entity: iban, prompt: "Which account?" }], next: ask }');
    const withSlot = (await http.post<{ id: string }>('/v1/flows', slots.replace('bank-bot', 'bank-bot-2'))).body;
    const noEntity = await http.post<ErrorBody>(`/v1/flows/${withSlot.id}/publish`);
    expect(noEntity.status).toBe(400);
    expect(noEntity.body.error.message).toMatch(/states\.balance\.slots\[0\]\.entity: entity 'iban' is defined neither/);
  });
});

describe('imports', () => {
  it('read a Rasa nlu.yml and a Dialogflow ES export, and say what they skipped', async () => {
    const tenant = await createTenant(server.app);
    const http = api(tenant);
    const rasa = await http.post<{ trainingData: Detail; warnings: string[] }>(`${base}/travel/import?format=rasa`, RASA);
    expect(rasa.status).toBe(200);
    expect(rasa.body.trainingData).toMatchObject({ name: 'travel', revision: 1, intents: 3, entities: 2 });
    expect(rasa.body.warnings).toHaveLength(1);

    const zip = dialogflowZip();
    const response = await fetch(`${server.url}${base}/pizza/import?format=dialogflow`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/zip' },
      body: zip,
    });
    expect(response.status).toBe(200);
    const dialogflow = (await response.json()) as { trainingData: Detail };
    expect(dialogflow.trainingData.document.intents['order.pizza']).toHaveLength(3);

    const notZip = await http.post<ErrorBody>(`${base}/pizza/import?format=dialogflow`, 'just text');
    expect(notZip.status).toBe(400);
    expect(notZip.body.error.message).toMatch(/not a readable zip/);
    expect((await http.post<ErrorBody>(`${base}/pizza/import?format=luis`, RASA)).body.error.message).toMatch(/format must be rasa/);
    // A failed import leaves the stored document as it was.
    expect((await http.get<Detail>(`${base}/pizza`)).body.revision).toBe(1);
  });
});

describe('the review loop', () => {
  it('lists unsure messages, adds one as an example in one call, and scores the held-back split before and after', async () => {
    const tenant = await createTenant(server.app);
    const http = api(tenant);
    await http.post(base, BANKING);
    await publishedBot(tenant);
    await http.post('/v1/conversations/r1/messages', { text: 'what is my balance' });
    await http.post('/v1/conversations/r1/messages', { text: 'purple elephants dance' });
    await http.post('/v1/conversations/r2/messages', { text: 'purple elephants dance' });

    type Item = { text: string; count: number; suggestedIntent: string | null };
    const review = await http.get<Item[]>(`${base}/banking/review`);
    expect(review.status).toBe(200);
    expect(review.body).toEqual([expect.objectContaining({ text: 'purple elephants dance', count: 2 })]);

    const before = await http.post<{ evaluation: { revision: number; accuracy: number } }>(`${base}/banking/evaluate`);
    expect(before.body.evaluation).toMatchObject({ revision: 1, trainExamples: expect.any(Number), testExamples: expect.any(Number) });

    const added = await http.post<Detail>(`${base}/banking/examples`, { intent: 'card_lost', text: 'purple elephants dance', revision: 1 });
    expect(added.status).toBe(201);
    expect(added.body.revision).toBe(2);
    expect((await http.get<Item[]>(`${base}/banking/review`)).body).toEqual([]);
    expect((await http.post<ErrorBody>(`${base}/banking/examples`, { intent: 'card_lost', text: 'Purple  elephants dance' })).status).toBe(409);

    const after = await http.post<{ evaluation: { revision: number }; previous: { revision: number } | null }>(`${base}/banking/evaluate`);
    expect(after.body.evaluation.revision).toBe(2);
    expect(after.body.previous?.revision).toBe(1);
    expect((await http.get<{ revision: number }[]>(`${base}/banking/evaluations`)).body.map((e) => e.revision)).toEqual([2, 1]);
  });

  it('needs the right permissions', async () => {
    const tenant = await createTenant(server.app);
    const { secret } = await server.app.security.createApiKey(tenant.id, { name: 'reader', scopes: ['flows:read'] });
    const reader = client(server.url, secret);
    expect((await reader.get(base)).status).toBe(200);
    expect((await reader.post(base, BANKING)).status).toBe(403);
    expect((await reader.get(`${base}/banking/review`)).status).toBe(403);
  });
});

describe('tenant isolation', () => {
  it('keeps every document, revision, evaluation and miss to its own workspace', async () => {
    const [a, b] = await twoTenants(server.app);
    await api(a).post(base, BANKING);
    await publishedBot(a);
    await api(a).post('/v1/conversations/secret/messages', { text: 'tenant a private words' });
    await api(a).post(`${base}/banking/evaluate`);

    const other = api(b);
    expect((await other.get(base)).body).toEqual([]);
    const calls: [string, string, unknown?][] = [
      ['GET', `${base}/banking`],
      ['GET', `${base}/banking?revision=1`],
      ['PUT', `${base}/banking`, { intents: {} }],
      ['DELETE', `${base}/banking`],
      ['POST', `${base}/banking/examples`, { intent: 'balance', text: 'x' }],
      ['POST', `${base}/banking/evaluate`],
      ['GET', `${base}/banking/evaluations`],
      ['GET', `${base}/banking/review`],
    ];
    for (const [method, path, body] of calls) {
      const response = await other.call<ErrorBody>(method, path, body);
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    // B's document of the same name is its own: B sees neither A's revisions nor A's misses.
    expect((await other.post<Detail>(base, { name: 'banking', intents: { hi: ['hello'] } })).body.revision).toBe(1);
    expect((await other.get(`${base}/banking/review`)).body).toEqual([]);
    expect((await other.get(`${base}/banking/evaluations`)).body).toEqual([]);
    // A flow of B publishes with B's document, never A's.
    const flowId = await publishedBot(b, FLOW.replace('intent == "balance"', 'intent == "hi"'));
    expect((await other.get<{ definition: { nlu: unknown } }>(`/v1/flows/${flowId}/versions/1`)).body.definition.nlu).toEqual({ trainingData: { name: 'banking', revision: 1 } });
    expect((await other.post<{ intent: { name: string } }>(`/v1/flows/${flowId}/nlu/parse`, { text: 'what is my balance' })).body.intent.name).not.toBe('balance');
    // A's document is untouched by B's calls.
    expect((await api(a).get<Detail>(`${base}/banking`)).body).toMatchObject({ revision: 1, examples: 15 });
  });
});
