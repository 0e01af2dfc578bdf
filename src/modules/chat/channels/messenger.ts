import { z } from 'zod';
import type { Reply, ReplyButton } from '../../engine/contract.js';
import { type Address, defineChannel, type InboundEvent } from './define-channel.js';
import { failedSend } from './http-post.js';
import { graphError, parseJsonBody, truncate, unixToIso, verifyMeta } from './meta-webhook.js';
import { splitText } from './split-text.js';

/** Messenger's limits: text 2,000; button template text 640 with 3 buttons; 13 quick replies (title 20). */
export const MESSENGER_LIMITS = { text: 2000, templateText: 640, buttons: 3, quickReplies: 13, title: 20 };

const configSchema = z.object({
  pageId: z.string().min(1).describe('The Facebook Page id'),
  pageAccessToken: z.string().min(1).describe('A Page access token with pages_messaging'),
  appSecret: z.string().min(1).describe('The Meta app secret (checks X-Hub-Signature-256)'),
  verifyToken: z.string().min(1).describe('Any string; enter the same one in the Meta webhook settings'),
  graphApiBaseUrl: z.url().default('https://graph.facebook.com'),
  graphApiVersion: z.string().regex(/^v\d+\.\d+$/).default('v21.0'),
});

const messaging = z.object({
  sender: z.object({ id: z.string() }),
  recipient: z.object({ id: z.string() }),
  timestamp: z.number(),
  message: z.object({ mid: z.string(), text: z.string().optional(), is_echo: z.boolean().optional(), quick_reply: z.object({ payload: z.string() }).optional() }).optional(),
  postback: z.object({ mid: z.string().optional(), title: z.string().optional(), payload: z.string() }).optional(),
  delivery: z.object({ mids: z.array(z.string()).optional(), watermark: z.number() }).optional(),
  read: z.object({ watermark: z.number() }).optional(),
});
const webhook = z.object({ object: z.literal('page'), entry: z.array(z.object({ messaging: z.array(z.unknown()).optional() })) });

function toEvent(raw: unknown): InboundEvent | null {
  const parsed = messaging.safeParse(raw);
  if (!parsed.success) return null;
  const { sender, recipient, timestamp, message, postback, delivery, read } = parsed.data;
  const base = { conversationKey: `${recipient.id}:${sender.id}`, userId: sender.id, address: { psid: sender.id } };
  if (message && !message.is_echo && (message.text !== undefined || message.quick_reply)) {
    return { kind: 'message', externalId: message.mid, ...base, ...(message.text === undefined ? {} : { text: message.text }), ...(message.quick_reply ? { payload: message.quick_reply.payload } : {}) };
  }
  if (postback) {
    return { kind: 'message', externalId: postback.mid ?? `${sender.id}:${timestamp}`, ...base, payload: postback.payload, ...(postback.title ? { text: postback.title } : {}) };
  }
  if (delivery?.mids?.length) return { kind: 'status', status: 'delivered', at: unixToIso(delivery.watermark), externalIds: delivery.mids };
  // Page-scoped events: the user is the sender, the page the recipient.
  if (read) return { kind: 'status', status: 'read', at: unixToIso(read.watermark), upTo: { conversationKey: base.conversationKey, at: unixToIso(read.watermark) } };
  return null;
}

/** Pure: a webhook body → user messages (text, quick replies, postbacks) and delivery/read statuses; echoes are ignored. */
export function parseMessenger(body: unknown): InboundEvent[] {
  const parsed = webhook.safeParse(body);
  if (!parsed.success) return [];
  return parsed.data.entry.flatMap((e) => e.messaging ?? []).flatMap((raw) => toEvent(raw) ?? []);
}

const envelope = (psid: string, message: unknown) => ({ recipient: { id: psid }, messaging_type: 'RESPONSE', message });
const titled = (o: ReplyButton) => truncate(o.title, MESSENGER_LIMITS.title);

/**
 * Pure: one reply → Send API bodies. Up to 3 buttons become a button template; more buttons, or
 * quick replies, become quick replies (at most 13). Long texts are split; options ride on the last part.
 */
export function renderMessenger(reply: Reply, address: Address): unknown[] {
  const psid = address.psid ?? '';
  const buttons = reply.buttons ?? [];
  const quick = buttons.length > MESSENGER_LIMITS.buttons ? buttons : (reply.quickReplies ?? []);
  const template = buttons.length > 0 && buttons.length <= MESSENGER_LIMITS.buttons;
  const parts = splitText(reply.text || ' ', template ? MESSENGER_LIMITS.templateText : MESSENGER_LIMITS.text);
  return parts.map((text, i) => {
    if (i < parts.length - 1) return envelope(psid, { text });
    if (template) {
      const payload = { template_type: 'button', text, buttons: buttons.map((b) => ({ type: 'postback', title: titled(b), payload: b.payload })) };
      return envelope(psid, { attachment: { type: 'template', payload } });
    }
    if (quick.length > 0) {
      return envelope(psid, { text, quick_replies: quick.slice(0, MESSENGER_LIMITS.quickReplies).map((q) => ({ content_type: 'text', title: titled(q), payload: q.payload })) });
    }
    return envelope(psid, { text });
  });
}

const messageIdOf = (body: unknown): string | null => {
  const id = (body as { message_id?: unknown } | null)?.message_id;
  return typeof id === 'string' ? id : null;
};

/** Facebook Messenger: webhooks from Meta, replies through the Send API. */
export const messengerChannel = defineChannel({
  id: 'messenger',
  configSchema,
  secretFields: ['pageAccessToken', 'appSecret', 'verifyToken'],
  baseUrlFields: ['graphApiBaseUrl'],
  capabilities: { webhook: 'async', buttons: MESSENGER_LIMITS.buttons, quickReplies: MESSENGER_LIMITS.quickReplies, maxTextLength: MESSENGER_LIMITS.text },
  create(caps, config) {
    const url = `${config.graphApiBaseUrl.replace(/\/$/, '')}/${config.graphApiVersion}/me/messages`;
    return {
      verify: (request) => verifyMeta(request, config),
      parseInbound: (request) => parseMessenger(parseJsonBody(request)),
      render: renderMessenger,
      async send(payload) {
        const result = await caps.post(url, {
          headers: { authorization: `Bearer ${config.pageAccessToken}`, 'content-type': 'application/json' },
          body: JSON.stringify(payload),
        });
        return result.ok ? { ok: true, externalId: messageIdOf(result.body) } : failedSend(result, graphError(result.body));
      },
    };
  },
});
