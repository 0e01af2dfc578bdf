import { stemmer } from 'stemmer';

/**
 * Turns an utterance into hashed sparse features, grouped in blocks that are weighted separately:
 * stemmed words, stemmed word bigrams and word-boundary char n-grams. Char n-grams carry typos,
 * inflections and scripts written without spaces (CJK, Thai), where words alone would fail.
 *
 * Features are 32-bit hashes rather than strings, so extracting them allocates no substrings: a
 * parse is on the hot path of every turn. Collisions are rare at this size and only merge two
 * features' evidence.
 */

/** Intents are short; past this many characters the rest adds cost, not signal. */
export const MAX_CHARS = 1000;
const MAX_WORDS = 200;

export const BLOCKS = ['word', 'bigram', 'char'] as const;
export type FeatureBlock = (typeof BLOCKS)[number];

/** Receives each feature occurrence; the same feature may arrive more than once (term frequency). */
export type FeatureSink = (block: number, hash: number) => void;

export interface FeatureOptions {
  /** Smallest and largest char n-gram, counted with the word-boundary spaces. */
  charMin: number;
  charMax: number;
}

// Letters, digits and emoji are words; a currency sign is one too, since "£1" and "$1" carry meaning.
const WORD = /[\p{L}\p{M}\p{N}]+|\p{Extended_Pictographic}|\p{Sc}/gu;
const APOSTROPHE = /(?<=\p{L})['’](?=\p{L})/gu;
const LATIN = /^[a-z0-9]+$/;
const DIGITS = /^\p{N}+$/u;
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;
/** Numbers vary where the intent does not ("2 weeks", "30 pounds"): they also count as one shared word. */
const NUMBER_SHAPE = hashString('0', 0x9e3779b9);

export function tokenize(text: string): string[] {
  const normalised = text.slice(0, MAX_CHARS).normalize('NFKC').toLowerCase().replace(APOSTROPHE, '');
  return (normalised.match(WORD) ?? []).slice(0, MAX_WORDS);
}

function stem(word: string): string {
  return LATIN.test(word) && word.length > 3 ? stemmer(word) : word;
}

/** FNV-1a over UTF-16 code units, continued from `seed`. */
function hashString(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const SPACE = 32;

// Scratch for the code points of one word: extraction is synchronous, and a parse should not
// allocate what it can reuse.
const codes: number[] = [];

/** Char n-grams of ` word ` (with boundary spaces), hashed without building substrings. */
function charGrams(word: string, minN: number, maxN: number, sink: FeatureSink): void {
  codes.length = 0;
  codes.push(SPACE);
  for (let i = 0; i < word.length; i++) {
    const code = word.codePointAt(i) as number;
    if (code > 0xffff) i++;
    codes.push(code);
  }
  codes.push(SPACE);
  for (let i = 0; i < codes.length; i++) {
    let h = 0x811c9dc5;
    for (let n = 1; n <= maxN && i + n <= codes.length; n++) {
      h = Math.imul(h ^ (codes[i + n - 1] as number), 0x01000193) >>> 0;
      // A lone boundary space or a gram of spaces only says nothing.
      if (n >= minN && !(n === 1 && codes[i] === SPACE)) sink(2, h);
    }
  }
}

export function extractFeatures(text: string, options: FeatureOptions, sink: FeatureSink): void {
  const words = tokenize(text);
  let previous = 0x2545f491; // sentence start
  for (const word of words) {
    const stemmed = stem(word);
    const h = hashString(stemmed, 0x811c9dc5);
    sink(0, h);
    sink(1, Math.imul(previous ^ h, 0x27d4eb2d) >>> 0);
    previous = (h + 0x9e3779b9) >>> 0;
    if (DIGITS.test(word)) sink(0, NUMBER_SHAPE);
    // Scripts without spaces make one "word" of a whole clause; short char grams stand in for words.
    const minN = UNSPACED_SCRIPT.test(word) ? 1 : options.charMin;
    charGrams(word, minN, options.charMax, sink);
  }
  if (words.length > 0) sink(1, Math.imul(previous ^ 0x68e31da4, 0x27d4eb2d) >>> 0);
}
