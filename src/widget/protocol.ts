/** The frames of the web chat socket `/v1/webchat` (gateway/routes/webchat.ts), as the widget uses them. */
import type { components } from '../api-types/openapi.gen';

type Schemas = components['schemas'];

export type ReplyButton = Schemas['ReplyButton'];
export type ReplyMedia = Schemas['ReplyMedia'];
export type CardButton = Schemas['ReplyCardButton'];
export type ReplyCard = Schemas['ReplyCard'];
/** The server's reply as the widget shows it: a list's rows become buttons; WhatsApp templates and Slack modals are not for the web. */
export type Reply = Omit<Schemas['Reply'], 'list' | 'template' | 'modal'>;

/** What the page sends; the id makes a resend safe (the server answers a known id from memory). */
export type OutgoingMessage = Omit<Schemas['WebchatClientFrame'], 'type'>;

export type ErrorBody = Omit<Schemas['Error']['error'], 'details'>;

type Frame = Schemas['WebchatServerFrame'];
/** A frame from the server as the widget keeps it: of an answer, only what it shows. */
export type ServerFrame =
  | Extract<Frame, { type: 'ack' }>
  | (Pick<Extract<Frame, { type: 'reply' }>, 'type' | 'id' | 'ended' | 'handoff'> & { replies: Reply[] })
  | (Omit<Extract<Frame, { type: 'error' }>, 'error'> & { error: ErrorBody });

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

const isButton = (value: unknown): value is ReplyButton => isObject(value) && typeof value.title === 'string' && typeof value.payload === 'string';

/** Only web addresses become links and images: a `javascript:` URL in a reply must not run in the page. */
const webUrl = (value: unknown): string | undefined => (typeof value === 'string' && /^https?:\/\//i.test(value) ? value : undefined);
const optionalText = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function toMedia(value: unknown): ReplyMedia | undefined {
  if (!isObject(value) || !['image', 'video', 'audio', 'file'].includes(String(value.type))) return undefined;
  const url = webUrl(value.url);
  if (!url) return undefined;
  const caption = optionalText(value.caption);
  const filename = optionalText(value.filename);
  return { type: value.type as ReplyMedia['type'], url, ...(caption ? { caption } : {}), ...(filename ? { filename } : {}) };
}

function toCard(value: unknown): ReplyCard | null {
  if (!isObject(value) || typeof value.title !== 'string') return null;
  const buttons = (Array.isArray(value.buttons) ? value.buttons : []).flatMap((b): CardButton[] => {
    if (isButton(b)) return [{ title: b.title, payload: b.payload }];
    const url = isObject(b) && typeof b.title === 'string' ? webUrl(b.url) : undefined;
    return url ? [{ title: (b as { title: string }).title, url }] : [];
  });
  const subtitle = optionalText(value.subtitle);
  const imageUrl = webUrl(value.imageUrl);
  const url = webUrl(value.url);
  return { title: value.title, ...(subtitle ? { subtitle } : {}), ...(imageUrl ? { imageUrl } : {}), ...(url ? { url } : {}), ...(buttons.length ? { buttons } : {}) };
}

/** A list's rows, offered as buttons (the widget's way to pick one of several). */
function listRows(value: unknown): ReplyButton[] {
  if (!isObject(value) || !Array.isArray(value.sections)) return [];
  return value.sections.flatMap((s: unknown) => (isObject(s) && Array.isArray(s.rows) ? s.rows.filter(isButton).map((r) => ({ title: r.title, payload: r.payload })) : []));
}

function toReply(value: unknown): Reply | null {
  if (!isObject(value) || typeof value.text !== 'string') return null;
  const buttons = [...(Array.isArray(value.buttons) ? value.buttons.filter(isButton) : []), ...listRows(value.list)];
  const quickReplies = Array.isArray(value.quickReplies) ? value.quickReplies.filter(isButton) : [];
  const media = toMedia(value.media);
  const cards = (Array.isArray(value.cards) ? value.cards : []).map(toCard).filter((c): c is ReplyCard => c !== null);
  return {
    type: 'text',
    text: value.text,
    ...(buttons.length ? { buttons } : {}),
    ...(quickReplies.length ? { quickReplies } : {}),
    ...(media ? { media } : {}),
    ...(cards.length ? { cards } : {}),
  };
}

/** Parses a frame from the server; anything unexpected is ignored rather than breaking the page. */
export function parseFrame(data: unknown): ServerFrame | null {
  let frame: unknown;
  try {
    frame = typeof data === 'string' ? JSON.parse(data) : null;
  } catch {
    return null;
  }
  if (!isObject(frame)) return null;
  const id = typeof frame.id === 'string' ? frame.id : undefined;
  switch (frame.type) {
    case 'ack':
      return id ? { type: 'ack', id } : null;
    case 'reply': {
      if (!id || !Array.isArray(frame.replies)) return null;
      const replies = frame.replies.map(toReply).filter((r): r is Reply => r !== null);
      return { type: 'reply', id, replies, ended: frame.ended === true, handoff: frame.handoff === true };
    }
    case 'error': {
      const error = isObject(frame.error) ? frame.error : {};
      const body = { code: String(error.code ?? 'internal'), message: String(error.message ?? 'Something went wrong.') };
      return id ? { type: 'error', id, error: body } : { type: 'error', error: body };
    }
    default:
      return null;
  }
}
