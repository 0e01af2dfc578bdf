import type { Reply, ReplyButton } from '../../../engine/contract.js';
import type { Address } from '../define-channel.js';
import { truncate } from '../meta-webhook.js';
import { splitText } from '../split-text.js';

/** WhatsApp's limits: text 4,096; interactive body 1,024; 3 reply buttons (title 20) or a list of 10 rows (title 24). */
export const WHATSAPP_LIMITS = { text: 4096, interactiveBody: 1024, buttons: 3, listRows: 10, buttonTitle: 20, rowTitle: 24, listButton: 20 };

const base = (to: string) => ({ messaging_product: 'whatsapp', recipient_type: 'individual', to });

const textMessage = (to: string, body: string) => ({ ...base(to), type: 'text', text: { body, preview_url: false } });

function buttonsMessage(to: string, body: string, options: ReplyButton[]) {
  return {
    ...base(to),
    type: 'interactive',
    interactive: {
      type: 'button',
      body: { text: body },
      action: { buttons: options.map((o) => ({ type: 'reply', reply: { id: o.payload, title: truncate(o.title, WHATSAPP_LIMITS.buttonTitle) } })) },
    },
  };
}

function listMessage(to: string, body: string, options: ReplyButton[], label: string) {
  return {
    ...base(to),
    type: 'interactive',
    interactive: {
      type: 'list',
      body: { text: body },
      action: {
        button: truncate(label, WHATSAPP_LIMITS.listButton),
        sections: [{ rows: options.slice(0, WHATSAPP_LIMITS.listRows).map((o) => ({ id: o.payload, title: truncate(o.title, WHATSAPP_LIMITS.rowTitle) })) }],
      },
    },
  };
}

/**
 * Pure: one reply → Graph API message bodies. WhatsApp has no quick replies, so buttons and quick
 * replies alike become reply buttons (up to 3) or a list (4 to 10); long texts go first as plain
 * text parts and the options ride on the last part.
 */
export function renderWhatsApp(reply: Reply, address: Address, listLabel: string): unknown[] {
  const to = address.to ?? '';
  const options = reply.buttons?.length ? reply.buttons : (reply.quickReplies ?? []);
  if (options.length === 0) return splitText(reply.text, WHATSAPP_LIMITS.text).map((part) => textMessage(to, part));
  const parts = splitText(reply.text || ' ', WHATSAPP_LIMITS.interactiveBody);
  const last = parts.pop() ?? ' ';
  const lead = parts.map((part) => textMessage(to, part));
  const interactive = options.length <= WHATSAPP_LIMITS.buttons ? buttonsMessage(to, last, options) : listMessage(to, last, options, listLabel);
  return [...lead, interactive];
}
