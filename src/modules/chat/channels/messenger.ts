import { z } from 'zod';
import type { Attachment, Location, Reply, ReplyButton, ReplyCard, ReplyMedia } from '../../engine/contract.js';
import { credentialOf } from './account-list.js';
import { listOptions, modalAsPlain } from './degrade.js';
import { type Address, defineChannel, type InboundEvent } from './define-channel.js';
import { failedSend } from './http-post.js';
import { graphError, parseJsonBody, truncate, unixToIso, verifyMeta } from './meta-webhook.js';
import { splitText } from './split-text.js';

/** Messenger's limits: text 2,000; button template text 640 with 3 buttons; 13 quick replies (title 20); generic template 10 elements (title and subtitle 80). */
export const MESSENGER_LIMITS = { text: 2000, templateText: 640, buttons: 3, quickReplies: 13, title: 20, elements: 10, elementText: 80 };

const PAGE_ID = /^\d{5,30}$/;

const pageSchema = z.object({
  pageId: z.string().regex(PAGE_ID, 'a Facebook Page id (digits)'),
  pageAccessToken: z.string().min(1).describe('The Page access token of this page'),
});

const configSchema = z.object({
  pageId: z.string().min(1).optional().describe('The Facebook Page id (one page; list several under pages)'),
  /** Several pages of one Meta app: each reply goes out with the token of the page the user wrote to. */
  pages: z.array(pageSchema).max(100).default([]).describe('Pages, each with its own Page access token'),
  graphApiBaseUrl: z.url().default('https://graph.facebook.com'),
  graphApiVersion: z.string().regex(/^v\d+\.\d+$/).default('v21.0'),
  /** Shows "typing…" while the bot works on an answer; off by default, as each one is another Send API call against the page's rate limit. */
  typingIndicator: z.boolean().default(false),
});

/** Credentials: sealed at rest, never shown back. */
const secretsSchema = z.object({
  pageAccessToken: z.string().min(1).optional().describe('A Page access token with pages_messaging (one page; list several under pages)'),
  appSecret: z.string().min(1).describe('The Meta app secret (checks X-Hub-Signature-256)'),
  verifyToken: z.string().min(1).describe('Any string; enter the same one in the Meta webhook settings'),
});

const messaging = z.object({
  sender: z.object({ id: z.string() }),
  recipient: z.object({ id: z.string() }),
  timestamp: z.number(),
  message: z
    .object({
      mid: z.string(),
      text: z.string().optional(),
      is_echo: z.boolean().optional(),
      quick_reply: z.object({ payload: z.string() }).optional(),
      attachments: z.array(z.object({ type: z.string(), payload: z.unknown().optional() })).optional(),
    })
    .optional(),
  postback: z.object({ mid: z.string().optional(), title: z.string().optional(), payload: z.string() }).optional(),
  delivery: z.object({ mids: z.array(z.string()).optional(), watermark: z.number() }).optional(),
  read: z.object({ watermark: z.number() }).optional(),
});
const webhook = z.object({ object: z.literal('page'), entry: z.array(z.object({ messaging: z.array(z.unknown()).optional() })) });

const ATTACHMENT_TYPES: Record<string, Attachment['type']> = { image: 'image', video: 'video', audio: 'audio', file: 'file' };
const urlPayload = z.object({ url: z.url().max(2000), sticker_id: z.number().optional() });
const coordinates = z.object({ coordinates: z.object({ lat: z.number(), long: z.number() }) });

/** Messenger attachments carry a URL (images, video, audio, files) or coordinates (a shared location). */
function readAttachments(list: { type: string; payload?: unknown }[]): { attachments?: Attachment[]; location?: Location } {
  const attachments: Attachment[] = [];
  let location: Location | undefined;
  for (const item of list) {
    const type = ATTACHMENT_TYPES[item.type];
    const media = urlPayload.safeParse(item.payload);
    if (type && media.success) attachments.push({ type: media.data.sticker_id === undefined ? type : 'sticker', url: media.data.url });
    const point = item.type === 'location' ? coordinates.safeParse(item.payload) : null;
    if (point?.success) location = { latitude: point.data.coordinates.lat, longitude: point.data.coordinates.long };
  }
  return { ...(attachments.length > 0 ? { attachments: attachments.slice(0, 10) } : {}), ...(location ? { location } : {}) };
}

