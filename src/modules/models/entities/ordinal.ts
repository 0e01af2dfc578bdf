import { defineExtractor } from './extractor.js';
import { ORDINAL_WORDS, TENS_VALUES } from './number-words.js';

const UNIT_ORDINALS = Object.keys(ORDINAL_WORDS).filter((w) => (ORDINAL_WORDS[w] ?? 0) < 10);
// "21st", "2nd", "3RD"; "twenty-first", "twenty first"; "first" … "nineteenth", "fortieth", "hundredth".
const ORDINAL = new RegExp(
  `\\b(?:(\\d+)(?:st|nd|rd|th)|(${Object.keys(TENS_VALUES).join('|')})[-\\s](${UNIT_ORDINALS.join('|')})|(${Object.keys(ORDINAL_WORDS).join('|')}))\\b`,
  'gi',
);

/**
 * value: an integer. "second" is also a unit of time ("wait a second"); the flow decides, from the
 * state it is in, whether an ordinal is expected.
 */
export const ordinalExtractor = defineExtractor({
  type: 'ordinal',
  compile: () => (text) => {
    const found = [];
    for (const m of text.matchAll(ORDINAL)) {
      const [, digits, tens, unit, word] = m;
      const value = digits
        ? Number(digits)
        : tens && unit
          ? (TENS_VALUES[tens.toLowerCase()] ?? 0) + (ORDINAL_WORDS[unit.toLowerCase()] ?? 0)
          : (ORDINAL_WORDS[(word ?? '').toLowerCase()] ?? 0);
      if (Number.isSafeInteger(value) && value > 0) found.push({ value, start: m.index, end: m.index + m[0].length });
    }
    return found;
  },
});
