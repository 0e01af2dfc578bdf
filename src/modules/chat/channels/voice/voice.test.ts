import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseVoice, twilioSignature } from './index.js';
import { gather, spoken } from './twiml.js';

const form = readFileSync(new URL('../../../../../test/fixtures/channels/twilio-gather.form', import.meta.url), 'utf8');
const request = { method: 'POST' as const, url: 'https://bot.example.com/v1/channels/acme/voice', query: {}, headers: {}, rawBody: form };

describe('Twilio voice', () => {
  it('computes the signature Twilio documents (URL + sorted name/value pairs, HMAC-SHA1, base64)', () => {
    const params = { CallSid: 'CA1', Caller: '+1555', Digits: '1234' };
    const expected = createHmac('sha1', 'token').update('https://x.example/v?a=1CallSidCA1Caller+1555Digits1234').digest('base64');
    expect(twilioSignature('token', 'https://x.example/v?a=1', params)).toBe(expected);
  });

  it('reads SpeechResult and its confidence as the caller’s message', () => {
    expect(parseVoice({ ...request, headers: { 'i-twilio-idempotency-token': 'tok-1' } })).toEqual([
      {
        kind: 'message',
        externalId: 'CA11111111111111111111111111111111:tok-1',
        conversationKey: 'CA11111111111111111111111111111111',
        userId: '+15557654321',
        text: 'Where is my order?',
        confidence: 0.9132,
        address: { callSid: 'CA11111111111111111111111111111111' },
        accounts: ['+15550001111'],
      },
    ]);
    expect(parseVoice({ ...request, rawBody: 'CallSid=CA1&From=%2B1555' })).toEqual([]);
  });

  it('reads a keypress as the text, and as the payload of the option it picks (listed in the signed action URL)', () => {
    const keyed = { ...request, url: `${request.url}?o=track_order&o=human`, rawBody: 'CallSid=CA1&From=%2B1555&To=%2B1666&Digits=2&Direction=inbound' };
    expect(parseVoice(keyed)).toEqual([{ kind: 'message', externalId: '', conversationKey: 'CA1', userId: '+1555', text: '2', payload: 'human', address: { callSid: 'CA1' }, accounts: ['+1666'] }]);
    expect(parseVoice({ ...keyed, rawBody: 'CallSid=CA1&From=%2B1555&Digits=7' })).toMatchObject([{ text: '7' }]);
    expect(parseVoice({ ...keyed, rawBody: 'CallSid=CA1&From=%2B1555&Digits=7' })[0]).not.toHaveProperty('payload');
  });

  it('says replies inside a speech Gather, escaping XML, and reads options out', () => {
    const xml = gather([spoken({ type: 'text', text: 'Fish & <chips>?', buttons: [{ title: 'Yes', payload: 'y' }, { title: 'No', payload: 'n' }] })], 'https://x/v', { language: 'en-US' });
    expect(xml).toContain('<Gather input="speech" action="https://x/v" method="POST" speechTimeout="auto" language="en-US">');
    expect(xml).toContain('<Say language="en-US">Fish &amp; &lt;chips&gt;? You can say: Yes or No.</Say>');
    expect(xml).toContain('<Redirect method="POST">https://x/v?noinput=1</Redirect>');
  });

  it('listens for keys and speech with hints, one key per option', () => {
    const reply = { type: 'text' as const, text: 'Track or talk?', buttons: [{ title: 'Track', payload: 't' }, { title: 'Agent', payload: 'a' }] };
    expect(spoken(reply, true)).toBe('Track or talk? You can say: Track or Agent. Or press 1 for Track, 2 for Agent.');
    const xml = gather(['Hi'], 'https://x/v?o=t&o=a', { language: 'en-US', dtmf: true, hints: ['Track', 'Agent'] }, 2);
    expect(xml).toContain('<Gather input="dtmf speech" action="https://x/v?o=t&amp;o=a" method="POST" speechTimeout="auto" language="en-US" hints="Track, Agent" numDigits="1">');
  });

  it('reads cards and lists out as text with their options', () => {
    const reply = {
      type: 'text' as const,
      text: 'Menu:',
      media: { type: 'image' as const, url: 'https://cdn.example.com/m.png', caption: 'Our menu' },
      cards: [{ title: 'Margherita', subtitle: '9 euros', url: 'https://example.com/m', buttons: [{ title: 'Order', payload: 'o' }, { title: 'Recipe', url: 'https://example.com/r' }] }],
      list: { button: 'Size', sections: [{ rows: [{ title: 'Large', payload: 'l' }] }] },
    };
    expect(spoken(reply)).toBe('Our menu\n\nMenu:\n\nMargherita\n9 euros You can say: Order or Large.');
  });
});
