import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { slackChannel } from './index.js';
import { parseSlack } from './inbound.js';
import { renderSlack } from './render.js';
import { slackSends } from './sends.js';
import { verifySlack } from './verify.js';

const raw = (name: string): string => readFileSync(new URL(`../../../../../test/fixtures/channels/${name}`, import.meta.url), 'utf8');
const NOW = 1_750_263_800_000;

function signed(body: string, at = NOW, secret = 'shh') {
  const ts = String(Math.floor(at / 1000));
  const sig = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { method: 'POST' as const, url: 'http://x/', query: {}, headers: { 'x-slack-request-timestamp': ts, 'x-slack-signature': sig }, rawBody: body };
}

describe('Slack verification', () => {
  it('accepts a fresh valid signature and answers url_verification', () => {
    expect(verifySlack(signed(raw('slack-message.json')), 'shh', NOW)).toEqual({ ok: true });
    const challenge = verifySlack(signed(raw('slack-url-verification.json')), 'shh', NOW);
    expect(challenge).toMatchObject({ ok: false, respond: { status: 200, body: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' } });
  });

  it('refuses a wrong secret, a changed body and a replay older than 5 minutes', () => {
    expect(verifySlack(signed('{}', NOW, 'other'), 'shh', NOW)).toMatchObject({ ok: false, respond: { status: 401 } });
    expect(verifySlack({ ...signed('{}'), rawBody: '{"a":1}' }, 'shh', NOW)).toMatchObject({ ok: false, respond: { status: 401 } });
    expect(verifySlack(signed('{}', NOW - 6 * 60_000), 'shh', NOW)).toMatchObject({ ok: false, respond: { status: 401 } });
    expect(verifySlack({ ...signed('{}'), headers: {} }, 'shh', NOW)).toMatchObject({ ok: false, respond: { status: 401 } });
  });
});

describe('Slack inbound', () => {
  it('reads messages and mentions of one post as the same message (same dedupe id)', () => {
    const message = parseSlack(raw('slack-message.json'), 'application/json', ['UBOT']);
    const mention = parseSlack(raw('slack-app-mention.json'), 'application/json', ['UBOT']);
    expect(message).toEqual([
      { kind: 'message', externalId: 'C0123:1750263773.000100', conversationKey: 'T0001:C0123:1750263773.000100', userId: 'U0456', text: 'where is my order', address: { channel: 'C0123', threadTs: '1750263773.000100', team: 'T0001' }, accounts: ['A0001', 'T0001'] },
    ]);
    expect(mention).toEqual(message);
  });

  it('ignores edits, deletions, bots and its own messages', () => {
    for (const event of JSON.parse(raw('slack-ignored.json')) as unknown[]) {
      expect(parseSlack(JSON.stringify(event), 'application/json', ['UBOT'])).toEqual([]);
    }
  });

  it('reads block_actions (a form with a payload field) as postbacks in the thread', () => {
    const body = new URLSearchParams({ payload: raw('slack-block-actions.json') }).toString();
    expect(parseSlack(body, 'application/x-www-form-urlencoded', ['UBOT'])).toEqual([
      {
        kind: 'message',
        externalId: 'C0123:action:1750263795.123456',
        conversationKey: 'T0001:C0123:1750263773.000100',
        userId: 'U0456',
        userName: 'ada',
        payload: 'track_order',
        text: 'Track an order',
        address: { channel: 'C0123', threadTs: '1750263773.000100', team: 'T0001', triggerId: '123.456.abc' },
        accounts: ['A0001', 'T0001'],
      },
    ]);
  });

  it('reads a slash command as its command (payload) and argument (text), answered through its response_url', () => {
    expect(parseSlack(raw('slack-slash-command.form'), 'application/x-www-form-urlencoded', ['UBOT'])).toEqual([
      {
        kind: 'message',
        externalId: 'slash:13345224609.738474920.8088930838d88f008e0',
        conversationKey: 'T0001:C0123:user:U0456',
        userId: 'U0456',
        userName: 'ada',
        payload: '/order',
        text: 'a large pizza',
        address: { channel: 'C0123', responseUrl: 'https://hooks.slack.com/commands/T0001/1234567890/abcdefFAKE', responseType: 'ephemeral', team: 'T0001', triggerId: '13345224609.738474920.8088930838d88f008e0' },
        accounts: ['A0001', 'T0001'],
      },
    ]);
  });

  it('reads a select on an ephemeral answer in the slash command’s conversation', () => {
    const body = new URLSearchParams({ payload: raw('slack-block-actions-select.json') }).toString();
    expect(parseSlack(body, 'application/x-www-form-urlencoded', ['UBOT'])).toEqual([
      {
        kind: 'message',
        externalId: 'C0123:action:1750263799.000001',
        conversationKey: 'T0001:C0123:user:U0456',
        userId: 'U0456',
        userName: 'ada',
        payload: 'size_l',
        text: 'Large',
        address: { channel: 'C0123', responseUrl: 'https://hooks.slack.com/actions/T0001/987654321/xyzFAKE', responseType: 'ephemeral', team: 'T0001', triggerId: '123.456.def' },
        accounts: ['A0001', 'T0001'],
      },
    ]);
  });

  it('reads a modal’s view_submission as a form in the thread named by private_metadata', () => {
    const body = new URLSearchParams({ payload: raw('slack-view-submission.json') }).toString();
    expect(parseSlack(body, 'application/x-www-form-urlencoded', ['UBOT'])).toEqual([
      {
        kind: 'message',
        externalId: 'view:V0PIZZA01:156772938.1827394',
        conversationKey: 'T0001:C0123:1750263773.000100',
        userId: 'U0456',
        userName: 'ada',
        payload: 'delivery_details',
        form: { address: 'Rua Augusta 1, Lisbon', size: 'size_l', toppings: 'olives,basil', when: '2026-12-07' },
        address: { channel: 'C0123', threadTs: '1750263773.000100', team: 'T0001' },
        accounts: ['A0001', 'T0001'],
      },
    ]);
  });
});

describe('Slack render', () => {
  it('replies in the thread, with buttons in an actions block', () => {
    const [post] = renderSlack({ type: 'text', text: 'Pick', buttons: [{ title: 'Track', payload: 'track_order' }] }, { channel: 'C1', threadTs: '1.2' }) as Record<string, unknown>[];
    expect(post).toEqual({
      channel: 'C1',
      thread_ts: '1.2',
      text: 'Pick',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: 'Pick' } },
        { type: 'actions', elements: [{ type: 'button', action_id: 'option_0', text: { type: 'plain_text', text: 'Track' }, value: 'track_order' }] },
      ],
    });
  });

  it('splits long texts', () => {
    expect(renderSlack({ type: 'text', text: 'word '.repeat(2000) }, { channel: 'C1' })).toHaveLength(3);
  });

  it('renders media, a list as a static select and cards as sections with buttons', () => {
    const [post] = renderSlack(
      {
        type: 'text',
        text: 'Pick',
        media: { type: 'image', url: 'https://cdn.example.com/menu.png', caption: 'Menu' },
        list: { button: 'Sizes', sections: [{ rows: [{ title: 'Small', payload: 'size_s', description: '25 cm' }] }] },
        cards: [{ title: 'Margherita', subtitle: '9 €', imageUrl: 'https://cdn.example.com/m.png', buttons: [{ title: 'Order', payload: 'order_m' }, { title: 'Recipe', url: 'https://example.com/m' }] }],
      },
      { channel: 'C1' },
    ) as Record<string, unknown>[];
    expect(post).toEqual({
      channel: 'C1',
      text: 'Pick',
      blocks: [
        { type: 'image', image_url: 'https://cdn.example.com/menu.png', alt_text: 'Menu', title: { type: 'plain_text', text: 'Menu' } },
        { type: 'section', text: { type: 'mrkdwn', text: 'Pick' } },
        {
          type: 'actions',
          elements: [{ type: 'static_select', action_id: 'list', placeholder: { type: 'plain_text', text: 'Sizes' }, options: [{ text: { type: 'plain_text', text: 'Small' }, value: 'size_s', description: { type: 'plain_text', text: '25 cm' } }] }],
        },
        { type: 'section', text: { type: 'mrkdwn', text: '*Margherita*\n9 €' }, accessory: { type: 'image', image_url: 'https://cdn.example.com/m.png', alt_text: 'Margherita' } },
        {
          type: 'actions',
          elements: [
            { type: 'button', action_id: 'card_0_0', text: { type: 'plain_text', text: 'Order' }, value: 'order_m' },
            { type: 'button', action_id: 'card_0_link_1', text: { type: 'plain_text', text: 'Recipe' }, url: 'https://example.com/m' },
          ],
        },
      ],
    });
  });

  it('answers a slash command’s conversation through its response_url', () => {
    expect(renderSlack({ type: 'text', text: 'One large pizza?' }, { channel: 'C1', responseUrl: 'https://hooks.slack.com/commands/x', responseType: 'ephemeral' })).toEqual([
      { responseUrl: 'https://hooks.slack.com/commands/x', body: { response_type: 'ephemeral', replace_original: false, text: 'One large pizza?' } },
    ]);
  });
});

