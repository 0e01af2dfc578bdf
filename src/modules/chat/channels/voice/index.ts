import { z } from 'zod';
import { AppError } from '../../../../shared/app-error.js';
import { assertSafeInput } from '../../../../shared/safe-input.js';
import type { WebhookRequest } from '../../contract.js';
import { defineChannel, refuse, respond, type InboundEvent, type TurnOutcome, type Verification } from '../define-channel.js';
import { failedSend } from '../http-post.js';
import { hmacBase64, safeEqual } from '../signatures.js';
import { dial, document, gather, hangup, MAX_KEYPAD_OPTIONS, optionsOf, say, type SpeechSettings, spoken } from './twiml.js';

const configSchema = z.object({
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'a Twilio Account SID (AC…)'),
  handoffNumber: z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number such as +15551234567').optional(),
  greeting: z.string().min(1).default('Hello! How can I help you?'),
  noInputPrompt: z.string().min(1).default("Sorry, I didn't catch that. Could you say it again?"),
  language: z.string().default('en-US'),
  voice: z.string().optional(),
  /** Callers may answer with the keypad too (`<Gather input="dtmf speech">`); a key picks the option read out with it. */
  dtmf: z.boolean().default(true),
  /** Words and phrases the speech recogniser should expect (product names, yes/no …); the reply's options are added. */
  speechHints: z.array(z.string().min(1).max(100)).max(100).default([]),
  /** The URL configured in Twilio, when a proxy makes it differ from what the server sees; outbound calls need it. */
  webhookUrl: z.url().optional(),
  /** The number outbound calls come from (a Twilio number of the account). */
  callerId: z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number such as +15551234567').optional(),
  apiBaseUrl: z.url().default('https://api.twilio.com'),
});

/** Credentials: sealed at rest, never shown back. */
const secretsSchema = z.object({
  authToken: z.string().min(1).describe('The Twilio auth token (checks X-Twilio-Signature)'),
});
type VoiceConfig = z.infer<typeof configSchema> & z.infer<typeof secretsSchema>;

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

/** Our number on the call: the one called for an inbound call, the caller id for one we placed. */
const ourNumber = (form: Record<string, string>): string | undefined => (form.Direction?.startsWith('outbound') ? form.From : (form.To ?? form.Called));

/**
 * Pure: a Gather's `SpeechResult` (with its confidence) or `Digits` is the caller's message; a
 * call without either has none. A key picks the option of that number the last answer offered
 * (listed as `o` in the Gather's action URL, which Twilio signs with the rest of the URL).
 */
export function parseVoice(request: WebhookRequest): InboundEvent[] {
  const form = formOf(request);
  // A form's values are as untrusted as JSON (%00 decodes to NUL); checked after the signature.
  assertSafeInput(form, 'Twilio request');
  const speech = form.SpeechResult?.trim();
  const digits = form.Digits?.trim();
  if (!form.CallSid || !form.From || (!speech && !digits)) return [];
  const confidence = Number(form.Confidence);
  const offered = new URL(request.url, 'http://localhost').searchParams.getAll('o');
  const picked = digits && /^[1-9]$/.test(digits) ? offered[Number(digits) - 1] : undefined;
  // Twilio marks each webhook attempt of one event with the same idempotency token.
  const token = request.headers['i-twilio-idempotency-token'];
  const account = ourNumber(form);
  const caller = form.Direction?.startsWith('outbound') ? (form.To ?? form.From) : form.From;
  return [{
    kind: 'message',
    externalId: token ? `${form.CallSid}:${token}` : '',
    conversationKey: form.CallSid,
    userId: caller,
    text: (speech || digits || '').slice(0, 4000),
    ...(picked ? { payload: picked } : {}),
    ...(speech && Number.isFinite(confidence) && form.Confidence !== undefined ? { confidence } : {}),
    address: { callSid: form.CallSid },
    ...(account ? { accounts: [account] } : {}),
  }];
}

function speechOf(config: VoiceConfig, hints: readonly string[] = []): SpeechSettings {
  return { language: config.language, voice: config.voice, dtmf: config.dtmf, hints: [...config.speechHints, ...hints].slice(0, 100) };
}

function answer(outcome: TurnOutcome | null, request: WebhookRequest, config: VoiceConfig): string {
  const base = signedUrl(request, config).replace(/\?.*$/, '');
  if (!outcome) return gather([request.query.noinput ? config.noInputPrompt : config.greeting], base, speechOf(config));
  const texts = outcome.replies.map((r) => spoken(r, config.dtmf));
  const speech = speechOf(config);
  if (outcome.handoff) return config.handoffNumber ? dial(texts, config.handoffNumber, speech) : hangup(texts, speech);
  if (outcome.ended) return hangup(texts, speech);
  // The last reply with options is the question the caller answers; its options are the keys.
  const options = [...outcome.replies].reverse().map(optionsOf).find((o) => o.length > 0) ?? [];
  const keyed = config.dtmf ? options.slice(0, MAX_KEYPAD_OPTIONS) : [];
  const action = keyed.length > 0 ? `${base}?${new URLSearchParams(keyed.map((o): [string, string] => ['o', o.payload])).toString()}` : base;
  return gather(texts.length > 0 ? texts : [config.noInputPrompt], action, speechOf(config, options.map((o) => o.title)), keyed.length);
}

/** Voice through Twilio: each webhook is answered with TwiML holding the bot's reply. */
export const voiceChannel = defineChannel({
  id: 'voice',
  configSchema,
  secretsSchema,
  baseUrlFields: ['apiBaseUrl'],
  capabilities: { webhook: 'sync', buttons: 0, quickReplies: 0, maxTextLength: 4000 },
  account: { name: 'phone number (E.164)', pattern: /^\+[1-9]\d{6,14}$/, example: '+15550001111' },
  recipient: { pattern: /^\+[1-9]\d{6,14}$/, hint: 'an E.164 number such as +15551234567' },
  create(caps, config) {
    const speech = speechOf(config);
    const basic = Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64');
    return {
      verify: (request) => verifyTwilio(request, config),
      parseInbound: parseVoice,
      // Outside a webhook (a person's reply), speech reaches a live call by updating it with TwiML.
      render: (reply, address) => [{ callSid: address.callSid ?? '', twiml: document(say([spoken(reply)], speech)) }],
      async startConversation(target, first) {
        const from = target.from ?? config.callerId;
        if (!from || !/^\+[1-9]\d{6,14}$/.test(from)) throw new AppError('bad_request', 'An outbound call needs a caller id: set callerId on the voice channel, or give `from` (an E.164 number of your Twilio account).');
        if (!config.webhookUrl) throw new AppError('bad_request', 'An outbound call needs the voice channel’s webhookUrl (the public URL Twilio calls back), so that the callee’s answers reach the bot.');
        // The call opens with the first message and listens, as any answer of the bot does.
        const twiml = gather([spoken(first, config.dtmf)], config.webhookUrl, speech);
        const result = await caps.post(`${config.apiBaseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${config.accountSid}/Calls.json`, {
          headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ To: target.to, From: from, Twiml: twiml }).toString(),
        });
        const sid = (result.body as { sid?: unknown } | null)?.sid;
        if (!result.ok || typeof sid !== 'string') {
          throw new AppError('integration_failed', `Twilio refused the call: ${(result.body as { message?: string } | null)?.message ?? (result.ok ? 'no call sid' : result.error)}.`);
        }
        return { conversationKey: sid, address: { callSid: sid }, delivered: true };
      },
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
