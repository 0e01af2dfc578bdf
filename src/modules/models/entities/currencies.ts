/**
 * How currencies are written. "$" alone means USD: a bot for another dollar market should ask
 * users to write "CA$"/"AUD". Codes match in capitals only, because "try", "cad" and "nok" are
 * also words; the common ones also have lowercase word forms below.
 */
export const CURRENCY_SYMBOLS: Record<string, string> = {
  US$: 'USD', CA$: 'CAD', C$: 'CAD', AU$: 'AUD', A$: 'AUD', NZ$: 'NZD', HK$: 'HKD', S$: 'SGD',
  R$: 'BRL', $: 'USD', '€': 'EUR', '£': 'GBP', '¥': 'JPY', '₹': 'INR', '₩': 'KRW', '₽': 'RUB',
  '₺': 'TRY', '₪': 'ILS', '₫': 'VND', '₱': 'PHP', '₴': 'UAH', '₦': 'NGN', '฿': 'THB', 'zł': 'PLN',
};

export const CURRENCY_CODES = [
  'USD', 'EUR', 'GBP', 'JPY', 'CHF', 'CAD', 'AUD', 'NZD', 'CNY', 'HKD', 'SGD', 'INR', 'BRL', 'MXN',
  'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'HUF', 'RUB', 'TRY', 'ZAR', 'KRW', 'ILS', 'AED', 'SAR', 'THB',
];

/** Case-insensitive. "pound" is also a weight; a shop bot usually means money. */
export const CURRENCY_WORDS: Record<string, string> = {
  dollar: 'USD', dollars: 'USD', buck: 'USD', bucks: 'USD', usd: 'USD',
  euro: 'EUR', euros: 'EUR', eur: 'EUR',
  pound: 'GBP', pounds: 'GBP', quid: 'GBP', gbp: 'GBP',
  yen: 'JPY', rupee: 'INR', rupees: 'INR', yuan: 'CNY', franc: 'CHF', francs: 'CHF',
};

/** Hundredths of the word's currency. */
export const CENT_WORDS: Record<string, string> = { cent: 'USD', cents: 'USD', penny: 'GBP', pence: 'GBP' };

const escape = (s: string): string => s.replace(/[$.*+?^{}()|[\]\\]/g, '\\$&');
const longestFirst = (words: string[]): string[] => [...words].sort((a, b) => b.length - a.length);

export const SYMBOL_PATTERN = longestFirst(Object.keys(CURRENCY_SYMBOLS)).map(escape).join('|');
export const CODE_PATTERN = CURRENCY_CODES.join('|');
export const WORD_PATTERN = longestFirst([...Object.keys(CURRENCY_WORDS), ...Object.keys(CENT_WORDS)]).join('|');

/** Resolves a symbol, code or word as matched; cents are flagged so the amount is divided by 100. */
export function currencyOf(unit: string): { currency: string; cents: boolean } | null {
  const symbol = CURRENCY_SYMBOLS[unit];
  if (symbol) return { currency: symbol, cents: false };
  if (CURRENCY_CODES.includes(unit)) return { currency: unit, cents: false };
  const lower = unit.toLowerCase();
  const word = CURRENCY_WORDS[lower];
  if (word) return { currency: word, cents: false };
  const cent = CENT_WORDS[lower];
  return cent ? { currency: cent, cents: true } : null;
}