describe('Slack response_url answers', () => {
  it('go only to hooks.slack.com (or the API base URL), never to another host', async () => {
    const posted: string[] = [];
    const caps = { clock: { now: () => NOW, isoNow: () => new Date(NOW).toISOString() }, post: async (url: string) => (posted.push(url), { ok: true as const, status: 200, body: 'ok' }) };
    const slack = slackChannel.create(caps as never, { botToken: 'x', teams: [], signingSecret: 's', apiBaseUrl: 'https://slack.com/api' });
    expect(await slack.send({ responseUrl: 'https://hooks.slack.com/commands/T1/2/abc', body: { text: 'hi' } })).toEqual({ ok: true, externalId: null });
    expect(await slack.send({ responseUrl: 'http://169.254.169.254/latest/meta-data', body: { text: 'hi' } })).toMatchObject({ ok: false, retryable: false });
    expect(await slack.send({ responseUrl: 'http://hooks.slack.com/commands/x', body: { text: 'hi' } })).toMatchObject({ ok: false });
    expect(posted).toEqual(['https://hooks.slack.com/commands/T1/2/abc']);
  });

  it('refuses a slash command form with a NUL', () => {
    expect(() => parseSlack('command=%2Forder&text=a%00b&team_id=T1&channel_id=C1&user_id=U1&response_url=https%3A%2F%2Fhooks.slack.com%2Fx&trigger_id=t', 'application/x-www-form-urlencoded', [])).toThrow();
  });
});

