import { defineExtractor } from './extractor.js';

// ASCII only, so that "邮箱abc@example.com" yields the address and not the Chinese before it.
// The lookbehind starts matches only at the beginning of a run, which keeps scanning linear.
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?![A-Za-z0-9-])/g;

/** value: the address, lowercased. A sentence's final dot is not part of it. */
export const emailExtractor = defineExtractor({
  type: 'email',
  compile: () => (text) =>
    [...text.matchAll(EMAIL)].map((m) => ({ value: m[0].toLowerCase(), start: m.index, end: m.index + m[0].length })),
});
