import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { twoTenants, type TestTenant } from './support/tenants.js';

const DEMO = readFileSync(new URL('../src/demo/order-support.yaml', import.meta.url), 'utf8');

let server: TestApp;
beforeAll(async () => {
  server = await startApp();
});
afterAll(async () => {
  await server.stop();
});

type Turn = { replies: { text: string }[]; handoff: boolean; state: string };
type Summary = { id: string; status: string; channel: string; messageCount: number };

async function deploy(tenant: TestTenant) {
  const api = client(server.url, tenant.apiKey);
  const flow = await api.post<{ id: string }>('/v1/flows', DEMO);
  await api.post(`/v1/flows/${flow.body.id}/publish`);
  await api.post(`/v1/flows/${flow.body.id}/default`);
  return api;
}

describe('agent inbox: list, reply as a person, hand back to the bot', () => {
  it('finds handed-off conversations, delivers the agent’s reply, and gives the conversation back', async () => {
    const [a, b] = await twoTenants(server.app);
    const api = await deploy(a);
    await api.post('/v1/conversations/calm/messages', { text: 'where is my order' });
    const handoff = await api.post<Turn>('/v1/conversations/upset/messages', { text: 'talk to a human' });
    expect(handoff.body.handoff).toBe(true);
    expect(handoff.body.replies.at(-1)?.text).toBe('Connecting you to a person.');

    const inbox = await api.get<{ conversations: Summary[] }>('/v1/conversations?status=handoff');
    expect(inbox.body.conversations.map((c) => c.id)).toEqual(['upset']);
    const all = await api.get<{ conversations: Summary[] }>('/v1/conversations');
    expect(all.body.conversations.map((c) => c.id).sort()).toEqual(['calm', 'upset']);
    const search = await api.get<{ conversations: Summary[] }>('/v1/conversations?q=human');
    expect(search.body.conversations.map((c) => c.id)).toEqual(['upset']);

    // Until a person takes it, the user hears the flow's waiting message.
    const waiting = await api.post<Turn>('/v1/conversations/upset/messages', { text: 'hello?' });
    expect(waiting.body.replies.map((r) => r.text)).toEqual([expect.stringContaining("You're in the queue")]);

    const reply = await api.post<{ author: string; text: string }>('/v1/conversations/upset/agent-reply', { text: 'Hi, I am Sam. How can I help?' });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ author: 'agent', text: 'Hi, I am Sam. How can I help?' });
    const history = await api.get<{ messages: { direction: string; text: string; author?: string }[] }>('/v1/conversations/upset/messages');
    expect(history.body.messages.at(-1)).toMatchObject({ direction: 'outbound', author: 'agent', text: 'Hi, I am Sam. How can I help?' });
    // The agent who replied has the conversation now, so the bot stays quiet while they talk.
    expect((await api.get<Summary & { handoff: { assignee: string } }>('/v1/conversations/upset')).body.handoff.assignee).toMatch(/^key:/);
    const quiet = await api.post<Turn>('/v1/conversations/upset/messages', { text: 'my parcel is late' });
    expect(quiet.body.replies).toEqual([]);

    const back = await api.post<Summary>('/v1/conversations/upset/hand-back');
    expect(back.status).toBe(200);
    expect(back.body.status).toBe('active');
    expect((await api.get<{ conversations: Summary[] }>('/v1/conversations?status=handoff')).body.conversations).toEqual([]);
    const bot = await api.post<Turn>('/v1/conversations/upset/messages', { text: 'where is my order' });
    expect(bot.body.replies.map((r) => r.text)).toContain('What is your order number?');

    const audit = await api.get<{ entries: { action: string }[] }>('/v1/audit?action=conversation');
    expect(audit.body.entries.map((e) => e.action).sort()).toEqual(['conversation.agent_reply', 'conversation.hand_back']);

    // Tenant B sees nothing of it and cannot act on it.
    const apiB = client(server.url, b.apiKey);
    expect((await apiB.get<{ conversations: unknown[] }>('/v1/conversations')).body.conversations).toEqual([]);
    expect((await apiB.post('/v1/conversations/upset/agent-reply', { text: 'hijack' })).status).toBe(404);
    expect((await apiB.post('/v1/conversations/upset/hand-back')).status).toBe(404);
    expect((await api.get<{ messages: { text: string }[] }>('/v1/conversations/upset/messages')).body.messages.some((m) => m.text === 'hijack')).toBe(false);
  });

  it('refuses bad input with a clear 4xx', async () => {
    const [a] = await twoTenants(server.app);
    const api = await deploy(a);
    await api.post('/v1/conversations/x/messages', { text: 'agent please' });
    expect((await api.post('/v1/conversations/x/agent-reply', { text: '' })).status).toBe(400);
    expect((await api.post('/v1/conversations/x/agent-reply', {})).status).toBe(400);
    expect((await api.post('/v1/conversations/nope/agent-reply', { text: 'hi' })).status).toBe(404);
    expect((await api.get('/v1/conversations?status=lost')).status).toBe(400);
    expect((await api.get('/v1/conversations?from=yesterday')).status).toBe(400);
    expect((await api.get('/v1/conversations?limit=0')).status).toBe(400);
  });
});
