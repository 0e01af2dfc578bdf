import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Received, Recorder } from './fakes/http-recorder.js';
import { signMeta, startFakeMeta } from './fakes/meta.js';
import { signSlack, startFakeSlack } from './fakes/slack.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { twoTenants, type TestTenant } from './support/tenants.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/channels/${name}`, import.meta.url), 'utf8');

let server: TestApp;
let meta: Recorder;
let slack: Recorder;
beforeAll(async () => {
  [meta, slack] = await Promise.all([startFakeMeta(), startFakeSlack()]);
  server = await startApp({ env: { MCP_OUTBOX_POLL_MS: '20' } });
});
afterAll(async () => {
  await server.stop();
  await Promise.all([meta.close(), slack.close()]);
});

/** A workspace with shop-bot (the default) and pizza-bot (published, for routes). */
async function workspace(tenant: TestTenant) {
  const api = client(server.url, tenant.apiKey);
  const shop = await api.post<{ id: string }>('/v1/flows', fixture('shop-bot.yaml'));
  await api.post(`/v1/flows/${shop.body.id}/publish`);
  await api.post(`/v1/flows/${shop.body.id}/default`);
  const pizza = await api.post<{ id: string }>('/v1/flows', fixture('pizza-bot.yaml'));
  await api.post(`/v1/flows/${pizza.body.id}/publish`);
  return { api, pizzaId: pizza.body.id };
}

const unique = () => `${Date.now()}${Math.floor(Math.random() * 1000)}`.slice(-12);

function messengerText(pageId: string, psid: string, mid: string, event: object = { message: { mid, text: 'hi' } }): string {
  const messaging = { sender: { id: psid }, recipient: { id: pageId }, timestamp: Date.now(), ...event };
  return JSON.stringify({ object: 'page', entry: [{ id: pageId, time: Date.now(), messaging: [messaging] }] });
}

const postMessenger = (tenant: TestTenant, body: string, appSecret = 'app-secret') =>
  fetch(`${server.url}/v1/channels/${tenant.slug}/messenger`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMeta(appSecret, body) }, body });

const postSlack = (tenant: TestTenant, body: string) =>
  fetch(`${server.url}/v1/channels/${tenant.slug}/slack`, { method: 'POST', headers: { 'content-type': 'application/json', ...signSlack('signing-secret', body, Date.now()) }, body });

/** The requests a fake received that `match`, once `count` of them arrived. */
async function until(fake: Recorder, match: (r: Received) => boolean, count: number): Promise<Received[]> {
  for (let waited = 0; ; waited += 20) {
    const found = fake.received.filter(match);
    if (found.length >= count) return found;
    if (waited > 10_000) throw new Error(`expected ${count} matching requests, got ${found.length}`);
    await sleep(20);
  }
}

/** The Send API messages (not typing indicators) to `psid`, once `count` of them arrived. */
const sendsTo = (psid: string, count: number) => until(meta, (r) => (r.body.recipient as { id?: string } | undefined)?.id === psid && r.body.message !== undefined, count);

const textsOf = (sends: Received[]) => sends.map((r) => JSON.stringify(r.body.message));

describe('Messenger: several pages in one channel, each with its own token', () => {
  it('routes two pages to two flows and answers each with its page’s token (replies, typing, an agent’s reply); keeps tokens left out of a PUT', async () => {
    const [tenant] = await twoTenants(server.app);
    const { api, pizzaId } = await workspace(tenant);
    const [p1, p2] = [`1${unique()}`, `2${unique()}`];
    const put = await api.call<{ config: Record<string, unknown>; secretsSet: string[] }>('PUT', '/v1/channels/messenger', {
      config: { pages: [{ pageId: p1, pageAccessToken: 'tok-page-1' }, { pageId: p2, pageAccessToken: 'tok-page-2' }], appSecret: 'app-secret', verifyToken: 'v', graphApiBaseUrl: meta.url, typingIndicator: true },
    });
    expect(put.status).toBe(200);
    expect(put.body.config.pages).toEqual([{ pageId: p1 }, { pageId: p2 }]);
    expect(put.body.secretsSet.sort()).toEqual(['appSecret', `pages.${p1}.pageAccessToken`, `pages.${p2}.pageAccessToken`, 'verifyToken'].sort());
    expect(JSON.stringify(await api.get('/v1/channels/messenger'))).not.toContain('tok-page');
    expect((await api.call('PUT', `/v1/channels/messenger/routes/${p2}`, { flowId: pizzaId })).status).toBe(200);

    const [u1, u2] = [`PSID_A${unique()}`, `PSID_B${unique()}`];
    expect((await postMessenger(tenant, messengerText(p1, u1, `m_${u1}`))).status).toBe(200);
    expect((await postMessenger(tenant, messengerText(p2, u2, `m_${u2}`))).status).toBe(200);
    const toShop = await sendsTo(u1, 1);
    const toPizza = await sendsTo(u2, 4);
    expect(new Set(toShop.map((r) => r.headers.authorization))).toEqual(new Set(['Bearer tok-page-1']));
    expect(new Set(toPizza.map((r) => r.headers.authorization))).toEqual(new Set(['Bearer tok-page-2']));
    expect(textsOf(toPizza).join()).toContain('Pizza time! Pick one.');
    expect(textsOf(toShop).join()).toContain('What can I do?');
    const [typing] = await until(meta, (r) => (r.body.recipient as { id?: string } | undefined)?.id === u2 && r.body.sender_action === 'typing_on', 1);
    expect(typing!.headers.authorization).toBe('Bearer tok-page-2');

    // Handed off on page 1: a person's reply goes out with page 1's token too.
    await postMessenger(tenant, messengerText(p1, u1, `m_h_${u1}`, { postback: { mid: `m_h_${u1}`, title: 'Talk to a person', payload: 'human' } }));
    await until(meta, (r) => (r.body.recipient as { id?: string } | undefined)?.id === u1 && JSON.stringify(r.body.message ?? '').includes('Connecting you'), 1);
    const agent = await api.post(`/v1/conversations/messenger:${p1}:${u1}/agent-reply`, { text: 'Hi, Ana here.' });
    expect(agent.status).toBeLessThan(300);
    const [human] = await until(meta, (r) => (r.body.recipient as { id?: string } | undefined)?.id === u1 && JSON.stringify(r.body.message ?? '').includes('Ana here'), 1);
    expect(human!.headers.authorization).toBe('Bearer tok-page-1');

    // The view round-trips: page 1 listed without its token keeps it; page 2 left out is removed.
    const p3 = `3${unique()}`;
    const again = await api.call<{ config: Record<string, unknown>; secretsSet: string[] }>('PUT', '/v1/channels/messenger', {
      config: { pages: [{ pageId: p1 }, { pageId: p3, pageAccessToken: 'tok-page-3' }], verifyToken: 'v', graphApiBaseUrl: meta.url },
    });
    expect(again.status).toBe(200);
    expect(again.body.secretsSet).toContain(`pages.${p1}.pageAccessToken`);
    expect(again.body.secretsSet).not.toContain(`pages.${p2}.pageAccessToken`);
    const u3 = `PSID_C${unique()}`;
    await postMessenger(tenant, messengerText(p1, u3, `m_${u3}`));
    expect((await sendsTo(u3, 1))[0]!.headers.authorization).toBe('Bearer tok-page-1');
  });

  it('still takes a single-token config, and refuses bad account lists with a 400 naming the field', async () => {
    const [tenant] = await twoTenants(server.app);
    const { api } = await workspace(tenant);
    const base = { appSecret: 'app-secret', verifyToken: 'v', graphApiBaseUrl: meta.url };
    const single = await api.call('PUT', '/v1/channels/messenger', { config: { ...base, pageId: '104858002312345', pageAccessToken: 'tok-single' } });
    expect(single.status).toBe(200);
    const psid = `PSID_S${unique()}`;
    await postMessenger(tenant, messengerText('104858002312345', psid, `m_${psid}`));
    expect((await sendsTo(psid, 1))[0]!.headers.authorization).toBe('Bearer tok-single');

    const [fresh] = await twoTenants(server.app);
    const other = client(server.url, fresh.apiKey);
    const refused = async (config: Record<string, unknown>) => {
      const response = await other.call<{ error: { code: string; message: string } }>('PUT', '/v1/channels/messenger', { config: { ...base, ...config } });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('bad_request');
      return response.body.error.message;
    };
    expect(await refused({})).toContain('set pageAccessToken (one account) or pages');
    expect(await refused({ pages: [{ pageId: '111111' }] })).toContain('config.pages.0.pageAccessToken');
    expect(await refused({ pages: [{ pageId: 'not-a-page', pageAccessToken: 't' }] })).toContain('config.pages.0.pageId');
    expect(await refused({ pages: [{ pageId: '111111', pageAccessToken: 't' }, { pageId: '111111', pageAccessToken: 'u' }] })).toContain("'111111' is listed twice");
    expect(await refused({ pages: 'page-1' })).toContain('config.pages');
    const slackBad = await other.call<{ error: { message: string } }>('PUT', '/v1/channels/slack', { config: { signingSecret: 's', teams: [{ teamId: 'nope', botToken: 'x' }] } });
    expect(slackBad.status).toBe(400);
    expect(slackBad.body.error.message).toContain('config.teams.0.teamId');
  });

  it('never lets another workspace read or send with a page’s token', async () => {
    const [a, b] = await twoTenants(server.app);
    const apiA = client(server.url, a.apiKey);
    const apiB = client(server.url, b.apiKey);
    const page = `4${unique()}`;
    await apiA.call('PUT', '/v1/channels/messenger', { config: { pages: [{ pageId: page, pageAccessToken: 'tok-of-a' }], appSecret: 'app-secret', verifyToken: 'v', graphApiBaseUrl: meta.url } });
    await workspace(b);
    expect((await apiB.get('/v1/channels/messenger')).status).toBe(404);
    // B configures its own page and receives a message claiming A's page: B's token answers, never A's.
    await apiB.call('PUT', '/v1/channels/messenger', { config: { pages: [{ pageId: '555555', pageAccessToken: 'tok-of-b' }], pageAccessToken: 'tok-b-default', appSecret: 'secret-b', verifyToken: 'v', graphApiBaseUrl: meta.url } });
    const psid = `PSID_X${unique()}`;
    expect((await postMessenger(b, messengerText(page, psid, `m_${psid}`), 'secret-b')).status).toBe(200);
    expect(new Set((await sendsTo(psid, 1)).map((r) => r.headers.authorization))).toEqual(new Set(['Bearer tok-b-default']));
    // A's webhook refuses B's app secret.
    expect((await postMessenger(a, messengerText(page, psid, `m2_${psid}`), 'secret-b')).status).toBe(401);
  });
});

describe('WhatsApp: a number with a token of its own', () => {
  it('sends from a listed number with its token, from the others with the channel’s token', async () => {
    const [tenant] = await twoTenants(server.app);
    const { api } = await workspace(tenant);
    const [own, shared] = [`5${unique()}`, `6${unique()}`];
    const put = await api.call<{ config: Record<string, unknown> }>('PUT', '/v1/channels/whatsapp', {
      config: { phoneNumberId: shared, accessToken: 'tok-business', numbers: [{ phoneNumberId: own, accessToken: 'tok-own-number' }], appSecret: 'app-secret', verifyToken: 'v', graphApiBaseUrl: meta.url },
    });
    expect(put.status).toBe(200);
    expect(put.body.config.numbers).toEqual([{ phoneNumberId: own }]);
    const text = (to: string, from: string) => fixture('whatsapp-text.json').replaceAll('106540352242922', to).replaceAll('16505551234', from).replace(/wamid\.[A-Za-z0-9=]+/, `wamid.${to}${from}`);
    const post = (body: string) => fetch(`${server.url}/v1/channels/${tenant.slug}/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMeta('app-secret', body) }, body });
    expect((await post(text(own, '15550000011'))).status).toBe(200);
    expect((await post(text(shared, '15550000022'))).status).toBe(200);
    const [fromOwn] = await until(meta, (r) => r.body.to === '15550000011', 1);
    const [fromShared] = await until(meta, (r) => r.body.to === '15550000022', 1);
    expect([fromOwn!.path, fromOwn!.headers.authorization]).toEqual([`/v21.0/${own}/messages`, 'Bearer tok-own-number']);
    expect([fromShared!.path, fromShared!.headers.authorization]).toEqual([`/v21.0/${shared}/messages`, 'Bearer tok-business']);
  });
});

