import type { Reply, ReplyButton, ReplyCard, ReplyList, ReplyMedia, ReplyModal } from '../../engine/contract.js';

/**
 * What channels use for the parts of a reply they cannot show natively: the same content as
 * plain text (a voice call reads it out, a platform without carousels lists the cards).
 */
/** `urls: false` for speech: an address read aloud helps nobody. */
export const mediaAsText = (media: ReplyMedia, urls = true): string =>
  [media.caption, media.type === 'image' ? null : (media.filename ?? null), urls ? media.url : null].filter(Boolean).join(' ');

export function cardAsText(card: ReplyCard, urls = true): string {
  const links = urls ? (card.buttons ?? []).flatMap((b) => (b.url ? [`${b.title}: ${b.url}`] : [])) : [];
  return [card.title, card.subtitle, urls ? card.url : null, ...links].filter(Boolean).join('\n');
}

export const cardsAsText = (cards: readonly ReplyCard[], urls = true): string => cards.map((c) => cardAsText(c, urls)).join('\n\n');

/** A list's rows as options (title and payload), in order, for channels that show buttons or read options out. */
export const listOptions = (list: ReplyList): ReplyButton[] => list.sections.flatMap((s) => s.rows.map((r) => ({ title: r.title, payload: r.payload })));

/** Postback buttons of cards, for channels that show cards as text with buttons under them. */
export const cardOptions = (cards: readonly ReplyCard[]): ReplyButton[] =>
  cards.flatMap((c) => (c.buttons ?? []).flatMap((b) => (b.payload ? [{ title: cards.length > 1 ? `${c.title}: ${b.title}` : b.title, payload: b.payload }] : [])));

/** A modal's fields as text, a select's with its options. */
export function modalAsText(modal: ReplyModal): string {
  const fields = modal.fields.map((f) => `• ${f.label}${f.options ? `: ${f.options.map((o) => o.title).join(' / ')}` : ''}${f.optional ? ' (optional)' : ''}`);
  return [modal.title, ...fields].join('\n');
}

/**
 * A reply with its modal as text, for channels without forms (and Slack once a modal's trigger
 * expired). A modal of one select field offers its options as quick replies, whose payloads are
 * the option values; other fields are for the user to answer in words.
 */
export function modalAsPlain(reply: Reply): Reply {
  if (!reply.modal) return reply;
  const { modal, ...rest } = reply;
  const text = [rest.text, modalAsText(modal)].filter((t) => t.trim() !== '').join('\n\n');
  const lone = modal.fields.length === 1 ? modal.fields[0]?.options : undefined;
  const offered = Boolean(rest.buttons?.length || rest.quickReplies?.length);
  return { ...rest, text, ...(lone && !offered ? { quickReplies: lone.map((o) => ({ title: o.title, payload: o.value })) } : {}) };
}

/** The whole reply as text with its options: what a channel without any rich support sends (voice: without URLs). */
export function plainReply(full: Reply, urls = true): { text: string; options: ReplyButton[] } {
  const reply = modalAsPlain(full);
  const text = [reply.media ? mediaAsText(reply.media, urls) : '', reply.text, reply.cards ? cardsAsText(reply.cards, urls) : ''].filter((t) => t.trim() !== '').join('\n\n');
  const options = [...(reply.buttons ?? []), ...(reply.quickReplies ?? []), ...(reply.cards ? cardOptions(reply.cards) : []), ...(reply.list ? listOptions(reply.list) : [])];
  return { text, options };
}
