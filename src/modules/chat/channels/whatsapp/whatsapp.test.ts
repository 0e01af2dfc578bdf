import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWhatsApp } from './inbound.js';
import { renderWhatsApp } from './render.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../../../test/fixtures/channels/${name}`, import.meta.url), 'utf8'));
const options = (n: number) => Array.from({ length: n }, (_, i) => ({ title: `Option number ${i} with a long title`, payload: `p${i}` }));

describe('WhatsApp inbound', () => {
  it('reads a text message with the contact name', () => {
    expect(parseWhatsApp(fixture('whatsapp-text.json'))).toEqual([
      {
        kind: 'message',
        externalId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
        conversationKey: '106540352242922:16505551234',
        userId: '16505551234',
        userName: 'Sheena Nelson',
        text: 'where is my order',
        address: { to: '16505551234', phoneNumberId: '106540352242922' },
        accounts: ['106540352242922'],
      },
    ]);
  });

  it('turns button and list replies into postbacks', () => {
    expect(parseWhatsApp(fixture('whatsapp-button-reply.json'))).toMatchObject([{ kind: 'message', payload: 'track_order', text: 'Track an order' }]);
    expect(parseWhatsApp(fixture('whatsapp-list-reply.json'))).toMatchObject([{ kind: 'message', payload: 'size_m', text: 'Medium' }]);
  });

  it('reads media as attachments (caption as text) and a location as a typed payload', () => {
    expect(parseWhatsApp(fixture('whatsapp-image.json'))).toEqual([
      {
        kind: 'message',
        externalId: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQzQUMwRkZFRTAwMDAwMDAwMDAwNwA=',
        conversationKey: '100000000000002:15551234567',
        userId: '15551234567',
        userName: 'Ana Souza',
        text: 'Photo of my referral letter',
        attachments: [{ type: 'image', id: '1000000000000003', mimeType: 'image/jpeg', caption: 'Photo of my referral letter' }],
        address: { to: '15551234567', phoneNumberId: '100000000000002' },
        accounts: ['100000000000002'],
      },
    ]);
    const body = fixture('whatsapp-image.json') as { entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[] };
    body.entry[0]!.changes[0]!.value.messages = [
      { from: '15551234567', id: 'wamid.LOC', type: 'location', location: { latitude: 38.7223, longitude: -9.1393, name: 'Shop', address: 'Rua Augusta 1' } },
      { from: '15551234567', id: 'wamid.DOC', type: 'document', document: { id: '42', mime_type: 'application/pdf', filename: 'invoice.pdf' } },
      { from: '15551234567', id: 'wamid.VOICE', type: 'audio', audio: { id: '43', mime_type: 'audio/ogg; codecs=opus', voice: true } },
    ];
    expect(parseWhatsApp(body)).toMatchObject([
      { externalId: 'wamid.LOC', location: { latitude: 38.7223, longitude: -9.1393, name: 'Shop', address: 'Rua Augusta 1' } },
      { externalId: 'wamid.DOC', attachments: [{ type: 'file', id: '42', mimeType: 'application/pdf', filename: 'invoice.pdf' }] },
      { externalId: 'wamid.VOICE', attachments: [{ type: 'audio', id: '43', mimeType: 'audio/ogg; codecs=opus' }] },
    ]);
  });

  it('reads statuses as status events, never as messages', () => {
    expect(parseWhatsApp(fixture('whatsapp-statuses.json'))).toEqual([
      { kind: 'status', status: 'delivered', at: '2025-06-18T16:22:53.000Z', externalIds: ['wamid.OUTBOUND_ID'] },
      { kind: 'status', status: 'failed', at: '2025-06-18T16:22:54.000Z', externalIds: ['wamid.FAILED_ID'], error: '131047 Re-engagement message' },
    ]);
  });

  it('ignores what it does not know', () => {
    expect(parseWhatsApp({ object: 'page', entry: [] })).toEqual([]);
    expect(parseWhatsApp('nonsense')).toEqual([]);
  });
});

