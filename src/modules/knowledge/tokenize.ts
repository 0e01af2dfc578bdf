import { stemmer } from 'stemmer';

/** Words too common to tell passages apart; BM25's IDF would weigh them low anyway, this keeps the index small. */
const STOPWORDS = new Set(
  ('a an and are as at be been but by can could did do does for from had has have how i if in into is it its me my no not of on or our ' +
    'so than that the their them then there these they this to was we were what when where which who whom why will with would you your')
    .split(' '),
);

const WORD = /[\p{L}\p{N}]+/gu;

/** Lower-cased, stemmed content words of a text, in order (repeats kept: BM25 counts them). */
export function tokenize(text: string): string[] {
  const terms: string[] = [];
  for (const match of text.toLowerCase().matchAll(WORD)) {
    const word = match[0];
    if (STOPWORDS.has(word) || word.length > 40) continue;
    terms.push(/^[a-z]+$/.test(word) && word.length > 3 ? stemmer(word) : word);
  }
  return terms;
}

/** Term → count. */
export function termCounts(terms: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}
