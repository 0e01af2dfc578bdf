import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { messengerChannel, parseMessenger, renderMessenger } from './messenger.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../../test/fixtures/channels/${name}`, import.meta.url), 'utf8'));
const options = (n: number) => Array.from({ length: n }, (_, i) => ({ title: `Option ${i}`, payload: `p${i}` }));

describe('Messenger inbound', () => {
  it('reads text, quick replies and postbacks; skips echoes; reports delivery and read', () => {
    const events = parseMessenger(fixture('messenger-events.json'));
    expect(events).toEqual([
      { kind: 'message', externalId: 'm_text_1', conversationKey: 'PAGE_ID:PSID_1', userId: 'PSID_1', address: { psid: 'PSID_1', pageId: 'PAGE_ID' }, accounts: ['PAGE_ID'], text: 'where is my order' },
      { kind: 'message', externalId: 'm_quick_1', conversationKey: 'PAGE_ID:PSID_1', userId: 'PSID_1', address: { psid: 'PSID_1', pageId: 'PAGE_ID' }, accounts: ['PAGE_ID'], text: 'Track an order', payload: 'track_order' },
      { kind: 'message', externalId: 'm_postback_1', conversationKey: 'PAGE_ID:PSID_1', userId: 'PSID_1', address: { psid: 'PSID_1', pageId: 'PAGE_ID' }, accounts: ['PAGE_ID'], payload: 'human', text: 'Talk to a person' },
      { kind: 'status', status: 'delivered', at: '2025-06-18T16:22:57.000Z', externalIds: ['m_out_1'] },
      { kind: 'status', status: 'read', at: '2025-06-18T16:22:58.000Z', upTo: { conversationKey: 'PAGE_ID:PSID_1', at: '2025-06-18T16:22:58.000Z' } },
    ]);
  });

  it('reads image attachments and a shared location as typed payloads', () => {
    expect(parseMessenger(fixture('messenger-image.json'))).toEqual([
      {
        kind: 'message',
        externalId: 'm_bWNwLWVuZ2luZS1pbmJvdW5kLTAwMDAwNQ',
        conversationKey: '100000000000100:7000000000000001',
        userId: '7000000000000001',
        address: { psid: '7000000000000001', pageId: '100000000000100' },
        accounts: ['100000000000100'],
        attachments: [{ type: 'image', url: 'https://scontent.xx.fbcdn.net/v/t1.15752-9/000000000_0000000000000000_n.jpg?_nc_cat=1&oh=fake&oe=fake' }],
      },
    ]);
    const location = { object: 'page', entry: [{ messaging: [{ sender: { id: 'U' }, recipient: { id: 'P' }, timestamp: 1, message: { mid: 'm_loc', attachments: [{ type: 'location', payload: { coordinates: { lat: 52.52, long: 13.405 } } }] } }] }] };
    expect(parseMessenger(location)).toMatchObject([{ externalId: 'm_loc', location: { latitude: 52.52, longitude: 13.405 } }]);
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

  it('sends media as an attachment, cards as a generic template, a list as quick replies', () => {
    const reply = {
      type: 'text' as const,
      text: 'Our pizzas',
      media: { type: 'image' as const, url: 'https://cdn.example.com/menu.png', caption: 'Today' },
      list: { button: 'Sizes', sections: [{ rows: [{ title: 'Small', payload: 'size_s' }, { title: 'Large', payload: 'size_l', description: '32 cm' }] }] },
      cards: [{ title: 'Margherita', subtitle: '9 €', imageUrl: 'https://cdn.example.com/m.png', buttons: [{ title: 'Order', payload: 'order_m' }, { title: 'Recipe', url: 'https://example.com/m' }] }],
    };
    expect(renderMessenger(reply, to)).toEqual([
      { recipient: { id: 'PSID_1' }, messaging_type: 'RESPONSE', message: { attachment: { type: 'image', payload: { url: 'https://cdn.example.com/menu.png', is_reusable: true } } } },
      { recipient: { id: 'PSID_1' }, messaging_type: 'RESPONSE', message: { text: 'Today' } },
      {
        recipient: { id: 'PSID_1' },
        messaging_type: 'RESPONSE',
        message: { text: 'Our pizzas', quick_replies: [{ content_type: 'text', title: 'Small', payload: 'size_s' }, { content_type: 'text', title: 'Large', payload: 'size_l' }] },
      },
      {
        recipient: { id: 'PSID_1' },
        messaging_type: 'RESPONSE',
        message: {
          attachment: {
            type: 'template',
            payload: {
              template_type: 'generic',
              elements: [
                {
                  title: 'Margherita',
                  subtitle: '9 €',
                  image_url: 'https://cdn.example.com/m.png',
                  buttons: [{ type: 'postback', title: 'Order', payload: 'order_m' }, { type: 'web_url', url: 'https://example.com/m', title: 'Recipe' }],
                },
              ],
            },
          },
        },
      },
    ]);
  });

  it('sends a WhatsApp template reply as its text', () => {
    expect(renderMessenger({ type: 'text', text: 'Your order shipped', template: { name: 'order_update', language: 'en', params: [] } }, to)).toEqual([
      { recipient: { id: 'PSID_1' }, messaging_type: 'RESPONSE', message: { text: 'Your order shipped' } },
    ]);
  });
});

describe('Messenger typing indicator', () => {
  it('sends sender_action typing_on to the user, unless turned off', async () => {
    const posted: { url: string; body: unknown }[] = [];
    const caps = { clock: { now: () => 0, isoNow: () => '' }, post: async (url: string, init: { body: string }) => (posted.push({ url, body: JSON.parse(init.body) }), { ok: true as const, status: 200, body: {} }) };
    const config = { pageId: '1', pageAccessToken: 't', appSecret: 'a', verifyToken: 'v', graphApiBaseUrl: 'https://graph.facebook.com', graphApiVersion: 'v21.0', typingIndicator: true, pages: [] };
    await messengerChannel.create(caps as never, config).typing!({ psid: 'PSID_1' }, 'm_1');
    await messengerChannel.create(caps as never, { ...config, typingIndicator: false }).typing!({ psid: 'PSID_1' }, 'm_2');
    expect(posted).toEqual([{ url: 'https://graph.facebook.com/v21.0/me/messages', body: { recipient: { id: 'PSID_1' }, sender_action: 'typing_on' } }]);
  });
});

describe('Messenger modal replies', () => {
  it('shows the modal as text, a lone select’s options as quick replies; sends with the page of the address', () => {
    const caps = { clock: { now: () => 0, isoNow: () => '' }, post: async () => ({ ok: true as const, status: 200, body: {} }) };
    const config = { pageAccessToken: 't', pages: [], appSecret: 'a', verifyToken: 'v', graphApiBaseUrl: 'https://graph.facebook.com', graphApiVersion: 'v21.0', typingIndicator: false };
    const modal = { title: 'Size', submit: 'Pick', fields: [{ name: 'size', label: 'Size', type: 'select' as const, options: [{ title: 'Large', value: 'size_l' }] }] };
    expect(messengerChannel.create(caps as never, config).render({ type: 'text', text: 'Pick one', modal }, { psid: 'P1', pageId: '1234567' })).toEqual([
      { pageId: '1234567', body: { recipient: { id: 'P1' }, messaging_type: 'RESPONSE', message: { text: 'Pick one\n\nSize\n• Size: Large', quick_replies: [{ content_type: 'text', title: 'Large', payload: 'size_l' }] } } },
    ]);
  });
});
