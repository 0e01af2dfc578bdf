import { defineExtractor } from './extractor.js';

// Characters RFC 3986 allows; text in other scripts right after a URL is therefore not swallowed.
const URL_LIKE = /(?<![A-Za-z0-9@.])(?:https?:\/\/|www\.)[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?'"]+$/;

/** "(see https://x.io/a)" ends at "a": a closing bracket is kept only when the URL opened it. */
function trimEnd(candidate: string): string {
  let url = candidate.replace(TRAILING_PUNCTUATION, '');
  for (const [open, close] of [['(', ')'], ['[', ']']] as const) {
    while (url.endsWith(close) && url.split(close).length > url.split(open).length) {
      url = url.slice(0, -1).replace(TRAILING_PUNCTUATION, '');
    }
  }
  return url;
}

function isUrl(candidate: string): boolean {
  try {
    const url = new URL(/^https?:/i.test(candidate) ? candidate : `https://${candidate}`);
    return url.hostname.includes('.') || url.hostname === 'localhost';
  } catch {
    return false;
  }
}

/** value: the URL as written (http, https, or starting with "www."), without trailing punctuation. */
export const urlExtractor = defineExtractor({
  type: 'url',
  compile: () => (text) => {
    const found = [];
    for (const m of text.matchAll(URL_LIKE)) {
      const url = trimEnd(m[0]);
      if (isUrl(url)) found.push({ value: url, start: m.index, end: m.index + url.length });
    }
    return found;
  },
});
