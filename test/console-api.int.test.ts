import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { twoTenants } from './support/tenants.js';
import { addMember } from './support/workspaces.js';

/** What the console needs from the API: the widget key and real webhook URLs, and drafts saved with errors. */
const FLOW = `name: greeter
start: ask
nlu:
  intents:
    greet: ["hello", "hi there"]
states:
  ask:
    type: intent
    transitions:
      - when: intent == "greet"
        to: done
    fallback: { say: "Sorry?", max: 2, then: done }
  done: { type: end, say: "Bye!" }
`;

let server: TestApp;
beforeAll(async () => {
  server = await startApp();
});
afterAll(async () => {
  await server?.stop();
});

async function ownerOf(tenantId: string, slug: string) {
  const email = `owner-${slug}@example.com`;
  await server.app.security.createUser(tenantId, { email, password: 'correct horse battery', role: 'owner' });
  const login = await client(server.url).post<{ accessToken: string }>('/v1/auth/login', { workspace: slug, email, password: 'correct horse battery' });
  expect(login.status).toBe(200);
  return client(server.url, login.body.accessToken);
}

describe('web channel widget key', () => {
  it('is shown, with the snippet, to those who manage channels only, each their own workspace’s', async () => {
    const [a, b] = await twoTenants(server.app);
    const owner = await ownerOf(a.id, a.slug);
    const embed = await owner.get<{ widgetKey: string; snippet: string; scriptUrl: string }>('/v1/channels/web/widget');
    expect(embed.status).toBe(200);
    expect(embed.body.widgetKey).toBe(a.widgetKey);
    // The address the caller reached the server at (the console's own origin).
    expect(new URL(embed.body.scriptUrl)).toMatchObject({ pathname: '/widget.js', port: new URL(server.url).port });
    expect(embed.body.snippet).toContain(`<mcp-chat widget-key="${a.widgetKey}"></mcp-chat>`);
    expect(embed.body.snippet).toContain('/widget.js" defer></script>');

    for (const role of ['editor', 'analyst', 'agent']) {
      const member = await addMember(server.url, owner, role);
      const refused = await member.api.get<{ error: { code: string } }>('/v1/channels/web/widget');
      expect({ role, status: refused.status, code: refused.body.error.code }).toEqual({ role, status: 403, code: 'forbidden' });
    }

    const other = await client(server.url, b.apiKey).get<{ widgetKey: string }>('/v1/channels/web/widget');
    expect(other.body.widgetKey).toBe(b.widgetKey);
    expect(JSON.stringify(other.body)).not.toContain(a.widgetKey);
    expect((await client(server.url).get('/v1/channels/web/widget')).status).toBe(401);
  });

  it('lists webhook URLs with the workspace’s slug, not a placeholder', async () => {
    const [a] = await twoTenants(server.app);
    const api = client(server.url, a.apiKey);
    const put = await api.call('PUT', '/v1/channels/messenger', { config: { pageId: '1234', pageAccessToken: 'page-token', appSecret: 'app-secret', verifyToken: 'verify-me' } });
    expect(put.status).toBe(200);
    expect(put.body.webhookPath).toBe(`/v1/channels/${a.slug}/messenger`);
    const listed = await api.get<{ channels: { channel: string; webhookPath: string | null }[] }>('/v1/channels');
    expect(listed.body.channels).toEqual([expect.objectContaining({ channel: 'messenger', webhookPath: `/v1/channels/${a.slug}/messenger` })]);
    expect((await api.get<{ webhookPath: string }>('/v1/channels/messenger')).body.webhookPath).toBe(`/v1/channels/${a.slug}/messenger`);
  });
});

describe('flow drafts with errors', () => {
  it('are saved on request and listed, but cannot be published or tried until fixed', async () => {
    const [a, b] = await twoTenants(server.app);
    const api = client(server.url, a.apiKey);
    const created = await api.post<{ id: string }>('/v1/flows', FLOW);
    expect(created.status).toBe(201);
    const id = created.body.id;
    const broken = FLOW.replace('to: done\n', 'to: donex\n');

    const refused = await api.call<{ error: { code: string } }>('PUT', `/v1/flows/${id}`, broken);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('flow_invalid');
    const badFlag = await api.call<{ error: { code: string } }>('PUT', `/v1/flows/${id}?allowErrors=maybe`, broken);
    expect(badFlag.status).toBe(400);

    const saved = await api.call<{ source: string; errors: { path: string; line?: number; severity: string }[] }>('PUT', `/v1/flows/${id}?allowErrors=true`, broken);
    expect(saved.status).toBe(200);
    expect(saved.body.source).toBe(broken);
    expect(saved.body.errors).toEqual([expect.objectContaining({ path: 'states.ask.transitions[0].to', severity: 'error', line: expect.any(Number) })]);
    expect((await api.get<{ source: string; errors: unknown[] }>(`/v1/flows/${id}`)).body).toMatchObject({ source: broken, errors: [expect.anything()] });

    const publish = await api.post<{ error: { code: string; message: string } }>(`/v1/flows/${id}/publish`);
    expect(publish.status).toBe(400);
    expect(publish.body.error).toMatchObject({ code: 'flow_invalid', message: expect.stringContaining('cannot be published') });
    const tried = await api.post<{ error: { code: string } }>(`/v1/flows/${id}/try/s1?draft=true`, { text: 'hi' });
    expect(tried.status).toBe(400);
    expect(tried.body.error.code).toBe('flow_invalid');

    // Another workspace can neither see nor overwrite it.
    const apiB = client(server.url, b.apiKey);
    expect((await apiB.call('PUT', `/v1/flows/${id}?allowErrors=true`, broken)).status).toBe(404);
    expect((await apiB.get(`/v1/flows/${id}`)).status).toBe(404);

    const fixed = await api.call<{ errors: unknown[] }>('PUT', `/v1/flows/${id}?allowErrors=true`, FLOW);
    expect(fixed.body.errors).toEqual([]);
    expect((await api.post(`/v1/flows/${id}/publish`)).status).toBe(201);
  });
});
