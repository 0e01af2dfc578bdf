import { z } from 'zod';
import { AppError } from '../../../../shared/app-error.js';
import { credentialOf } from '../account-list.js';
import { modalAsPlain } from '../degrade.js';
import { defineChannel } from '../define-channel.js';
import { failedSend } from '../http-post.js';
import { graphError, parseJsonBody, verifyMeta } from '../meta-webhook.js';
import { parseWhatsApp } from './inbound.js';
import { renderWhatsApp, WHATSAPP_LIMITS, type WhatsAppSend } from './render.js';

const templateSchema = z.object({
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'a template name has lowercase letters, digits and underscores'),
  language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'a language code such as en or en_US'),
});

const PHONE_NUMBER_ID = /^\d{5,30}$/;

const numberSchema = z.object({
  phoneNumberId: z.string().regex(PHONE_NUMBER_ID, 'a WhatsApp phone number id (digits)'),
  accessToken: z.string().min(1).describe('The access token that may send from this number'),
});

const configSchema = z.object({
  phoneNumberId: z.string().min(1).describe('The WhatsApp Business phone number id (the sender when none is known)'),
  /** Numbers that need a token of their own (another business account); the others use accessToken. */
  numbers: z.array(numberSchema).max(100).default([]).describe('Phone numbers, each with its own access token'),
  graphApiBaseUrl: z.url().default('https://graph.facebook.com'),
  graphApiVersion: z.string().regex(/^v\d+\.\d+$/).default('v21.0'),
  listButtonLabel: z.string().min(1).max(20).default('Choose'),
  /** Sent instead of a free-form message once the user's 24-hour window has closed; without it such a message is refused. */
  windowTemplate: templateSchema.optional().describe('An approved template sent in place of a free-form message outside the 24-hour window'),
  /** Shows "typing…" while the bot works on an answer; off by default, as WhatsApp's indicator also marks the message read (blue ticks). */
  typingIndicator: z.boolean().default(false),
});

/** Credentials: sealed at rest, never shown back. */
const secretsSchema = z.object({
  accessToken: z.string().min(1).optional().describe('A system user access token with whatsapp_business_messaging (all numbers of its business account)'),
  appSecret: z.string().min(1).describe('The Meta app secret (checks X-Hub-Signature-256)'),
  verifyToken: z.string().min(1).describe('Any string; enter the same one in the Meta webhook settings'),
});

const messageIdOf = (body: unknown): string | null => {
  const id = (body as { messages?: { id?: unknown }[] } | null)?.messages?.[0]?.id;
  return typeof id === 'string' ? id : null;
};

/** Outbox entries written before replies carried their sender number are bare message bodies. */
const asSend = (payload: unknown): WhatsAppSend =>
  typeof payload === 'object' && payload !== null && 'message' in payload && 'phoneNumberId' in payload ? (payload as WhatsAppSend) : { phoneNumberId: null, message: payload as Record<string, unknown> };

/** WhatsApp Cloud API: webhooks from Meta, replies through the Graph API from the number the user wrote to. */
export const whatsappChannel = defineChannel({
  id: 'whatsapp',
  configSchema,
  secretsSchema,
  baseUrlFields: ['graphApiBaseUrl'],
  capabilities: { webhook: 'async', buttons: WHATSAPP_LIMITS.buttons, quickReplies: WHATSAPP_LIMITS.listRows, maxTextLength: WHATSAPP_LIMITS.text },
  account: { name: 'phone number id', pattern: /^\d{5,30}$/, example: '106540352242922' },
  recipient: { pattern: /^\d{6,20}$/, hint: 'a phone number in digits with its country code (wa_id), e.g. 15551234567' },
  accountList: { field: 'numbers', id: 'phoneNumberId', secret: 'accessToken' },
  create(caps, config) {
    const api = `${config.graphApiBaseUrl.replace(/\/$/, '')}/${config.graphApiVersion}`;
    /** The number a send goes out from (the one the user wrote to) and its token (its own, or the account-wide one). */
    const sender = (phoneNumberId: string | null) => {
      const from = phoneNumberId ?? config.phoneNumberId;
      return { from, token: credentialOf(config.numbers, 'phoneNumberId', from, 'accessToken', config.accessToken) };
    };
    const post = (from: string, token: string, body: unknown) =>
      caps.post(`${api}/${encodeURIComponent(from)}/messages`, { headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return {
      verify: (request) => verifyMeta(request, config),
      parseInbound: (request) => parseWhatsApp(parseJsonBody(request)),
      render: (reply, address) => renderWhatsApp(modalAsPlain(reply), address, config.listButtonLabel),
      async send(payload) {
        const { phoneNumberId, message } = asSend(payload);
        const { from, token } = sender(phoneNumberId);
        if (!token) return { ok: false, retryable: false, error: `WhatsApp: no access token for number ${from}; set accessToken or add the number to the channel's numbers` };
        const result = await post(from, token, message);
        return result.ok ? { ok: true, externalId: messageIdOf(result.body) } : failedSend(result, graphError(result.body));
      },
      async startConversation(target) {
        const phoneNumberId = target.from ?? config.phoneNumberId;
        if (!/^\d{5,30}$/.test(phoneNumberId)) throw new AppError('bad_request', `from: '${phoneNumberId.slice(0, 100)}' is not a WhatsApp phone number id.`);
        // The same key an inbound message of this user to this number gets: their reply continues it.
        return { conversationKey: `${phoneNumberId}:${target.to}`, address: { to: target.to, phoneNumberId }, delivered: false };
      },
      async typing(address, inboundId) {
        const { from, token } = sender(address.phoneNumberId ?? null);
        if (!config.typingIndicator || !inboundId.startsWith('wamid.') || !token) return;
        // Cloud API: marking the message read with a typing indicator shows "typing…" for up to 25 s.
        await post(from, token, { messaging_product: 'whatsapp', status: 'read', message_id: inboundId, typing_indicator: { type: 'text' } });
      },
    };
  },
});
