/**
 * The demo bot's handoff as a user on the web chat API lives it: a waiting message while no person
 * has the conversation, and the bot back by itself after 5 minutes (the app's clock is moved, nobody
 * sleeps; the handoff's timer fires without the user writing again).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from './support/clock.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant, type TestTenant } from './support/tenants.js';

const DEMO_FLOW = readFileSync(new URL('../src/demo/order-support.yaml', import.meta.url), 'utf8');
const clock = manualClock();
let server: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  // A database of its own: this instance's moved clock must not fire other test files' handoff timers.
  server = await startApp({ clock, ownDatabase: true, env: { MCP_OUTBOX_POLL_MS: '25' } });
  tenant = await createTenant(server.app);
  const api = client(server.url, tenant.apiKey);
  const flow = await api.post<{ id: string }>('/v1/flows', DEMO_FLOW);
  expect((await api.post(`/v1/flows/${flow.body.id}/publish`)).status).toBeLessThan(300);
  expect((await api.post(`/v1/flows/${flow.body.id}/default`)).status).toBeLessThan(300);
});
afterAll(() => server.stop());

const BACK = "Sorry, no one is free right now. I'm back: I can track or cancel an order, or type 'agent' to try again later.";

interface Turn {
  replies: { text: string }[];
  handoff: boolean;
  state: string | null;
}

describe('the demo bot hands off well', () => {
  it('says the user is queued while no person answers, and takes over again by itself after 5 minutes', async () => {
    const api = client(server.url, tenant.apiKey);
    const say = async (text: string) => (await api.post<Turn>('/v1/conversations/queued/messages', { text })).body;

    const handoff = await say('talk to a human');
    expect(handoff.replies.map((r) => r.text)).toEqual(['Hi there! I can track or cancel an order.', 'Connecting you to a person.']);
    expect(handoff.handoff).toBe(true);

    clock.advance(60_000);
    const waiting = await say('hello? is anyone there?');
    expect(waiting.replies.map((r) => r.text)).toEqual([expect.stringMatching(/^You're in the queue: a person will answer here shortly/)]);
    expect(waiting.handoff).toBe(true);

    clock.advance(5 * 60_000);
    const transcript = () => api.get<{ messages: { direction: string; text: string | null }[] }>('/v1/conversations/queued/messages');
    let last: string | null | undefined;
    for (let i = 0; i < 300 && last !== BACK; i += 1) {
      last = (await transcript()).body.messages.at(-1)?.text;
      if (last !== BACK) await new Promise((r) => setTimeout(r, 50));
    }
    expect(last).toBe(BACK);
    expect((await api.get('/v1/conversations/queued')).body).toMatchObject({ handoff: null, state: 'ask' });
    expect((await say('where is my order')).replies.map((r) => r.text)).toEqual(['What is your order number?']);
  });
});
