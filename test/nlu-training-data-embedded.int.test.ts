import { expect, it } from 'vitest';
import { client } from './support/http.js';
import { startApp } from './support/start-app.js';
import { createTenant } from './support/tenants.js';

const FLOW = `
name: greeter
start: ask
nlu: { trainingData: small-talk }
states:
  ask:
    type: intent
    transitions: [{ when: intent == "hi", to: ask }]
    fallback: { say: "Sorry?", max: 5, then: done }
  done: { type: end }
`;

// On PGlite a transaction opened inside another waits for it forever: publishing (which pins the
// document's revision) and the review loop must work in the embedded default too.
it('training data works embedded (PGlite): publish pins, the review lists, an example is added and evaluated', async () => {
  const server = await startApp({ mode: 'embedded' });
  try {
    const api = client(server.url, (await createTenant(server.app)).apiKey);
    const created = await api.post('/v1/nlu/training-data', { name: 'small-talk', intents: { hi: ['hello', 'hi there', 'hey'], bye: ['bye', 'goodbye', 'see you'] } });
    expect(created.status).toBe(201);
    const flow = await api.post<{ id: string }>('/v1/flows', FLOW);
    expect((await api.post(`/v1/flows/${flow.body.id}/publish`)).status).toBe(201);
    await api.post(`/v1/flows/${flow.body.id}/default`);
    await api.post('/v1/conversations/x/messages', { text: 'zebra crossing' });
    expect((await api.get('/v1/nlu/training-data/small-talk/review')).body).toEqual([expect.objectContaining({ text: 'zebra crossing' })]);
    expect((await api.post('/v1/nlu/training-data/small-talk/examples', { intent: 'bye', text: 'zebra crossing' })).status).toBe(201);
    expect((await api.post<{ evaluation: { revision: number } }>('/v1/nlu/training-data/small-talk/evaluate')).body.evaluation.revision).toBe(2);
  } finally {
    await server.stop();
  }
}, 120_000);
