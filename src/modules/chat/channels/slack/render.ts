import type { Reply } from '../../../engine/contract.js';
import type { Address } from '../define-channel.js';
import { splitText } from '../split-text.js';

/** Slack's limits: a section's text 3,000; 25 elements per actions block; messages read best under 4,000. */
export const SLACK_LIMITS = { text: 4000, sectionText: 3000, buttons: 25, buttonText: 75 };

const truncate = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * Pure: one reply → `chat.postMessage` bodies in the conversation's thread. Buttons and quick
 * replies become buttons in an actions block whose values are the payloads (they come back as
 * `block_actions`). `text` is always set: notifications and screen readers use it.
 */
export function renderSlack(reply: Reply, address: Address): unknown[] {
  const where = { channel: address.channel ?? '', ...(address.threadTs ? { thread_ts: address.threadTs } : {}) };
  const options = [...(reply.buttons ?? []), ...(reply.quickReplies ?? [])].slice(0, SLACK_LIMITS.buttons);
  const parts = splitText(reply.text || ' ', options.length > 0 ? SLACK_LIMITS.sectionText : SLACK_LIMITS.text);
  return parts.map((text, i) => {
    if (i < parts.length - 1 || options.length === 0) return { ...where, text };
    return {
      ...where,
      text,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text } },
        {
          type: 'actions',
          elements: options.map((o, n) => ({ type: 'button', action_id: `option_${n}`, text: { type: 'plain_text', text: truncate(o.title, SLACK_LIMITS.buttonText) }, value: o.payload })),
        },
      ],
    };
  });
}
