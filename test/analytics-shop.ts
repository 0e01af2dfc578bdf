import { expect } from 'vitest';
import { client } from './support/http.js';
import type { TestTenant } from './support/tenants.js';

/** Known conversations over this flow must give exactly known figures (payloads pick intents exactly). */
export const SHOP_FLOW = `
name: shop
start: welcome
nlu:
  threshold: 0.99
  intents:
    buy: ["i want to buy something", "purchase please"]
    human: ["talk to a human", "agent please"]
    bye: ["bye", "goodbye"]
  entities:
    qty: { type: regex, pattern: "\\\\b[0-9]{1,3}\\\\b" }
global:
  - when: intent == "human"
    to: agent
states:
  welcome: { type: response, say: "Welcome!", next: menu }
  menu:
    type: intent
    transitions:
      - when: intent == "buy"
        to: quantity
      - when: intent == "bye"
        to: quit
    fallback: { say: "Say buy or bye.", max: 1, then: agent }
  quantity:
    type: slot_filling
    slots:
      - { name: count, entity: qty, prompt: "How many?" }
    next: lookup
  lookup:
    type: integration
    integration: echo
    operation: check
    with: { count: "{{ slots.count }}" }
    save_as: stock
    on_error: agent
    next: done
  done:
    type: end
    goal: true
    say: "Ordered {{ slots.count }}!"
    on_entry: [{ emit: { name: items_ordered, value: "{{ slots.count }}", tags: { source: shop } } }]
  quit: { type: end, say: "Bye." }
  agent: { type: handoff, say: "A person will help." }
`;

export async function deployShop(url: string, tenant: TestTenant): Promise<string> {
  const api = client(url, tenant.apiKey);
  const created = await api.post<{ id: string }>('/v1/flows', SHOP_FLOW);
  expect(created.status).toBe(201);
  expect((await api.post(`/v1/flows/${created.body.id}/publish`)).status).toBe(201);
  expect((await api.post(`/v1/flows/${created.body.id}/default`)).status).toBe(200);
  return created.body.id;
}

/** Five conversations: a goal, a quit, two fallbacks then a handoff, a drop-off at `quantity` (api channel), a handoff on request. */
export async function runKnownConversations(url: string, tenant: TestTenant): Promise<void> {
  const api = client(url, tenant.apiKey);
  const say = async (conversation: string, message: Record<string, unknown>) => {
    const response = await api.post(`/v1/conversations/${conversation}/messages`, { channel: 'web', ...message });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
  };
  await say('c1', { payload: 'buy' });
  await say('c1', { text: '3' });
  await say('c2', { payload: 'bye' });
  await say('c3', { text: 'blah blah' });
  await say('c3', { text: 'qwerty' });
  await say('c3', { text: 'hello?' });
  await say('c4', { payload: 'buy', channel: 'api' });
  await say('c5', { payload: 'human' });
}
