import type { Reply } from '../../../engine/contract.js';

const escapeXml = (text: string): string =>
  text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);

export interface SpeechSettings {
  language: string;
  voice?: string | undefined;
}

/** A reply as speech: its text, then its options read out ("You can say: Track or Cancel."). */
export function spoken(reply: Reply): string {
  const options = [...(reply.buttons ?? []), ...(reply.quickReplies ?? [])].map((o) => o.title);
  if (options.length === 0) return reply.text;
  const list = options.length === 1 ? options[0] : `${options.slice(0, -1).join(', ')} or ${options.at(-1)}`;
  return `${reply.text} You can say: ${list}.`;
}

export function say(texts: readonly string[], speech: SpeechSettings): string {
  const voice = speech.voice ? ` voice="${escapeXml(speech.voice)}"` : '';
  return texts
    .filter((t) => t.trim() !== '')
    .map((t) => `<Say language="${escapeXml(speech.language)}"${voice}>${escapeXml(t)}</Say>`)
    .join('');
}

export const document = (verbs: string): string => `<?xml version="1.0" encoding="UTF-8"?><Response>${verbs}</Response>`;

/** Says the texts inside a speech `<Gather>` posting back to `action`; silence falls through to a redirect. */
export function gather(texts: readonly string[], action: string, speech: SpeechSettings): string {
  const attrs = `input="speech" action="${escapeXml(action)}" method="POST" speechTimeout="auto" language="${escapeXml(speech.language)}"`;
  const noInput = `${action}${action.includes('?') ? '&' : '?'}noinput=1`;
  return document(`<Gather ${attrs}>${say(texts, speech)}</Gather><Redirect method="POST">${escapeXml(noInput)}</Redirect>`);
}

export const dial = (texts: readonly string[], number: string, speech: SpeechSettings): string =>
  document(`${say(texts, speech)}<Dial>${escapeXml(number)}</Dial>`);

export const hangup = (texts: readonly string[], speech: SpeechSettings): string => document(`${say(texts, speech)}<Hangup/>`);
