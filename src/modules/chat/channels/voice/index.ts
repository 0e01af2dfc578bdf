import { z } from 'zod';
import { assertSafeInput } from '../../../../shared/safe-input.js';
import type { WebhookRequest } from '../../contract.js';
import { defineChannel, refuse, respond, type InboundEvent, type TurnOutcome, type Verification } from '../define-channel.js';
import { failedSend } from '../http-post.js';
import { hmacBase64, safeEqual } from '../signatures.js';
import { dial, document, gather, hangup, say, type SpeechSettings, spoken } from './twiml.js';

const configSchema = z.object({
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'a Twilio Account SID (AC…)'),
  authToken: z.string().min(1).describe('The Twilio auth token (checks X-Twilio-Signature)'),
  handoffNumber: z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number such as +15551234567').optional(),
  greeting: z.string().min(1).default('Hello! How can I help you?'),
  noInputPrompt: z.string().min(1).default("Sorry, I didn't catch that. Could you say it again?"),
  language: z.string().default('en-US'),
  voice: z.string().optional(),
  /** The URL configured in Twilio, when a proxy makes it differ from what the server sees. */
  webhookUrl: z.url().optional(),
  apiBaseUrl: z.url().default('https://api.twilio.com'),
});
type VoiceConfig = z.infer<typeof configSchema>;

const formOf = (request: WebhookRequest): Record<string, string> => Object.fromEntries(new URLSearchParams(request.rawBody));

/** The URL Twilio signed: the configured one (with the request's query) or the one we were called at. */
function signedUrl(request: WebhookRequest, config: VoiceConfig): string {
  if (!config.webhookUrl) return request.url;
  const query = new URL(request.url).search;
  return `${config.webhookUrl}${query}`;
}

/** X-Twilio-Signature: base64 HMAC-SHA1 of the URL followed by every POST parameter, sorted, as name+value. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = url + Object.keys(params).sort().map((k) => `${k}${params[k]}`).join('');
  return hmacBase64('sha1', authToken, data);
}

function verifyTwilio(request: WebhookRequest, config: VoiceConfig): Verification {
  if (request.method !== 'POST') return refuse(405, 'Twilio webhooks are POST requests');
  const signature = request.headers['x-twilio-signature'];
  if (!signature) return refuse(401, 'missing X-Twilio-Signature');
  const expected = twilioSignature(config.authToken, signedUrl(request, config), formOf(request));
  return safeEqual(signature, expected) ? { ok: true } : refuse(401, 'X-Twilio-Signature does not match');
}

/** Pure: a Gather's `SpeechResult` (with its confidence) is the caller's message; a call without one has none. */
export function parseVoice(request: WebhookRequest): InboundEvent[] {
  const form = formOf(request);
  // A form's values are as untrusted as JSON (%00 decodes to NUL); checked after the signature.
  assertSafeInput(form, 'Twilio request');
  const speech = form.SpeechResult?.trim();
  if (!form.CallSid || !form.From || !speech) return [];
  const confidence = Number(form.Confidence);
  // Twilio marks each webhook attempt of one event with the same idempotency token.
  const token = request.headers['i-twilio-idempotency-token'];
  return [{
    kind: 'message',
    externalId: token ? `${form.CallSid}:${token}` : '',
    conversationKey: form.CallSid,
    userId: form.From,
    text: speech.slice(0, 4000),
    ...(Number.isFinite(confidence) && form.Confidence !== undefined ? { confidence } : {}),
    address: { callSid: form.CallSid },
  }];
}

function answer(outcome: TurnOutcome | null, request: WebhookRequest, config: VoiceConfig): string {
  const speech: SpeechSettings = { language: config.language, voice: config.voice };
  const action = signedUrl(request, config).replace(/\?.*$/, '');
  if (!outcome) return gather([request.query.noinput ? config.noInputPrompt : config.greeting], action, speech);
  const texts = outcome.replies.map(spoken);
  if (outcome.handoff) return config.handoffNumber ? dial(texts, config.handoffNumber, speech) : hangup(texts, speech);
  if (outcome.ended) return hangup(texts, speech);
  return gather(texts.length > 0 ? texts : [config.noInputPrompt], action, speech);
}

/** Voice through Twilio: each webhook is answered with TwiML holding the bot's reply. */
export const voiceChannel = defineChannel({
  id: 'voice',
  configSchema,
  secretFields: ['authToken'],
  baseUrlFields: ['apiBaseUrl'],
  capabilities: { webhook: 'sync', buttons: 0, quickReplies: 0, maxTextLength: 4000 },
  create(caps, config) {
    const speech: SpeechSettings = { language: config.language, voice: config.voice };
    const basic = Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64');
    return {
      verify: (request) => verifyTwilio(request, config),
      parseInbound: parseVoice,
      // Outside a webhook (a person's reply), speech reaches a live call by updating it with TwiML.
      render: (reply, address) => [{ callSid: address.callSid ?? '', twiml: document(say([spoken(reply)], speech)) }],
      async send(payload) {
        const { callSid, twiml } = payload as { callSid: string; twiml: string };
        const url = `${config.apiBaseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${config.accountSid}/Calls/${encodeURIComponent(callSid)}.json`;
        const result = await caps.post(url, {
          headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ Twiml: twiml }).toString(),
        });
        return result.ok ? { ok: true, externalId: callSid } : failedSend(result, (result.body as { message?: string } | null)?.message);
      },
      respond: (outcome, request) => respond(200, answer(outcome, request, config), 'text/xml; charset=utf-8'),
    };
  },
});
