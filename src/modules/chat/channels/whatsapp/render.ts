import type { Reply, ReplyButton, ReplyCard, ReplyList, ReplyMedia, ReplyTemplate } from '../../../engine/contract.js';
import { cardAsText } from '../degrade.js';
import type { Address } from '../define-channel.js';
import { truncate } from '../meta-webhook.js';
import { splitText } from '../split-text.js';

/** WhatsApp's limits: text 4,096; interactive body 1,024; 3 reply buttons (title 20) or a list of 10 rows (title 24); captions 1,024. */
export const WHATSAPP_LIMITS = { text: 4096, interactiveBody: 1024, buttons: 3, listRows: 10, buttonTitle: 20, rowTitle: 24, rowDescription: 72, listButton: 20, sectionTitle: 24, caption: 1024 };

/** One Graph API message body and the phone number id it goes out from (null: the channel's own). */
export interface WhatsAppSend {
  phoneNumberId: string | null;
  message: Record<string, unknown>;
}

const base = (to: string) => ({ messaging_product: 'whatsapp', recipient_type: 'individual', to });

const textMessage = (to: string, body: string) => ({ ...base(to), type: 'text', text: { body, preview_url: false } });

const MEDIA_KIND = { image: 'image', video: 'video', audio: 'audio', file: 'document' } as const;

function mediaMessage(to: string, media: ReplyMedia) {
  const kind = MEDIA_KIND[media.type];
  // Audio carries no caption on WhatsApp; its caption goes as text after it (see renderWhatsApp).
  const caption = kind === 'audio' || !media.caption ? {} : { caption: truncate(media.caption, WHATSAPP_LIMITS.caption) };
  const filename = kind === 'document' && media.filename ? { filename: media.filename } : {};
  return { ...base(to), type: kind, [kind]: { link: media.url, ...caption, ...filename } };
}

function buttonsMessage(to: string, body: string, options: ReplyButton[], header?: Record<string, unknown>) {
  return {
    ...base(to),
    type: 'interactive',
    interactive: {
      type: 'button',
      ...(header ? { header } : {}),
      body: { text: body },
      action: { buttons: options.slice(0, WHATSAPP_LIMITS.buttons).map((o) => ({ type: 'reply', reply: { id: o.payload, title: truncate(o.title, WHATSAPP_LIMITS.buttonTitle) } })) },
    },
  };
}

function listMessage(to: string, body: string, list: ReplyList) {
  return {
    ...base(to),
    type: 'interactive',
    interactive: {
      type: 'list',
      body: { text: body },
      action: {
        button: truncate(list.button, WHATSAPP_LIMITS.listButton),
        sections: list.sections.map((s) => ({
          ...(s.title ? { title: truncate(s.title, WHATSAPP_LIMITS.sectionTitle) } : {}),
          rows: s.rows.map((r) => ({ id: r.payload, title: truncate(r.title, WHATSAPP_LIMITS.rowTitle), ...(r.description ? { description: truncate(r.description, WHATSAPP_LIMITS.rowDescription) } : {}) })),
        })),
      },
    },
  };
}

/** A card: reply buttons under an image header when it has postback buttons, else an image with a caption, else text. */
function cardMessage(to: string, card: ReplyCard) {
  const body = truncate(cardAsText(card), WHATSAPP_LIMITS.interactiveBody);
  const options = (card.buttons ?? []).flatMap((b) => (b.payload ? [{ title: b.title, payload: b.payload }] : []));
  if (options.length > 0) return buttonsMessage(to, body, options, card.imageUrl ? { type: 'image', image: { link: card.imageUrl } } : undefined);
  if (card.imageUrl) return mediaMessage(to, { type: 'image', url: card.imageUrl, caption: body });
  return textMessage(to, body);
}

export function templateMessage(to: string, template: ReplyTemplate) {
  const components = template.params.length > 0 ? [{ type: 'body', parameters: template.params.map((text) => ({ type: 'text', text })) }] : [];
  return { ...base(to), type: 'template', template: { name: template.name, language: { code: template.language }, ...(components.length ? { components } : {}) } };
}

/** Text parts with the options on the last one: reply buttons (up to 3) or a list (4 to 10). */
function textWithOptions(to: string, text: string, options: ReplyButton[], listLabel: string): Record<string, unknown>[] {
  if (options.length === 0) return splitText(text, WHATSAPP_LIMITS.text).filter((p) => p.trim() !== '').map((part) => textMessage(to, part));
  const parts = splitText(text || ' ', WHATSAPP_LIMITS.interactiveBody);
  const last = parts.pop() ?? ' ';
  const lead = parts.map((part) => textMessage(to, part));
  const list = { button: listLabel, sections: [{ rows: options.slice(0, WHATSAPP_LIMITS.listRows).map((o) => ({ title: o.title, payload: o.payload })) }] };
  return [...lead, options.length <= WHATSAPP_LIMITS.buttons ? buttonsMessage(to, last, options) : listMessage(to, last, list)];
}

/**
 * Pure: one reply → Graph API message bodies. A template reply is the template alone (it is what
 * may be sent outside the 24-hour window). Otherwise: the media, then the text with its options
 * (WhatsApp has no quick replies: buttons and quick replies alike become reply buttons or a list),
 * or the text with the flow's list; then each card as its own message (WhatsApp has no carousel).
 */
export function renderWhatsApp(reply: Reply, address: Address, listLabel: string): WhatsAppSend[] {
  const to = address.to ?? '';
  const from = address.phoneNumberId ?? null;
  const wrap = (messages: Record<string, unknown>[]): WhatsAppSend[] => messages.map((message) => ({ phoneNumberId: from, message }));
  if (reply.template) return wrap([templateMessage(to, reply.template)]);
  const out: Record<string, unknown>[] = [];
  if (reply.media) {
    out.push(mediaMessage(to, reply.media));
    if (reply.media.type === 'audio' && reply.media.caption) out.push(textMessage(to, reply.media.caption));
  }
  const options = reply.buttons?.length ? reply.buttons : (reply.quickReplies ?? []);
  if (reply.list) out.push(listMessage(to, truncate(reply.text || ' ', WHATSAPP_LIMITS.interactiveBody), reply.list));
  else out.push(...textWithOptions(to, reply.text, options, listLabel));
  for (const card of reply.cards ?? []) out.push(cardMessage(to, card));
  return wrap(out);
}
