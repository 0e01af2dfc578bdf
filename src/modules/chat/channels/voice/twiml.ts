import type { Reply, ReplyButton } from '../../../engine/contract.js';
import { plainReply } from '../degrade.js';

const escapeXml = (text: string): string =>
  text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);

export interface SpeechSettings {
  language: string;
  voice?: string | undefined;
  /** Whether callers may answer with the keypad as well as by voice. */
  dtmf?: boolean;
  /** Words and phrases the recogniser should expect (Twilio `hints`). */
  hints?: readonly string[];
}

/** Keypresses 1–9 pick options; more options than that can only be said. */
export const MAX_KEYPAD_OPTIONS = 9;

/** The options a caller may choose from (buttons, quick replies, cards' and lists' rows), in order. */
export const optionsOf = (reply: Reply): ReplyButton[] => plainReply(reply).options;

/**
 * A reply as speech: its text (cards, lists and media captions read as text), then its options
 * ("You can say: Track or Cancel."), and with the keypad on, which key picks which.
 */
export function spoken(reply: Reply, dtmf = false): string {
  const { text, options } = plainReply(reply, false);
  if (options.length === 0) return text;
  const titles = options.map((o) => o.title);
  const list = titles.length === 1 ? titles[0] : `${titles.slice(0, -1).join(', ')} or ${titles.at(-1)}`;
  const keys = dtmf && options.length <= MAX_KEYPAD_OPTIONS ? ` Or press ${titles.map((t, i) => `${i + 1} for ${t}`).join(', ')}.` : '';
  return `${text} You can say: ${list}.${keys}`;
}

export function say(texts: readonly string[], speech: SpeechSettings): string {
  const voice = speech.voice ? ` voice="${escapeXml(speech.voice)}"` : '';
  return texts
    .filter((t) => t.trim() !== '')
    .map((t) => `<Say language="${escapeXml(speech.language)}"${voice}>${escapeXml(t)}</Say>`)
    .join('');
}

export const document = (verbs: string): string => `<?xml version="1.0" encoding="UTF-8"?><Response>${verbs}</Response>`;

/**
 * Says the texts inside a `<Gather>` (speech, and keypresses when `dtmf` is on) posting back to
 * `action`; silence falls through to a redirect. `keys` options: one keypress picks one.
 */
export function gather(texts: readonly string[], action: string, speech: SpeechSettings, keys = 0): string {
  const input = speech.dtmf ? 'dtmf speech' : 'speech';
  const digits = speech.dtmf && keys > 0 && keys <= MAX_KEYPAD_OPTIONS ? ' numDigits="1"' : '';
  const hints = speech.hints?.length ? ` hints="${escapeXml(speech.hints.join(', '))}"` : '';
  const attrs = `input="${input}" action="${escapeXml(action)}" method="POST" speechTimeout="auto" language="${escapeXml(speech.language)}"${hints}${digits}`;
  const noInput = `${action}${action.includes('?') ? '&' : '?'}noinput=1`;
  return document(`<Gather ${attrs}>${say(texts, speech)}</Gather><Redirect method="POST">${escapeXml(noInput)}</Redirect>`);
}

export const dial = (texts: readonly string[], number: string, speech: SpeechSettings): string =>
  document(`${say(texts, speech)}<Dial>${escapeXml(number)}</Dial>`);

export const hangup = (texts: readonly string[], speech: SpeechSettings): string => document(`${say(texts, speech)}<Hangup/>`);
