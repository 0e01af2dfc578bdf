import { type DefinitionIssue, defineExtractor } from './extractor.js';
import { SPACED_LETTER, UNSPACED_LETTER } from './word-boundary.js';

interface Synonym {
  phrase: string;
  canonical: string;
}

// In scripts written without spaces, "whole word" cannot mean space-delimited.
const UNSPACED_SCRIPT = new RegExp(UNSPACED_LETTER, 'u');
const WORD_CHAR_BEFORE = String.raw`(?<!${SPACED_LETTER}|[\p{N}_])`;
const WORD_CHAR_AFTER = String.raw`(?!${SPACED_LETTER}|[\p{N}_])`;

function synonymsOf(values: unknown): Synonym[] {
  const pairs: Synonym[] = [];
  if (Array.isArray(values)) {
    for (const value of values) if (typeof value === 'string') pairs.push({ phrase: value, canonical: value });
  } else if (values && typeof values === 'object') {
    for (const [canonical, phrases] of Object.entries(values)) {
      pairs.push({ phrase: canonical, canonical });
      if (Array.isArray(phrases)) {
        for (const phrase of phrases) if (typeof phrase === 'string') pairs.push({ phrase, canonical });
      }
    }
  }
  return pairs.map((p) => ({ ...p, phrase: p.phrase.trim() })).filter((p) => p.phrase !== '');
}

function phrasePattern(phrase: string): string {
  const escaped = phrase
    .split(/\s+/)
    // Only syntax characters: the `u` flag rejects needless escapes such as \-.
    .map((word) => word.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('\\s+');
  const before = UNSPACED_SCRIPT.test(phrase.charAt(0)) ? '' : WORD_CHAR_BEFORE;
  const after = UNSPACED_SCRIPT.test(phrase.charAt(phrase.length - 1)) ? '' : WORD_CHAR_AFTER;
  return `${before}(${escaped})${after}`;
}

function issues(definition: Record<string, unknown>, path: string): DefinitionIssue[] {
  const { values } = definition;
  const shapeOk = Array.isArray(values) || (values !== null && typeof values === 'object');
  if (!shapeOk || synonymsOf(values).length === 0) {
    return [{ path: `${path}.values`, message: 'a list entity needs `values`: a list of words, or canonical values each with a list of synonyms' }];
  }
  return [];
}

/**
 * value: the canonical value of the synonym found. Matching is case-insensitive and whole-word;
 * at one position the longest synonym wins ("new york city" before "new york"), and matches
 * never overlap. Each synonym is its own capture group, so the group number names the canonical.
 */
export const listExtractor = defineExtractor({
  type: 'list',
  issues,
  compile(definition) {
    // Longest first: JS alternation takes the first alternative that matches, not the longest.
    const synonyms = synonymsOf(definition.values).sort((a, b) => b.phrase.length - a.phrase.length);
    if (synonyms.length === 0) return () => [];
    const re = new RegExp(synonyms.map((s) => phrasePattern(s.phrase)).join('|'), 'giu');
    return (text) => {
      const found = [];
      for (const m of text.matchAll(re)) {
        const group = m.findIndex((g, i) => i > 0 && g !== undefined);
        const synonym = synonyms[group - 1];
        if (synonym) found.push({ value: synonym.canonical, start: m.index, end: m.index + m[0].length });
      }
      return found;
    };
  },
});
