/** The frames of the web chat socket `/v1/webchat` (gateway/routes/webchat.ts), as the widget uses them. */

export interface ReplyButton {
  title: string;
  payload: string;
}

export interface Reply {
  type: 'text';
  text: string;
  buttons?: ReplyButton[];
  quickReplies?: ReplyButton[];
}

/** What the page sends; the id makes a resend safe (the server answers a known id from memory). */
export interface OutgoingMessage {
  id: string;
  text?: string;
  payload?: string;
}

export interface ErrorBody {
  code: string;
  message: string;
}

export type ServerFrame =
  | { type: 'ack'; id: string }
  | { type: 'reply'; id: string; replies: Reply[]; ended: boolean; handoff: boolean }
  | { type: 'error'; id?: string; error: ErrorBody };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

const isButton = (value: unknown): value is ReplyButton => isObject(value) && typeof value.title === 'string' && typeof value.payload === 'string';

function toReply(value: unknown): Reply | null {
  if (!isObject(value) || typeof value.text !== 'string') return null;
  const buttons = Array.isArray(value.buttons) ? value.buttons.filter(isButton) : [];
  const quickReplies = Array.isArray(value.quickReplies) ? value.quickReplies.filter(isButton) : [];
  return {
    type: 'text',
    text: value.text,
    ...(buttons.length ? { buttons } : {}),
    ...(quickReplies.length ? { quickReplies } : {}),
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