describe('Slack modals', () => {
  const modal = { title: 'Size', submit: 'Pick', callback: 'sized', fields: [{ name: 'size', label: 'Size', type: 'select' as const, options: [{ title: 'Large', value: 'size_l' }] }] };

  it('opens a modal first while the trigger lasts, naming the thread it continues, with the team that sends it', () => {
    const sends = slackSends({ type: 'text', text: 'Pick a size', modal }, { channel: 'C1', threadTs: '1.2', team: 'T9', triggerId: 'tr1' });
    expect(sends).toEqual([
      {
        team: 'T9',
        triggerId: 'tr1',
        view: expect.objectContaining({ callback_id: 'sized', private_metadata: '{"channel":"C1","thread_ts":"1.2"}' }),
        fallback: { team: 'T9', message: expect.objectContaining({ channel: 'C1', thread_ts: '1.2', text: 'Size\n• Size: Large' }) },
      },
      { team: 'T9', message: { channel: 'C1', thread_ts: '1.2', text: 'Pick a size' } },
    ]);
  });

  it('shows a modal as text (a lone select’s options as buttons) when there is no trigger', () => {
    const [post] = slackSends({ type: 'text', text: 'Pick a size', modal }, { channel: 'C1', team: 'T9' }) as unknown as { message: { text: string; blocks: unknown[] } }[];
    expect(post!.message.text).toBe('Pick a size\n\nSize\n• Size: Large');
    expect(post!.message.blocks).toContainEqual({ type: 'actions', elements: [{ type: 'button', action_id: 'option_0', text: { type: 'plain_text', text: 'Large' }, value: 'size_l' }] });
  });

  it('continues a slash command’s private conversation when its modal is submitted', () => {
    const payload = JSON.parse(raw('slack-view-submission.json')) as { view: { private_metadata: string } };
    payload.view.private_metadata = JSON.stringify({ channel: 'C0123', response_url: 'https://hooks.slack.com/commands/T0001/1/x', response_type: 'ephemeral' });
    const [message] = parseSlack(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded', []);
    expect(message).toMatchObject({ conversationKey: 'T0001:C0123:user:U0456', address: { channel: 'C0123', responseUrl: 'https://hooks.slack.com/commands/T0001/1/x', responseType: 'ephemeral', team: 'T0001' } });
  });
});
