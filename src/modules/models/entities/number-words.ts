/**
 * English number words ("twenty five", "one hundred and two", "a dozen", "3 million") read into
 * numbers. Shared by the number and money extractors. A new number starts where the grammar
 * breaks, so "one two three" is three numbers, not six.
 */

export interface NumberSpan {
  value: number;
  start: number;
  end: number;
}

type Kind = 'zero' | 'unit' | 'teen' | 'tens' | 'hundred' | 'scale' | 'dozen' | 'a';

const WORDS: Record<string, [Kind, number]> = {
  zero: ['zero', 0], a: ['a', 1], an: ['a', 1],
  one: ['unit', 1], two: ['unit', 2], three: ['unit', 3], four: ['unit', 4], five: ['unit', 5],
  six: ['unit', 6], seven: ['unit', 7], eight: ['unit', 8], nine: ['unit', 9],
  ten: ['teen', 10], eleven: ['teen', 11], twelve: ['teen', 12], thirteen: ['teen', 13],
  fourteen: ['teen', 14], fifteen: ['teen', 15], sixteen: ['teen', 16], seventeen: ['teen', 17],
  eighteen: ['teen', 18], nineteen: ['teen', 19],
  twenty: ['tens', 20], thirty: ['tens', 30], forty: ['tens', 40], fifty: ['tens', 50],
  sixty: ['tens', 60], seventy: ['tens', 70], eighty: ['tens', 80], ninety: ['tens', 90],
  hundred: ['hundred', 100], thousand: ['scale', 1e3], million: ['scale', 1e6], billion: ['scale', 1e9],
  dozen: ['dozen', 12],
};

export const ORDINAL_WORDS: Record<string, number> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9,
  tenth: 10, eleventh: 11, twelfth: 12, thirteenth: 13, fourteenth: 14, fifteenth: 15,
  sixteenth: 16, seventeenth: 17, eighteenth: 18, nineteenth: 19, twentieth: 20, thirtieth: 30,
  fortieth: 40, fiftieth: 50, sixtieth: 60, seventieth: 70, eightieth: 80, ninetieth: 90,
  hundredth: 100, thousandth: 1000,
};

export const TENS_VALUES: Record<string, number> = Object.fromEntries(
  Object.entries(WORDS).flatMap(([word, [kind, value]]) => (kind === 'tens' ? [[word, value]] : [])),
);

export const SCALE_WORDS: Record<string, number> = { dozen: 12, hundred: 100, thousand: 1e3, million: 1e6, billion: 1e9 };

/** Which kinds may follow which; `start` is the state before the first word. */
const NEXT: Record<Kind | 'start', Kind[]> = {
  start: ['zero', 'unit', 'teen', 'tens', 'a'],
  a: ['hundred', 'scale', 'dozen'],
  zero: [],
  unit: ['hundred', 'scale', 'dozen'],
  teen: ['hundred', 'scale', 'dozen'],
  tens: ['unit', 'scale', 'dozen'],
  hundred: ['unit', 'teen', 'tens', 'scale'],
  scale: ['unit', 'teen', 'tens'],
  dozen: [],
};

interface Word {
  text: string;
  start: number;
  end: number;
}

class Reading {
  total = 0;
  current = 0;
  kind: Kind | 'start' = 'start';
  lastScale = Infinity;

  /** Adds a word if the grammar allows it there; false ends the number. */
  accept(kind: Kind, value: number): boolean {
    if (!NEXT[this.kind].includes(kind)) return false;
    if (kind === 'hundred') {
      if (this.current >= 100) return false;
      this.current = (this.current || 1) * 100;
    } else if (kind === 'scale') {
      if (value >= this.lastScale) return false;
      this.total += (this.current || 1) * value;
      this.current = 0;
      this.lastScale = value;
    } else if (kind === 'dozen') {
      this.current = (this.current || 1) * 12;
    } else if (kind !== 'a') {
      this.current += value;
    }
    this.kind = kind;
    return true;
  }

  get value(): number {
    return this.total + this.current;
  }
}

function wordsOf(text: string): Word[] {
  return [...text.matchAll(/[A-Za-z]+/g)].map((m) => ({ text: m[0].toLowerCase(), start: m.index, end: m.index + m[0].length }));
}

/** Reads one number starting at word `i`; returns it and the index of the first unused word. */
function readAt(text: string, words: Word[], i: number): { span: NumberSpan; next: number } | null {
  const reading = new Reading();
  let end = -1;
  let j = i;
  while (j < words.length) {
    const word = words[j] as Word;
    const gap = j === i ? ' ' : text.slice((words[j - 1] as Word).end, word.start);
    const hyphen = gap === '-' && reading.kind === 'tens';
    if (j > i && !/^\s+$/.test(gap) && !hyphen) break;
    if (word.text === 'and' && j > i && (reading.kind === 'hundred' || reading.kind === 'scale')) {
      j += 1;
      continue;
    }
    const entry = WORDS[word.text];
    if (!entry || !reading.accept(entry[0], entry[1])) break;
    end = word.end;
    j += 1;
  }
  if (end < 0 || reading.kind === 'a') return null;
  // "twenty-first" is an ordinal, not the number twenty followed by a word.
  const after = words[j];
  if (reading.kind === 'tens' && after && ORDINAL_WORDS[after.text] !== undefined && /^[\s-]$/.test(text.slice(end, after.start))) {
    return null;
  }
  // Leave a trailing "and" ("two hundred and") for the next reading.
  while (j > i && (words[j - 1] as Word).end > end) j -= 1;
  return { span: { value: reading.value, start: (words[i] as Word).start, end }, next: j };
}

export function findNumberWords(text: string): NumberSpan[] {
  const words = wordsOf(text);
  const spans: NumberSpan[] = [];
  let i = 0;
  while (i < words.length) {
    const read = readAt(text, words, i);
    if (read) {
      spans.push(read.span);
      i = read.next;
    } else {
      i += 1;
    }
  }
  return spans;
}
