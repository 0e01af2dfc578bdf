import { type EntityMatch, defineExtractor, dropOverlaps } from './extractor.js';
import { SCALE_WORDS, findNumberWords } from './number-words.js';
import { SPACED_LETTER } from './word-boundary.js';

/**
 * Digits with optional sign, thousands commas and decimals: "-3", "1,250", "2.5". Not part of a
 * word or a longer token: "2nd", "5pm", "v1.2.3" and "abc123" are not numbers. A minus counts
 * only after a space, so "3-4" is 3 and 4.
 */
const DIGITS = new RegExp(
  String.raw`(?<!${SPACED_LETTER}|[\p{N}_.])(?:(?<=^|\s)[-+])?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?!${SPACED_LETTER}|[\p{N}_]|\.\d|,\d{3})`,
  'gu',
);
// Checked right after the digits, so the scale word itself is not mistaken for a suffix.
const DIGITS_THEN_SCALE = new RegExp(String.raw`^(\s+(${Object.keys(SCALE_WORDS).join('|')}))(?!\p{L})`, 'iu');

export function findDigitNumbers(text: string): EntityMatch[] {
  const found: EntityMatch[] = [];
  for (const m of text.matchAll(DIGITS)) {
    let value = Number(m[0].replace(/,/g, ''));
    let end = m.index + m[0].length;
    const scale = DIGITS_THEN_SCALE.exec(text.slice(end, end + 12));
    if (scale?.[1] && scale[2]) {
      value *= SCALE_WORDS[scale[2].toLowerCase()] ?? 1;
      end += scale[1].length;
    }
    if (Number.isFinite(value)) found.push({ value, start: m.index, end });
  }
  return found;
}

/** value: a JS number, from digits ("1,250.5", "3 million") or English words ("twenty five", "a dozen"). */
export const numberExtractor = defineExtractor({
  type: 'number',
  compile: () => (text) => dropOverlaps([...findDigitNumbers(text), ...findNumberWords(text)]),
});
