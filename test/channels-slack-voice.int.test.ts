import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Recorder } from './fakes/http-recorder.js';
import { signSlack, startFakeSlack } from './fakes/slack.js';
import { signTwilio } from './fakes/twilio.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant, type TestTenant } from './support/tenants.js';

const SHOP_BOT = readFileSync(new URL('./fixtures/channels/shop-bot.yaml', import.meta.url), 'utf8');
const fixture = (name: string) => readFileSync(new URL(`./fixtures/channels/${name}`, import.meta.url), 'utf8');
const ACCOUNT_SID = `AC${'0'.repeat(32)}`;

let server: TestApp;
let slack: Recorder;
beforeAll(async () => {
  slack = await startFakeSlack();
  server = await startApp({ env: { MCP_OUTBOX_POLL_MS: '20' } });
});
afterAll(async () => {
  await server.stop();
  await slack.close();
});

async function tenantWithBot(): Promise<TestTenant> {
  const tenant = await createTenant(server.app);
  const api = client(server.url, tenant.apiKey);
  const created = await api.post<{ id: string }>('/v1/flows', SHOP_BOT);
  await api.post(`/v1/flows/${created.body.id}/publish`);
  await api.post(`/v1/flows/${created.body.id}/default`);
  return tenant;
}

function postSlack(tenant: TestTenant, body: string, options: { contentType?: string; retry?: string; at?: number } = {}) {
  return fetch(`${server.url}/v1/channels/${tenant.slug}/slack`, {
    method: 'POST',
    headers: { 'content-type': options.contentType ?? 'application/json', ...signSlack('signing-secret', body, options.at ?? Date.now()), ...(options.retry ? { 'x-slack-retry-num': options.retry, 'x-slack-retry-reason': 'http_timeout' } : {}) },
    body,
  });
}

describe('Slack Events API', () => {
  it('answers url_verification and refuses stale or forged requests', async () => {
    const tenant = await tenantWithBot();
    await client(server.url, tenant.apiKey).call('PUT', '/v1/channels/slack', { config: { botToken: 'xoxb-1', signingSecret: 'signing-secret', apiBaseUrl: slack.url } });
    const verification = await postSlack(tenant, fixture('slack-url-verification.json'));
    expect(verification.status).toBe(200);
    expect(await verification.text()).toBe('3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P');
    expect((await postSlack(tenant, fixture('slack-message.json'), { at: Date.now() - 6 * 60_000 })).status).toBe(401);
    const forged = await fetch(`${server.url}/v1/channels/${tenant.slug}/slack`, { method: 'POST', headers: { 'content-type': 'application/json', ...signSlack('wrong', '{}', Date.now()) }, body: '{}' });
    expect(forged.status).toBe(401);
  });

  it('replies in the thread with buttons, drops retries and the mention twin, ignores bots and edits, takes block_actions', async () => {
    const tenant = await tenantWithBot();
    const api = client(server.url, tenant.apiKey);
    await api.call('PUT', '/v1/channels/slack', { config: { botToken: 'xoxb-tenant', signingSecret: 'signing-secret', botUserId: 'UBOT', apiBaseUrl: slack.url } });
    const channel = `C${tenant.slug.replace(/-/g, '').toUpperCase()}`;
    const message = fixture('slack-message.json').replaceAll('C0123', channel);
    const before = slack.received.length;

    expect((await postSlack(tenant, message)).status).toBe(200);
    expect((await postSlack(tenant, message, { retry: '1' })).status).toBe(200);
    expect((await postSlack(tenant, fixture('slack-app-mention.json').replaceAll('C0123', channel))).status).toBe(200);
    for (const ignored of JSON.parse(fixture('slack-ignored.json').replaceAll('C0123', channel)) as unknown[]) {
      expect((await postSlack(tenant, JSON.stringify(ignored))).status).toBe(200);
    }

    const posts = (await slack.waitFor(before + 2)).slice(before).filter((r) => r.body.channel === channel);
    expect(posts).toHaveLength(2);
    expect(posts[0]!.headers.authorization).toBe('Bearer xoxb-tenant');
    expect(posts[0]!.body).toMatchObject({ thread_ts: '1750263773.000100', text: 'Hi there! What can I do?', blocks: [{ type: 'section' }, { type: 'actions', elements: [{ value: 'track_order' }, { value: 'human' }] }] });
    expect(posts[1]!.body).toMatchObject({ thread_ts: '1750263773.000100', text: 'Your order is on its way.' });

    const action = new URLSearchParams({ payload: fixture('slack-block-actions.json').replaceAll('C0123', channel).replace('"track_order"', '"human"') }).toString();
    expect((await postSlack(tenant, action, { contentType: 'application/x-www-form-urlencoded' })).status).toBe(200);
    const [handoff] = (await slack.waitFor(before + 3)).slice(before + 2).filter((r) => r.body.channel === channel);
    expect(handoff!.body).toMatchObject({ thread_ts: '1750263773.000100', text: 'Connecting you to a person.' });

    const conversationId = `slack:T0001:${channel}:1750263773.000100`;
    const history = await api.get<{ messages: { direction: string; text: string | null; payload: string | null }[] }>(`/v1/conversations/${conversationId}/messages`);
    expect(history.body.messages.filter((m) => m.direction === 'inbound').map((m) => m.payload ?? m.text)).toEqual(['where is my order', 'human']);
  });
});

