import type { Reply, ReplyButton, ReplyCard, ReplyList, ReplyMedia } from '../../engine/contract.js';

/**
 * What channels use for the parts of a reply they cannot show natively: the same content as
 * plain text (a voice call reads it out, a platform without carousels lists the cards).
 */
export const mediaAsText = (media: ReplyMedia): string => [media.caption, media.type === 'image' ? null : (media.filename ?? null), media.url].filter(Boolean).join(' ');

export function cardAsText(card: ReplyCard): string {
  const links = (card.buttons ?? []).flatMap((b) => (b.url ? [`${b.title}: ${b.url}`] : []));
  return [card.title, card.subtitle, card.url, ...links].filter(Boolean).join('\n');
}

export const cardsAsText = (cards: readonly ReplyCard[]): string => cards.map(cardAsText).join('\n\n');

/** A list's rows as options (title and payload), in order, for channels that show buttons or read options out. */
export const listOptions = (list: ReplyList): ReplyButton[] => list.sections.flatMap((s) => s.rows.map((r) => ({ title: r.title, payload: r.payload })));

/** Postback buttons of cards, for channels that show cards as text with buttons under them. */
export const cardOptions = (cards: readonly ReplyCard[]): ReplyButton[] =>
  cards.flatMap((c) => (c.buttons ?? []).flatMap((b) => (b.payload ? [{ title: cards.length > 1 ? `${c.title}: ${b.title}` : b.title, payload: b.payload }] : [])));

/** The whole reply as text with its options: what a channel without any rich support sends. */
export function plainReply(reply: Reply): { text: string; options: ReplyButton[] } {
  const text = [reply.media ? mediaAsText(reply.media) : '', reply.text, reply.cards ? cardsAsText(reply.cards) : ''].filter((t) => t.trim() !== '').join('\n\n');
  const options = [...(reply.buttons ?? []), ...(reply.quickReplies ?? []), ...(reply.cards ? cardOptions(reply.cards) : []), ...(reply.list ? listOptions(reply.list) : [])];
  return { text, options };
}
