import { stemmer } from 'stemmer';

/**
 * Turns an utterance into named sparse features, grouped in blocks that are weighted separately:
 * stemmed words, stemmed word bigrams and word-boundary char n-grams. Char n-grams carry typos,
 * inflections and scripts written without spaces (CJK, Thai), where words alone would fail.
 */

/** Intents are short; past this many characters the rest adds cost, not signal. */
export const MAX_CHARS = 1000;
const MAX_WORDS = 200;

export type FeatureBlock = 'word' | 'bigram' | 'char';
export type BlockFeatures = Record<FeatureBlock, Map<string, number>>;

const WORD = /[\p{L}\p{M}\p{N}]+|\p{Extended_Pictographic}/gu;
const APOSTROPHE = /(?<=\p{L})['’](?=\p{L})/gu;
const LATIN = /^[a-z0-9]+$/;
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;

export function tokenize(text: string): string[] {
  const normalised = text.slice(0, MAX_CHARS).normalize('NFKC').toLowerCase().replace(APOSTROPHE, '');
  return (normalised.match(WORD) ?? []).slice(0, MAX_WORDS);
}

function stem(word: string): string {
  return LATIN.test(word) && word.length > 3 ? stemmer(word) : word;
}

function add(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function addCharGrams(map: Map<string, number>, word: string, minN: number, maxN: number): void {
  const chars = Array.from(` ${word} `);
  for (let n = minN; n <= maxN; n++) {
    for (let i = 0; i + n <= chars.length; i++) add(map, chars.slice(i, i + n).join(''));
  }
}

export function extractFeatures(text: string): BlockFeatures {
  const features: BlockFeatures = { word: new Map(), bigram: new Map(), char: new Map() };
  const words = tokenize(text);
  const stems = words.map(stem);
  let previous = '<s>';
  for (const [i, word] of words.entries()) {
    const stemmed = stems[i] as string;
    add(features.word, stemmed);
    add(features.bigram, `${previous} ${stemmed}`);
    previous = stemmed;
    addCharGrams(features.char, word, 3, 5);
    // Scripts without spaces make one "word" of a whole clause; short char grams stand in for words.
    if (UNSPACED_SCRIPT.test(word)) addCharGrams(features.char, word, 1, 2);
  }
  if (words.length > 0) add(features.bigram, `${previous} </s>`);
  return features;
}
