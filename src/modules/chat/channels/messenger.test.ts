import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMessenger, renderMessenger } from './messenger.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../../test/fixtures/channels/${name}`, import.meta.url), 'utf8'));
const options = (n: number) => Array.from({ length: n }, (_, i) => ({ title: `Option ${i}`, payload: `p${i}` }));

describe('Messenger inbound', () => {
  it('reads text, quick replies and postbacks; skips echoes; reports delivery and read', () => {
    const events = parseMessenger(fixture('messenger-events.json'));
    expect(events).toEqual([
      { kind: 'message', externalId: 'm_text_1', conversationKey: 'PAGE_ID:PSID_1', userId: 'PSID_1', address: { psid: 'PSID_1' }, text: 'where is my order' },
      { kind: 'message', externalId: 'm_quick_1', conversationKey: 'PAGE_ID:PSID_1', userId: 'PSID_1', address: { psid: 'PSID_1' }, text: 'Track an order', payload: 'track_order' },
      { kind: 'message', externalId: 'm_postback_1', conversationKey: 'PAGE_ID:PSID_1', userId: 'PSID_1', address: { psid: 'PSID_1' }, payload: 'human', text: 'Talk to a person' },
      { kind: 'status', status: 'delivered', at: '2025-06-18T16:22:57.000Z', externalIds: ['m_out_1'] },
      { kind: 'status', status: 'read', at: '2025-06-18T16:22:58.000Z', upTo: { conversationKey: 'PAGE_ID:PSID_1', at: '2025-06-18T16:22:58.000Z' } },
    ]);
  });
});

describe('Messenger render', () => {
  const to = { psid: 'PSID_1' };

  it('splits long text at 2,000 characters', () => {
    const parts = renderMessenger({ type: 'text', text: 'word '.repeat(1000) }, to) as { message: { text: string } }[];
    expect(parts.length).toBe(3);
    for (const p of parts) expect(p.message.text.length).toBeLessThanOrEqual(2000);
    expect(parts[0]).toMatchObject({ recipient: { id: 'PSID_1' }, messaging_type: 'RESPONSE' });
  });

  it('renders up to 3 buttons as a button template', () => {
    const [only] = renderMessenger({ type: 'text', text: 'Pick', buttons: options(3) }, to) as { message: { attachment: { payload: { template_type: string; buttons: unknown[] } } } }[];
    expect(only!.message.attachment.payload).toMatchObject({ template_type: 'button', text: 'Pick' });
    expect(only!.message.attachment.payload.buttons).toEqual(options(3).map((o) => ({ type: 'postback', title: o.title, payload: o.payload })));
  });

  it('renders quick replies (and more than 3 buttons) as at most 13 quick replies', () => {
    const [quick] = renderMessenger({ type: 'text', text: 'Pick', quickReplies: options(15) }, to) as { message: { quick_replies: unknown[] } }[];
    expect(quick!.message.quick_replies).toHaveLength(13);
    const [many] = renderMessenger({ type: 'text', text: 'Pick', buttons: options(5) }, to) as { message: { quick_replies: unknown[] } }[];
    expect(many!.message.quick_replies).toHaveLength(5);
  });
});
