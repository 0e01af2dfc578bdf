import { CODE_PATTERN, SYMBOL_PATTERN, WORD_PATTERN, currencyOf } from './currencies.js';
import { type EntityMatch, defineExtractor, dropOverlaps } from './extractor.js';
import { findNumberWords } from './number-words.js';
import { SPACED_LETTER } from './word-boundary.js';

// "1,200.50", "1.200,50", "15,50", "20"; never the middle of a longer number.
const AMOUNT = String.raw`(?<![\p{N}.,])(\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)(?![\p{N}]|[.,]\d)`;
const NOT_A_WORD_AFTER = String.raw`(?!${SPACED_LETTER}|\p{N})`;
const SYMBOL_OR_CODE = `(${SYMBOL_PATTERN}|(?:${CODE_PATTERN})${NOT_A_WORD_AFTER})`;
const WORD = `(${WORD_PATTERN})${NOT_A_WORD_AFTER}`;

/** Each pattern with the group numbers of its amount and its unit. Words need the `i` flag, codes must not have it. */
const PATTERNS: { re: RegExp; amount: number; unit: number }[] = [
  { re: new RegExp(String.raw`(?<!${SPACED_LETTER}|\p{N})${SYMBOL_OR_CODE}\s?${AMOUNT}`, 'gu'), amount: 2, unit: 1 },
  { re: new RegExp(String.raw`${AMOUNT}\s?${SYMBOL_OR_CODE}`, 'gu'), amount: 1, unit: 2 },
  { re: new RegExp(String.raw`${AMOUNT}\s?${WORD}`, 'giu'), amount: 1, unit: 2 },
];
const UNIT_AFTER_WORDS = [new RegExp(String.raw`^\s+${SYMBOL_OR_CODE}`, 'u'), new RegExp(String.raw`^\s+${WORD}`, 'iu')];

/**
 * Reads an amount whichever separator is the decimal one: the last separator is decimal when
 * followed by one or two digits; a separator followed by three digits groups thousands. So
 * "1.200" is 1200 (as in most of Europe), not 1.2.
 */
export function parseAmount(written: string): number {
  const decimal = /[.,](\d{1,2})$/.exec(written);
  const whole = (decimal ? written.slice(0, decimal.index) : written).replace(/[.,]/g, '');
  return Number(decimal ? `${whole}.${decimal[1]}` : whole);
}

function toMatch(amount: number, unit: string, start: number, end: number): EntityMatch | null {
  const currency = currencyOf(unit);
  if (!currency || !Number.isFinite(amount)) return null;
  const value = currency.cents ? Math.round(amount) / 100 : amount;
  return { value: { amount: value, currency: currency.currency }, start, end };
}

function findMoney(text: string): EntityMatch[] {
  const found: (EntityMatch | null)[] = [];
  for (const { re, amount, unit } of PATTERNS) {
    for (const m of text.matchAll(re)) {
      found.push(toMatch(parseAmount(m[amount] ?? ''), m[unit] ?? '', m.index, m.index + m[0].length));
    }
  }
  for (const span of findNumberWords(text)) {
    const after = text.slice(span.end, span.end + 16);
    const unit = UNIT_AFTER_WORDS.map((re) => re.exec(after)).find((m) => m !== null);
    if (unit?.[1]) found.push(toMatch(span.value, unit[1], span.start, span.end + unit[0].length));
  }
  return dropOverlaps(found.filter((m): m is EntityMatch => m !== null));
}

/**
 * value: `{ amount, currency }` with an ISO 4217 code, from "$20", "€15.50", "15 EUR", "EUR 15",
 * "20 dollars", "twenty euros" or "50 cents" (0.5 USD).
 */
export const moneyExtractor = defineExtractor({
  type: 'money',
  compile: () => findMoney,
});
