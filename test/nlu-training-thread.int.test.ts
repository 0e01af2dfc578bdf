import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { twoTenants } from './support/tenants.js';

// A large model trains in a worker thread (issue 21): while it trains, the server keeps answering.

const SMALL_FLOW = `
name: greeter
start: ask
nlu:
  intents:
    greet: ["hello", "hi there", "good morning"]
    bye: ["bye", "see you later", "goodbye"]
states:
  ask:
    type: intent
    transitions:
      - when: intent == "greet"
        to: done
    fallback: { say: "Sorry?", max: 3, then: done }
  done: { type: end }
`;

const LARGE_FLOW = `
name: big-bot
start: ask
nlu:
  trainingData: big
states:
  ask:
    type: intent
    transitions:
      - when: intent == "intent_0"
        to: done
    fallback: { say: "Sorry?", max: 3, then: done }
  done: { type: end }
`;

/** 5,000 distinct utterances over 50 intents. */
function largeTrainingData(): { name: string; intents: Record<string, string[]> } {
  const words = ['order', 'card', 'balance', 'transfer', 'refund', 'account', 'payment', 'delivery', 'address', 'limit', 'fee', 'rate'];
  const intents = Object.fromEntries(
    Array.from({ length: 50 }, (_, i) => [
      `intent_${i}`,
      Array.from({ length: 100 }, (_, j) => `${words[i % words.length]} ${words[(i * 5 + j) % words.length]} topic${i} case ${j} detail${(i * 31 + j) % 53}`),
    ]),
  );
  return { name: 'big', intents };
}

let server: TestApp;
beforeAll(async () => {
  server = await startApp();
});
afterAll(async () => {
  await server.stop();
});

describe('a large NLU model training', () => {
  it("leaves health checks and another tenant's parses answered while it trains at publish", async () => {
    const [large, small] = await twoTenants(server.app);
    const apiLarge = client(server.url, large.apiKey);
    const apiSmall = client(server.url, small.apiKey);
    const probe = client(server.url);

    expect((await apiLarge.post('/v1/nlu/training-data', largeTrainingData())).status).toBe(201);
    const bigFlow = await apiLarge.post<{ id: string }>('/v1/flows', LARGE_FLOW);
    const smallFlow = await apiSmall.post<{ id: string }>('/v1/flows', SMALL_FLOW);
    expect((await apiSmall.post(`/v1/flows/${smallFlow.body.id}/publish`)).status).toBe(201);

    const order: string[] = [];
    // Publishing trains the version's model before it answers.
    const publishing = apiLarge.post(`/v1/flows/${bigFlow.body.id}/publish`).then((response) => {
      order.push('large model published');
      return response;
    });
    for (let i = 0; i < 10; i++) expect((await probe.get('/healthz')).status).toBe(200);
    const parsed = await apiSmall.post<{ intent: { name: string } }>(`/v1/flows/${smallFlow.body.id}/nlu/parse`, { text: 'hello there' });
    expect(parsed.body.intent.name).toBe('greet');
    order.push('other tenant answered');

    expect((await publishing).status).toBe(201);
    expect(order).toEqual(['other tenant answered', 'large model published']);
    // The model trained in the worker serves the large flow's parses.
    const big = await apiLarge.post<{ intent: { name: string } }>(`/v1/flows/${bigFlow.body.id}/nlu/parse`, { text: 'card order topic7 case 3' });
    expect(big.body.intent.name).toBe('intent_7');
  });
});