describe('Slack slash commands and interactions', () => {
  it('runs a turn for a slash command, answers through its response_url, and takes a modal’s form', async () => {
    const tenant = await createTenant(server.app);
    const api = client(server.url, tenant.apiKey);
    const flow = await api.post<{ id: string }>('/v1/flows', fixture('form-bot.yaml'));
    await api.post(`/v1/flows/${flow.body.id}/publish`);
    await api.post(`/v1/flows/${flow.body.id}/default`);
    await api.call('PUT', '/v1/channels/slack', { config: { botToken: 'xoxb-form', signingSecret: 'signing-secret', apiBaseUrl: slack.url } });
    const channel = `C${tenant.slug.replace(/-/g, '').toUpperCase()}`;
    const hook = `${slack.url}/commands/${channel}/1`;
    const command = fixture('slack-slash-command.form').replaceAll('C0123', channel).replace(encodeURIComponent('https://hooks.slack.com/commands/T0001/1234567890/abcdefFAKE'), encodeURIComponent(hook));
    const before = slack.received.length;
    // Slack wants its 200 within 3 seconds: the turn runs after it.
    const ack = await postSlack(tenant, command, { contentType: 'application/x-www-form-urlencoded' });
    expect(ack.status).toBe(200);
    const forged = await fetch(`${server.url}/v1/channels/${tenant.slug}/slack`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlack('wrong', command, Date.now()) }, body: command });
    expect(forged.status).toBe(401);

    const answers = (await slack.waitFor(before + 2)).slice(before).filter((r) => r.path === `/commands/${channel}/1`);
    expect(answers.map((a) => a.body)).toEqual([
      { response_type: 'ephemeral', replace_original: false, text: 'Hello from form-bot.' },
      {
        response_type: 'ephemeral',
        replace_original: false,
        text: 'Ordering: a large pizza (order)',
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: 'Ordering: a large pizza (order)' } },
          { type: 'actions', elements: [{ type: 'static_select', action_id: 'list', placeholder: { type: 'plain_text', text: 'Sizes' }, options: [{ text: { type: 'plain_text', text: 'Large' }, value: 'size_l' }] }] },
        ],
      },
    ]);

    // A modal submitted in a thread (named by the app in private_metadata): its form reaches the flow.
    const view = JSON.parse(fixture('slack-view-submission.json')) as { view: { private_metadata: string; id: string } };
    view.view.private_metadata = JSON.stringify({ channel, thread_ts: '1750263773.000100' });
    view.view.id = `V${channel}`;
    const submitted = await postSlack(tenant, new URLSearchParams({ payload: JSON.stringify(view) }).toString(), { contentType: 'application/x-www-form-urlencoded' });
    expect(submitted.status).toBe(200);
    const conversationId = `slack:T0001:${channel}:1750263773.000100`;
    let messages: { direction: string; text: string | null; form?: Record<string, string> }[] = [];
    for (let i = 0; i < 200 && messages.length < 3; i += 1) {
      messages = (await api.get<{ messages?: typeof messages }>(`/v1/conversations/${conversationId}/messages`)).body.messages ?? [];
      if (messages.length < 3) await new Promise((r) => setTimeout(r, 50));
    }
    expect(messages[0]).toMatchObject({ direction: 'inbound', form: { address: 'Rua Augusta 1, Lisbon', size: 'size_l', toppings: 'olives,basil', when: '2026-12-07' } });
    expect(messages.map((m) => m.text)).toContain('Delivering a size_l pizza to Rua Augusta 1, Lisbon on 2026-12-07.');
  });
});

