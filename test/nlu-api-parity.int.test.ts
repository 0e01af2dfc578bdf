import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainIntentClassifier } from '../src/modules/models/index.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant, type TestTenant } from './support/tenants.js';

/**
 * What `POST /v1/flows/{id}/nlu/parse` answers is what the classifier trained in process from the
 * same examples answers (bench:nlu's "over the API" rows rely on it). A slice of Banking77: 10
 * intents × 20 training examples, 3 test utterances each.
 */
type Split = [text: string, intent: string][];
const data = JSON.parse(gunzipSync(readFileSync(new URL('../bench/datasets/banking77/data.json.gz', import.meta.url))).toString('utf8')) as Record<string, Split>;
const INTENTS = [...new Set((data.train ?? []).map(([, intent]) => intent))].slice(0, 10);
const examples: Record<string, string[]> = {};
for (const [text, intent] of data.train ?? []) {
  const list = INTENTS.includes(intent) ? (examples[intent] ??= []) : null;
  if (list && list.length < 20) list.push(text);
}
const tests = INTENTS.flatMap((intent) => (data.test ?? []).filter(([, i]) => i === intent).slice(0, 3));

type Parse = { intent: { name: string; confidence: number }; alternatives: { name: string; confidence: number }[] };

let server: TestApp;
let tenant: TestTenant;
beforeAll(async () => {
  server = await startApp();
  tenant = await createTenant(server.app, 'parity');
});
afterAll(async () => {
  await server.stop();
});

async function publishedFlow(intents: Record<string, string[]>): Promise<string> {
  const api = client(server.url, tenant.apiKey);
  const flow = { name: `banking-slice-${Object.keys(intents)[0]}`, start: 'ask', nlu: { intents }, states: { ask: { type: 'intent', transitions: [{ to: 'ask' }] } } };
  const created = await api.post<{ id: string }>('/v1/flows', flow);
  expect(created.status).toBe(201);
  expect((await api.post(`/v1/flows/${created.body.id}/publish`)).status).toBe(201);
  return created.body.id;
}

describe('NLU over the API', () => {
  it('parses a Banking77 slice exactly as the classifier trained in process does, whatever order the intents come in', async () => {
    const inProcess = trainIntentClassifier(examples);
    const api = client(server.url, tenant.apiKey);
    // Stored flows reorder their intents (jsonb); the reversed flow checks that the order does not matter.
    const flows = [await publishedFlow(examples), await publishedFlow(Object.fromEntries(Object.entries(examples).reverse()))];
    let agree = 0;
    for (const [text, expected] of tests) {
      const mine = inProcess.classify(text).ranking.slice(0, 5);
      for (const flowId of flows) {
        const parsed = await api.post<Parse>(`/v1/flows/${flowId}/nlu/parse`, { text });
        expect(parsed.status).toBe(200);
        expect(parsed.body.alternatives.map((a) => a.name)).toEqual(mine.map((m) => m.name));
        parsed.body.alternatives.forEach((a, i) => expect(a.confidence).toBeCloseTo(mine[i]?.confidence ?? -1, 9));
        const top = mine[0] ?? { name: '', confidence: 0 };
        expect(parsed.body.intent.name).toBe(top.confidence >= 0.55 ? top.name : 'fallback');
      }
      if (mine[0]?.name === expected) agree++;
    }
    // The slice is learnable: most test utterances land on their intent.
    expect(agree / tests.length).toBeGreaterThan(0.6);
  });
});
