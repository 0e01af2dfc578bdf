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
        address: { to: '16505551234' },
      },
    ]);
  });

  it('turns button and list replies into postbacks', () => {
    expect(parseWhatsApp(fixture('whatsapp-button-reply.json'))).toMatchObject([{ kind: 'message', payload: 'track_order', text: 'Track an order' }]);
    expect(parseWhatsApp(fixture('whatsapp-list-reply.json'))).toMatchObject([{ kind: 'message', payload: 'size_m', text: 'Medium' }]);
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

  it('sends plain text, split at 4,096 characters', () => {
    const parts = renderWhatsApp({ type: 'text', text: 'word '.repeat(2000) }, to, 'Choose') as { text: { body: string } }[];
    expect(parts).toHaveLength(3);
    for (const p of parts) expect(p.text.body.length).toBeLessThanOrEqual(4096);
    expect(parts[0]).toMatchObject({ messaging_product: 'whatsapp', to: '16505551234', type: 'text' });
  });

  it('uses reply buttons up to 3 (titles cut to 20) and a list beyond', () => {
    const [buttons] = renderWhatsApp({ type: 'text', text: 'Pick', buttons: options(3) }, to, 'Choose') as { interactive: { type: string; action: { buttons: { reply: { id: string; title: string } }[] } } }[];
    expect(buttons!.interactive.type).toBe('button');
    expect(buttons!.interactive.action.buttons.map((b) => b.reply.id)).toEqual(['p0', 'p1', 'p2']);
    expect(buttons!.interactive.action.buttons[0]!.reply.title.length).toBeLessThanOrEqual(20);

    const [list] = renderWhatsApp({ type: 'text', text: 'Pick', quickReplies: options(12) }, to, 'Choose') as { interactive: { type: string; action: { button: string; sections: { rows: unknown[] }[] } } }[];
    expect(list!.interactive.type).toBe('list');
    expect(list!.interactive.action.button).toBe('Choose');
    expect(list!.interactive.action.sections[0]!.rows).toHaveLength(10);
  });

  it('puts the options on the last part of a long text', () => {
    const parts = renderWhatsApp({ type: 'text', text: 'word '.repeat(300), buttons: options(2) }, to, 'Choose') as { type: string }[];
    expect(parts.map((p) => p.type)).toEqual(['text', 'interactive']);
  });
});