describe('Slack: one app installed in two teams', () => {
  it('routes each team to its flow and answers with that team’s bot token; a DM started with `from` uses it too', async () => {
    const [tenant] = await twoTenants(server.app);
    const { api, pizzaId } = await workspace(tenant);
    const put = await api.call<{ config: Record<string, unknown> }>('PUT', '/v1/channels/slack', {
      config: { teams: [{ teamId: 'T1AAA', botToken: 'xoxb-team-1' }, { teamId: 'T2BBB', botToken: 'xoxb-team-2', botUserId: 'UBOT2' }], signingSecret: 'signing-secret', apiBaseUrl: slack.url },
    });
    expect(put.status).toBe(200);
    expect(put.body.config.teams).toEqual([{ teamId: 'T1AAA' }, { teamId: 'T2BBB', botUserId: 'UBOT2' }]);
    expect((await api.call('PUT', '/v1/channels/slack/routes/T2BBB', { flowId: pizzaId })).status).toBe(200);

    const channel = `C${unique()}`;
    const event = (team: string, ts: string) => fixture('slack-message.json').replaceAll('T0001', team).replaceAll('C0123', channel).replaceAll('1750263773.000100', ts).replace('"A0001"', '"A9999"');
    expect((await postSlack(tenant, event('T1AAA', '1750263773.000101'))).status).toBe(200);
    expect((await postSlack(tenant, event('T2BBB', '1750263773.000202'))).status).toBe(200);
    const posts = await until(slack, (r) => r.body.channel === channel, 3);
    const inThread = (ts: string) => posts.filter((r) => r.body.thread_ts === ts);
    expect(new Set(inThread('1750263773.000101').map((r) => r.headers.authorization))).toEqual(new Set(['Bearer xoxb-team-1']));
    expect(new Set(inThread('1750263773.000202').map((r) => r.headers.authorization))).toEqual(new Set(['Bearer xoxb-team-2']));
    expect(inThread('1750263773.000202').map((r) => r.body.text)).toContain('Pizza time! Pick one.');

    const user = `U${unique()}`;
    const dm = await api.post<{ conversationId: string }>('/v1/conversations', { channel: 'slack', to: user, from: 'T2BBB', idempotencyKey: `dm-${user}`, text: 'Your report is ready.' });
    expect(dm.status).toBe(201);
    expect(dm.body.conversationId).toBe(`slack:T2BBB:D${user}`);
    const sent = await until(slack, (r) => r.body.users === user || r.body.channel === `D${user}`, 2);
    expect(sent.map((r) => [r.path.split('/').pop(), r.headers.authorization])).toEqual([
      ['conversations.open', 'Bearer xoxb-team-2'],
      ['chat.postMessage', 'Bearer xoxb-team-2'],
    ]);
    const unknown = await api.post<{ error: { message: string } }>('/v1/conversations', { channel: 'slack', to: user, from: 'T3CCC', idempotencyKey: `dm3-${user}`, text: 'x' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain("'T3CCC' is not one of the Slack channel's teams");
  });
});