describe('Twilio voice', () => {
  async function voiceTenant(extra: Record<string, unknown> = {}) {
    const tenant = await tenantWithBot();
    const put = await client(server.url, tenant.apiKey).call('PUT', '/v1/channels/voice', { config: { accountSid: ACCOUNT_SID, authToken: 'twilio-token', ...extra } });
    expect(put.status).toBe(200);
    return tenant;
  }

  async function call(tenant: TestTenant, params: Record<string, string>, query = '') {
    const url = `${server.url}/v1/channels/${tenant.slug}/voice${query}`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signTwilio('twilio-token', url, params) },
      body: new URLSearchParams(params).toString(),
    });
    return { status: response.status, type: response.headers.get('content-type'), xml: await response.text() };
  }

  const callSid = () => `CA${Math.random().toString(16).slice(2).padEnd(32, '0').slice(0, 32)}`;

  it('greets an incoming call with a speech Gather, then answers SpeechResult with the bot’s reply', async () => {
    const tenant = await voiceTenant({ handoffNumber: '+15551230000' });
    const sid = callSid();
    const base = { AccountSid: ACCOUNT_SID, CallSid: sid, From: '+15557654321', To: '+15550001111', CallStatus: 'ringing' };
    const incoming = await call(tenant, base);
    expect(incoming.status).toBe(200);
    expect(incoming.type).toContain('text/xml');
    expect(incoming.xml).toContain('<Gather input="dtmf speech"');
    expect(incoming.xml).toContain('Hello! How can I help you?');

    const turn = await call(tenant, { ...base, CallStatus: 'in-progress', SpeechResult: 'where is my order', Confidence: '0.91' });
    expect(turn.xml).toContain('<Say language="en-US">Hi there! What can I do? You can say: Track an order or Talk to a person. Or press 1 for Track an order, 2 for Talk to a person.</Say>');
    expect(turn.xml).toContain('<Say language="en-US">Your order is on its way.</Say>');
    expect(turn.xml).toMatch(/<Gather [^>]*action="http:\/\/127\.0\.0\.1:\d+\/v1\/channels\/[a-z0-9-]+\/voice\?o=track_order&amp;o=human"/);
    expect(turn.xml).toContain('hints="Track an order, Talk to a person"');

    const handoff = await call(tenant, { ...base, CallStatus: 'in-progress', SpeechResult: 'talk to a person', Confidence: '0.8' });
    expect(handoff.xml).toContain('Connecting you to a person.</Say><Dial>+15551230000</Dial>');

    const api = client(server.url, tenant.apiKey);
    const history = await api.get<{ messages: { direction: string; text: string; confidence?: number }[] }>(`/v1/conversations/voice:${sid}/messages`);
    expect(history.body.messages.filter((m) => m.direction === 'inbound')).toEqual([
      expect.objectContaining({ text: 'where is my order', confidence: 0.91 }),
      expect.objectContaining({ text: 'talk to a person', confidence: 0.8 }),
    ]);
  });

  it('takes a keypress as the option read out with it, instead of replaying the greeting', async () => {
    const tenant = await voiceTenant({ speechHints: ['pizza'] });
    const base = { AccountSid: ACCOUNT_SID, CallSid: callSid(), From: '+15557654321', To: '+15550001111', CallStatus: 'in-progress' };
    const first = await call(tenant, { ...base, SpeechResult: 'hello', Confidence: '0.9' });
    expect(first.xml).toContain('<Gather input="dtmf speech"');
    expect(first.xml).toContain('hints="pizza, Track an order, Talk to a person" numDigits="1"');
    const action = /<Gather [^>]*action="([^"]+)"/.exec(first.xml)![1]!.replaceAll('&amp;', '&');
    const query = action.slice(action.indexOf('?'));
    // Twilio posts the key to the Gather's action URL (signed with its query), without any SpeechResult.
    const keyed = await call(tenant, { ...base, Digits: '1' }, query);
    expect(keyed.xml).toContain('Your order is on its way.');
    expect(keyed.xml).not.toContain('Hello! How can I help you?');
    const api = client(server.url, tenant.apiKey);
    const history = await api.get<{ messages: { direction: string; text: string; payload: string | null }[] }>(`/v1/conversations/voice:${base.CallSid}/messages`);
    expect(history.body.messages.filter((m) => m.direction === 'inbound').map((m) => [m.text, m.payload])).toEqual([['hello', null], ['1', 'track_order']]);
  });

  it('hangs up when the flow ends, and re-prompts on silence', async () => {
    const tenant = await voiceTenant();
    const base = { AccountSid: ACCOUNT_SID, CallSid: callSid(), From: '+15557654321', CallStatus: 'in-progress' };
    const bye = await call(tenant, { ...base, SpeechResult: 'goodbye' });
    expect(bye.xml).toContain('Goodbye!</Say><Hangup/>');
    const silence = await call(tenant, base, '?noinput=1');
    expect(silence.xml).toContain("Sorry, I didn&apos;t catch that.");
  });

  it('refuses a request without a valid X-Twilio-Signature', async () => {
    const tenant = await voiceTenant();
    const body = new URLSearchParams({ CallSid: 'CA1', From: '+1555', SpeechResult: 'hi' }).toString();
    const url = `${server.url}/v1/channels/${tenant.slug}/voice`;
    expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })).status).toBe(401);
    const wrong = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signTwilio('other', url, { CallSid: 'CA1' }) }, body });
    expect(wrong.status).toBe(401);
  });
});
