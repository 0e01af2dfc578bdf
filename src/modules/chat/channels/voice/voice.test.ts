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
      },
    ]);
    expect(parseVoice({ ...request, rawBody: 'CallSid=CA1&From=%2B1555' })).toEqual([]);
  });

  it('says replies inside a speech Gather, escaping XML, and reads options out', () => {
    const xml = gather([spoken({ type: 'text', text: 'Fish & <chips>?', buttons: [{ title: 'Yes', payload: 'y' }, { title: 'No', payload: 'n' }] })], 'https://x/v', { language: 'en-US' });
    expect(xml).toContain('<Gather input="speech" action="https://x/v" method="POST" speechTimeout="auto" language="en-US">');
    expect(xml).toContain('<Say language="en-US">Fish &amp; &lt;chips&gt;? You can say: Yes or No.</Say>');
    expect(xml).toContain('<Redirect method="POST">https://x/v?noinput=1</Redirect>');
  });
});
