import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSlack } from './inbound.js';
import { renderSlack } from './render.js';
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
    const message = parseSlack(raw('slack-message.json'), 'application/json', 'UBOT');
    const mention = parseSlack(raw('slack-app-mention.json'), 'application/json', 'UBOT');
    expect(message).toEqual([
      { kind: 'message', externalId: 'C0123:1750263773.000100', conversationKey: 'T0001:C0123:1750263773.000100', userId: 'U0456', text: 'where is my order', address: { channel: 'C0123', threadTs: '1750263773.000100' } },
    ]);
    expect(mention).toEqual(message);
  });

  it('ignores edits, deletions, bots and its own messages', () => {
    for (const event of JSON.parse(raw('slack-ignored.json')) as unknown[]) {
      expect(parseSlack(JSON.stringify(event), 'application/json', 'UBOT')).toEqual([]);
    }
  });

  it('reads block_actions (a form with a payload field) as postbacks in the thread', () => {
    const body = new URLSearchParams({ payload: raw('slack-block-actions.json') }).toString();
    expect(parseSlack(body, 'application/x-www-form-urlencoded', 'UBOT')).toEqual([
      {
        kind: 'message',
        externalId: 'C0123:action:1750263795.123456',
        conversationKey: 'T0001:C0123:1750263773.000100',
        userId: 'U0456',
        userName: 'ada',
        payload: 'track_order',
        text: 'Track an order',
        address: { channel: 'C0123', threadTs: '1750263773.000100' },
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
});