describe('WhatsApp render', () => {
  const to = { to: '16505551234' };
  const bodies = (reply: Parameters<typeof renderWhatsApp>[0], address: Record<string, string> = to): unknown[] => renderWhatsApp(reply, address, 'Choose').map((s) => s.message);

  it('sends plain text, split at 4,096 characters', () => {
    const parts = bodies({ type: 'text', text: 'word '.repeat(2000) }) as { text: { body: string } }[];
    expect(parts).toHaveLength(3);
    for (const p of parts) expect(p.text.body.length).toBeLessThanOrEqual(4096);
    expect(parts[0]).toMatchObject({ messaging_product: 'whatsapp', to: '16505551234', type: 'text' });
  });

  it('uses reply buttons up to 3 (titles cut to 20) and a list beyond', () => {
    const [buttons] = bodies({ type: 'text', text: 'Pick', buttons: options(3) }) as { interactive: { type: string; action: { buttons: { reply: { id: string; title: string } }[] } } }[];
    expect(buttons!.interactive.type).toBe('button');
    expect(buttons!.interactive.action.buttons.map((b) => b.reply.id)).toEqual(['p0', 'p1', 'p2']);
    expect(buttons!.interactive.action.buttons[0]!.reply.title.length).toBeLessThanOrEqual(20);

    const [list] = bodies({ type: 'text', text: 'Pick', quickReplies: options(12) }) as { interactive: { type: string; action: { button: string; sections: { rows: unknown[] }[] } } }[];
    expect(list!.interactive.type).toBe('list');
    expect(list!.interactive.action.button).toBe('Choose');
    expect(list!.interactive.action.sections[0]!.rows).toHaveLength(10);
  });

  it('puts the options on the last part of a long text', () => {
    const parts = bodies({ type: 'text', text: 'word '.repeat(300), buttons: options(2) }) as { type: string }[];
    expect(parts.map((p) => p.type)).toEqual(['text', 'interactive']);
  });

  it('sends from the number the user wrote to', () => {
    expect(renderWhatsApp({ type: 'text', text: 'Hi' }, { to: '1555', phoneNumberId: '2000' }, 'Choose')).toEqual([
      { phoneNumberId: '2000', message: { messaging_product: 'whatsapp', recipient_type: 'individual', to: '1555', type: 'text', text: { body: 'Hi', preview_url: false } } },
    ]);
  });

  it('renders media, a sectioned list and cards natively', () => {
    const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '16505551234' };
    const reply = {
      type: 'text' as const,
      text: 'Pick a size',
      media: { type: 'file' as const, url: 'https://cdn.example.com/menu.pdf', caption: 'Menu', filename: 'menu.pdf' },
      list: { button: 'Sizes', sections: [{ title: 'Pizza', rows: [{ title: 'Small', payload: 'size_s', description: '25 cm' }] }] },
      cards: [
        { title: 'Margherita', subtitle: '9 €', imageUrl: 'https://cdn.example.com/m.png', buttons: [{ title: 'Order', payload: 'order_m' }] },
        { title: 'Diavola', imageUrl: 'https://cdn.example.com/d.png' },
      ],
    };
    expect(bodies(reply)).toEqual([
      { ...base, type: 'document', document: { link: 'https://cdn.example.com/menu.pdf', caption: 'Menu', filename: 'menu.pdf' } },
      {
        ...base,
        type: 'interactive',
        interactive: { type: 'list', body: { text: 'Pick a size' }, action: { button: 'Sizes', sections: [{ title: 'Pizza', rows: [{ id: 'size_s', title: 'Small', description: '25 cm' }] }] } },
      },
      {
        ...base,
        type: 'interactive',
        interactive: {
          type: 'button',
          header: { type: 'image', image: { link: 'https://cdn.example.com/m.png' } },
          body: { text: 'Margherita\n9 €' },
          action: { buttons: [{ type: 'reply', reply: { id: 'order_m', title: 'Order' } }] },
        },
      },
      { ...base, type: 'image', image: { link: 'https://cdn.example.com/d.png', caption: 'Diavola' } },
    ]);
  });

  it('sends a template reply as the template alone, with its body parameters', () => {
    expect(bodies({ type: 'text', text: 'fallback', template: { name: 'order_update', language: 'en_US', params: ['12345'] } })).toEqual([
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '16505551234',
        type: 'template',
        template: { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: '12345' }] }] },
      },
    ]);
  });
});
