import type { SearchHit } from './contract.js';
import { tokenize } from './tokenize.js';

/** Longest quoted passage; a chunk is longer than a chat reply should be. */
const MAX_PASSAGE_CHARS = 400;

export interface Passage {
  text: string;
  /** Offsets in the source's text. */
  start: number;
  end: number;
}

/**
 * The sentence (with its neighbour, when it fits) of the best hit that shares the most of the
 * question's terms: what an offline answer quotes, never words of its own.
 */
export function bestPassage(question: string, hit: SearchHit): Passage {
  const wanted = new Set(tokenize(question));
  const sentences = [...hit.text.matchAll(/[^.!?\n]+(?:[.!?]+|\n|$)/g)].filter((m) => m[0].trim() !== '');
  if (sentences.length === 0) return { text: hit.text.slice(0, MAX_PASSAGE_CHARS), start: hit.citation.start, end: hit.citation.start + Math.min(hit.text.length, MAX_PASSAGE_CHARS) };
  const overlap = (s: string) => new Set(tokenize(s).filter((t) => wanted.has(t))).size;
  let best = 0;
  sentences.forEach((s, i) => {
    if (overlap(s[0]) > overlap(sentences[best]![0])) best = i;
  });
  const first = sentences[best]!;
  let from = first.index;
  let to = first.index + first[0].length;
  // The next sentence joins only when it is about the question too (not a heading or a new topic).
  const next = sentences[best + 1];
  if (next && overlap(next[0]) > 0 && next.index + next[0].length - from <= MAX_PASSAGE_CHARS) to = next.index + next[0].length;
  while (from < to && /\s/.test(hit.text[from]!)) from += 1;
  while (to > from && /\s/.test(hit.text[to - 1]!)) to -= 1;
  if (to - from > MAX_PASSAGE_CHARS) to = from + MAX_PASSAGE_CHARS;
  return { text: hit.text.slice(from, to), start: hit.citation.start + from, end: hit.citation.start + to };
}
