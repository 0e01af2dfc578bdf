import type { Reply, ReplyButton, ReplyCard, ReplyList, ReplyMedia } from '../../../engine/contract.js';
import { mediaAsText } from '../degrade.js';
import type { Address } from '../define-channel.js';
import { splitText } from '../split-text.js';

/** Slack's limits: a section's text 3,000; 25 elements per actions block; 100 options in a select; messages read best under 4,000. */
export const SLACK_LIMITS = { text: 4000, sectionText: 3000, buttons: 25, buttonText: 75, selectOptions: 100, optionText: 75, blocks: 50 };

/** A reply to a slash command (or an interaction on its ephemeral answer) goes to its response_url. */
export interface SlackResponse {
  responseUrl: string;
  body: Record<string, unknown>;
}

const truncate = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const plain = (text: string, max = SLACK_LIMITS.buttonText) => ({ type: 'plain_text', text: truncate(text, max) });
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) } });

const buttonsBlock = (options: readonly ReplyButton[], prefix = 'option') => ({
  type: 'actions',
  elements: options.slice(0, SLACK_LIMITS.buttons).map((o, n) => ({ type: 'button', action_id: `${prefix}_${n}`, text: plain(o.title), value: o.payload })),
});

/** A list as a static select: choosing a row comes back as `block_actions` with the row's payload. */
function selectBlock(list: ReplyList) {
  const option = (r: ReplyList['sections'][number]['rows'][number]) => ({ text: plain(r.title), value: r.payload, ...(r.description ? { description: plain(r.description) } : {}) });
  const titled = list.sections.length > 1 && list.sections.every((s) => s.title);
  const choices = titled ? { option_groups: list.sections.map((s) => ({ label: plain(s.title ?? ''), options: s.rows.map(option) })) } : { options: list.sections.flatMap((s) => s.rows).map(option) };
  return { type: 'actions', elements: [{ type: 'static_select', action_id: 'list', placeholder: plain(list.button), ...choices }] };
}

function mediaBlock(media: ReplyMedia) {
  if (media.type === 'image') return { type: 'image', image_url: media.url, alt_text: truncate(media.caption ?? 'image', 2000), ...(media.caption ? { title: plain(media.caption, 2000) } : {}) };
  // Slack shows files from links; uploading needs files:write and another API.
  return section(`<${media.url}|${media.filename ?? media.caption ?? media.url}>${media.caption && media.filename ? ` ${media.caption}` : ''}`);
}

function cardBlocks(card: ReplyCard, n: number): unknown[] {
  const title = card.url ? `*<${card.url}|${card.title}>*` : `*${card.title}*`;
  const head = { ...section([title, card.subtitle].filter(Boolean).join('\n')), ...(card.imageUrl ? { accessory: { type: 'image', image_url: card.imageUrl, alt_text: truncate(card.title, 2000) } } : {}) };
  const buttons = (card.buttons ?? []).map((b, i) =>
    b.url ? { type: 'button', action_id: `card_${n}_link_${i}`, text: plain(b.title), url: b.url } : { type: 'button', action_id: `card_${n}_${i}`, text: plain(b.title), value: b.payload ?? '' },
  );
  return buttons.length > 0 ? [head, { type: 'actions', elements: buttons }] : [head];
}

/** The Block Kit blocks of one message: media, the text (with buttons and a select), cards. */
function blocksOf(reply: Reply, text: string): unknown[] {
  const options = [...(reply.buttons ?? []), ...(reply.quickReplies ?? [])];
  const blocks: unknown[] = [];
  if (reply.media) blocks.push(mediaBlock(reply.media));
  if (text.trim()) blocks.push(section(text));
  if (options.length > 0) blocks.push(buttonsBlock(options));
  if (reply.list) blocks.push(selectBlock(reply.list));
  reply.cards?.forEach((card, n) => blocks.push(...cardBlocks(card, n)));
  return blocks.slice(0, SLACK_LIMITS.blocks);
}

/**
 * Pure: one reply → `chat.postMessage` bodies in the conversation's thread, or response_url bodies
 * for a slash command's conversation. Buttons and quick replies become buttons whose values are
 * the payloads, a list a static select, cards sections with an image accessory and buttons, media
 * an image block or a link (they all come back as `block_actions`). `text` is always set:
 * notifications and screen readers use it. A WhatsApp template is sent as its text.
 */
export function renderSlack(reply: Reply, address: Address): unknown[] {
  const rich = Boolean(reply.media || reply.cards?.length || reply.list || reply.buttons?.length || reply.quickReplies?.length);
  const fallback = reply.text || (reply.media ? mediaAsText(reply.media) : '') || reply.cards?.[0]?.title || ' ';
  const parts = splitText(fallback, rich ? SLACK_LIMITS.sectionText : SLACK_LIMITS.text);
  const bodies = parts.map((text, i) => {
    if (i < parts.length - 1 || !rich) return { text };
    return { text, blocks: blocksOf(reply, reply.text ? text : '') };
  });
  if (address.responseUrl) {
    const type = address.responseType === 'in_channel' ? 'in_channel' : 'ephemeral';
    return bodies.map((body): SlackResponse => ({ responseUrl: address.responseUrl!, body: { response_type: type, replace_original: false, ...body } }));
  }
  const where = { channel: address.channel ?? '', ...(address.threadTs ? { thread_ts: address.threadTs } : {}) };
  return bodies.map((body) => ({ ...where, ...body }));
}