function toEvent(raw: unknown): InboundEvent | null {
  const parsed = messaging.safeParse(raw);
  if (!parsed.success) return null;
  const { sender, recipient, timestamp, message, postback, delivery, read } = parsed.data;
  // The page is part of the address: its replies go out with that page's token.
  const base = { conversationKey: `${recipient.id}:${sender.id}`, userId: sender.id, address: { psid: sender.id, pageId: recipient.id }, accounts: [recipient.id] };
  const media = message?.attachments ? readAttachments(message.attachments) : {};
  if (message && !message.is_echo && (message.text !== undefined || message.quick_reply || media.attachments || media.location)) {
    return {
      kind: 'message',
      externalId: message.mid,
      ...base,
      ...(message.text === undefined ? {} : { text: message.text }),
      ...(message.quick_reply ? { payload: message.quick_reply.payload } : {}),
      ...media,
    };
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
const MEDIA_KIND = { image: 'image', video: 'video', audio: 'audio', file: 'file' } as const;

const mediaAttachment = (media: ReplyMedia) => ({ attachment: { type: MEDIA_KIND[media.type], payload: { url: media.url, is_reusable: true } } });

/** Cards as a generic template (a carousel when there are several), up to 10. */
function genericTemplate(cards: readonly ReplyCard[]) {
  const elements = cards.slice(0, MESSENGER_LIMITS.elements).map((card) => ({
    title: truncate(card.title, MESSENGER_LIMITS.elementText),
    ...(card.subtitle ? { subtitle: truncate(card.subtitle, MESSENGER_LIMITS.elementText) } : {}),
    ...(card.imageUrl ? { image_url: card.imageUrl } : {}),
    ...(card.url ? { default_action: { type: 'web_url', url: card.url } } : {}),
    ...(card.buttons?.length
      ? { buttons: card.buttons.map((b) => (b.url ? { type: 'web_url', url: b.url, title: titled(b as ReplyButton) } : { type: 'postback', title: titled(b as ReplyButton), payload: b.payload ?? '' })) }
      : {}),
  }));
  return { attachment: { type: 'template', payload: { template_type: 'generic', elements } } };
}

/**
 * Pure: one reply → Send API bodies. Media go first as an attachment (a caption as text after it);
 * up to 3 buttons become a button template; more buttons, quick replies or a list's rows become
 * quick replies (at most 13). Long texts are split; options ride on the last part. Cards follow as
 * a generic template. A WhatsApp template is sent as its text.
 */
export function renderMessenger(reply: Reply, address: Address): unknown[] {
  const psid = address.psid ?? '';
  const out: unknown[] = [];
  if (reply.media) {
    out.push(envelope(psid, mediaAttachment(reply.media)));
    if (reply.media.caption) out.push(envelope(psid, { text: truncate(reply.media.caption, MESSENGER_LIMITS.text) }));
  }
  const buttons = reply.buttons ?? [];
  const quick = buttons.length > MESSENGER_LIMITS.buttons ? buttons : [...(reply.quickReplies ?? []), ...(reply.list ? listOptions(reply.list) : [])];
  const template = buttons.length > 0 && buttons.length <= MESSENGER_LIMITS.buttons;
  const hasText = reply.text.trim() !== '' || template || quick.length > 0;
  const parts = hasText ? splitText(reply.text || ' ', template ? MESSENGER_LIMITS.templateText : MESSENGER_LIMITS.text) : [];
  parts.forEach((text, i) => {
    if (i < parts.length - 1) return out.push(envelope(psid, { text }));
    if (template) {
      const payload = { template_type: 'button', text, buttons: buttons.map((b) => ({ type: 'postback', title: titled(b), payload: b.payload })) };
      return out.push(envelope(psid, { attachment: { type: 'template', payload } }));
    }
    if (quick.length > 0) {
      return out.push(envelope(psid, { text, quick_replies: quick.slice(0, MESSENGER_LIMITS.quickReplies).map((q) => ({ content_type: 'text', title: titled(q), payload: q.payload })) }));
    }
    return out.push(envelope(psid, { text }));
  });
  if (reply.cards?.length) out.push(envelope(psid, genericTemplate(reply.cards)));
  return out;
}

const messageIdOf = (body: unknown): string | null => {
  const id = (body as { message_id?: unknown } | null)?.message_id;
  return typeof id === 'string' ? id : null;
};

/** One Send API body and the page it goes out from (null: the channel's single page). */
export interface MessengerSend {
  pageId: string | null;
  body: unknown;
}

/** Outbox entries written before replies carried their page are bare Send API bodies. */
const asSend = (payload: unknown): MessengerSend =>
  typeof payload === 'object' && payload !== null && 'body' in payload && 'pageId' in payload ? (payload as MessengerSend) : { pageId: null, body: payload };

type MessengerConfig = z.infer<typeof configSchema> & z.infer<typeof secretsSchema>;

const tokenOf = (config: MessengerConfig, pageId: string | null | undefined): string | null => credentialOf(config.pages, 'pageId', pageId, 'pageAccessToken', config.pageAccessToken);

/** Facebook Messenger: webhooks from Meta, replies through the Send API. */
export const messengerChannel = defineChannel({
  id: 'messenger',
  configSchema,
  secretsSchema,
  baseUrlFields: ['graphApiBaseUrl'],
  capabilities: { webhook: 'async', buttons: MESSENGER_LIMITS.buttons, quickReplies: MESSENGER_LIMITS.quickReplies, maxTextLength: MESSENGER_LIMITS.text },
  account: { name: 'page id', pattern: /^\d{5,30}$/, example: '104858002312345' },
  accountList: { field: 'pages', id: 'pageId', secret: 'pageAccessToken' },
  create(caps, config) {
    const url = `${config.graphApiBaseUrl.replace(/\/$/, '')}/${config.graphApiVersion}/me/messages`;
    const post = (token: string, body: unknown) => caps.post(url, { headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return {
      verify: (request) => verifyMeta(request, config),
      parseInbound: (request) => parseMessenger(parseJsonBody(request)),
      render: (reply, address): MessengerSend[] => renderMessenger(modalAsPlain(reply), address).map((body) => ({ pageId: address.pageId ?? null, body })),
      async send(payload) {
        const { pageId, body } = asSend(payload);
        const token = tokenOf(config, pageId);
        if (!token) return { ok: false, retryable: false, error: `Messenger: no Page access token for page ${pageId ?? '(unknown)'}; add the page to the channel's pages` };
        const result = await post(token, body);
        return result.ok ? { ok: true, externalId: messageIdOf(result.body) } : failedSend(result, graphError(result.body));
      },
      async typing(address) {
        const token = tokenOf(config, address.pageId);
        if (!config.typingIndicator || !address.psid || !token) return;
        await post(token, { recipient: { id: address.psid }, sender_action: 'typing_on' });
      },
    };
  },
});
