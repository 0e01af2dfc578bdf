import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completion, type FakeOpenAi, startFakeOpenAi } from './fakes/openai.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant } from './support/tenants.js';

const OPENAI_KEY = 'sk-installation-entities-0000';
const ORDER_DESK = `
name: order-desk
start: ask
nlu:
  entities:
    order_id: { type: regex, pattern: 'ORD-\\d{4}' }
    contact: { type: email }
states:
  ask:
    type: slot_filling
    slots:
      - { name: order, entity: order_id, prompt: "Your order number?", retry: "Order numbers look like ORD-1234." }
      - { name: email, entity: contact, prompt: "Your e-mail?", retry: "An e-mail at example.com, please.", validate: 'value.endsWith("@example.com")' }
    next: done
  done: { type: end, say: "Looking up {{ slots.order }} for {{ slots.email }}." }
`;

interface Turn {
  replies: { text: string }[];
}
interface Trace {
  turns: { events: { type: string; task?: string; ok?: boolean; error?: { code: string; message: string }; slot?: string }[] }[];
}

let server: TestApp;
let openai: FakeOpenAi;
beforeAll(async () => {
  openai = await startFakeOpenAi({ apiKey: OPENAI_KEY });
  server = await startApp({ env: { OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: openai.url, MCP_MODELS_RETRY_BASE_MS: '1', MCP_SSRF_ALLOW: '127.0.0.1' } });
});
afterAll(async () => {
  await server.stop();
  await openai.close();
});

const extraction = (entity: string, value: string, text: string) => completion({ entities: [{ entity, value, text }] });

describe('entity values a model extracts are checked like typed ones', () => {
  it('drops a value that fails its entity pattern or type (traced), asks the slot again, and applies the slot validate', async () => {
    const api = client(server.url, (await createTenant(server.app)).apiKey);
    const settings = await api.call('PUT', '/v1/models/settings', { routing: { cascadeThreshold: 0, tasks: { entities: [{ provider: 'openai', model: 'gpt-4o-mini' }] } } });
    expect(settings.status).toBe(200);
    const flow = await api.post<{ id: string }>('/v1/flows', ORDER_DESK);
    expect(flow.status).toBe(201);
    await api.post(`/v1/flows/${flow.body.id}/publish`);
    await api.post(`/v1/flows/${flow.body.id}/default`);
    const say = async (text: string) => (await api.post<Turn>('/v1/conversations/desk-1/messages', { text })).body.replies.map((r) => r.text);

    openai.answerWith(completion({ entities: [] }));
    expect((await say('hello'))[0]).toBe('Your order number?');

    // A path where an order id belongs: the pattern ORD-\d{4} refuses it, as it would refuse it typed.
    openai.answerWith(extraction('order_id', '../../admin?delete=1', 'the admin one'));
    expect(await say('it is the admin one')).toEqual(['Order numbers look like ORD-1234.']);
    const slots = await api.get<{ slots: Record<string, unknown> }>('/v1/conversations/desk-1');
    expect(slots.body.slots.order ?? null).toBeNull();
    const trace = await api.get<Trace>('/v1/conversations/desk-1/trace?limit=1');
    const call = trace.body.turns[0]!.events.find((e) => e.type === 'model_call' && e.task === 'entities');
    expect(call).toMatchObject({ ok: false, error: { code: 'invalid_output', message: expect.stringContaining("'order_id'") } });

    // A value the pattern accepts, normalised by the model from what was said, is taken.
    openai.answerWith(extraction('order_id', 'ORD-1234', 'ord dash one two three four'));
    expect(await say('ord dash one two three four')).toEqual(['Your e-mail?']);

    // Not an e-mail at all: refused by the entity type.
    openai.answerWith(extraction('contact', 'bob at home', 'bob at home'));
    expect(await say('bob at home')).toEqual(['An e-mail at example.com, please.']);
    // An e-mail, but the slot's own validate refuses it.
    openai.answerWith(extraction('contact', 'bob@evil.test', 'bob at evil dot test'));
    expect(await say('bob at evil dot test')).toEqual(['An e-mail at example.com, please.']);
    openai.answerWith(extraction('contact', 'bob@example.com', 'bob at example dot com'));
    expect(await say('bob at example dot com')).toEqual(['Looking up ORD-1234 for bob@example.com.']);
  });
});
