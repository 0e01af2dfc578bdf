import { createRequire } from 'node:module';
import Sentiment from 'sentiment';

export type SentimentLabel = 'positive' | 'negative' | 'neutral';

export interface SentimentResult {
  label: SentimentLabel;
  /** -1 (very negative) … 1 (very positive). */
  score: number;
}

/**
 * |score| under this is neutral. A single mild AFINN word (±1: "cancel", "no", "please") scores
 * about ±0.25 and stays neutral; one clear word (±2: "thanks", "useless") is 0.46 and counts.
 */
export const NEUTRAL_BAND = 0.3;
// VADER's normalisation x / √(x² + α): a sum of AFINN word scores mapped into (-1, 1), ±3 → ±0.61.
const ALPHA = 15;
// Words after "but" carry the speaker's point ("good food but slow service" is a complaint).
const BEFORE_BUT = 0.5;
const AFTER_BUT = 1.5;
// How many words back a negator still reaches: "not very good", "don't really like".
const NEGATION_REACH = 3;

/**
 * The library flips a word only when the word right before it is one of twelve negators. This
 * list is wider ("never", "didn't", "no longer" …) and reaches a few words back; clauses are
 * scored separately so that a negator never crosses a comma or full stop.
 */
const NEGATORS = new Set([
  'not', 'no', 'never', 'none', 'nobody', 'nothing', 'neither', 'nor', 'nowhere', 'without',
  'hardly', 'barely', 'cannot', 'cant', 'dont', 'doesnt', 'didnt', 'isnt', 'wasnt', 'arent',
  'werent', 'wont', 'wouldnt', 'shouldnt', 'couldnt', 'havent', 'hasnt', 'hadnt', 'aint',
]);

const isNegator = (token: string): boolean => NEGATORS.has(token) || token.endsWith("n't");

const LANGUAGE = 'en-mcp';
const labels = createRequire(import.meta.url)('sentiment/languages/en/labels.json') as Record<string, number>;
const sentiment = new Sentiment();
sentiment.registerLanguage(LANGUAGE, {
  // A copy: the library adds its emoji scores to the object it is given.
  labels: { ...labels },
  scoringStrategy: {
    apply(tokens, cursor, tokenScore) {
      // "no" is -1 in AFINN, but in "no problem" it only turns "problem" around.
      if (isNegator(tokens[cursor] ?? '')) return 0;
      const reach = tokens.slice(Math.max(0, cursor - NEGATION_REACH), cursor);
      return reach.some(isNegator) ? -tokenScore : tokenScore;
    },
  },
});

function scoreClause(clause: string): number {
  return clause.trim() === '' ? 0 : sentiment.analyze(clause, { language: LANGUAGE }).score;
}

/** Sums clause scores, weighting the two sides of each "but". */
function rawScore(text: string): number {
  const normalised = text
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\uFE0F/g, '')
    // Emoji written against a word ("great😀") become their own token.
    .replace(/\p{Extended_Pictographic}/gu, ' $& ');
  let total = 0;
  for (const clause of normalised.split(/[.,;:!?\n]+/)) {
    const [before, ...after] = clause.split(/\bbut\b/i);
    total += after.length > 0
      ? BEFORE_BUT * scoreClause(before ?? '') + AFTER_BUT * scoreClause(after.join(' '))
      : scoreClause(clause);
  }
  return total;
}

/** Offline, English-only sentiment of a message; text in other languages comes out neutral. */
export function analyseSentiment(text: string): SentimentResult {
  const raw = typeof text === 'string' ? rawScore(text) : 0;
  const score = Math.round((raw / Math.sqrt(raw * raw + ALPHA)) * 1000) / 1000;
  const label: SentimentLabel = score >= NEUTRAL_BAND ? 'positive' : score <= -NEUTRAL_BAND ? 'negative' : 'neutral';
  return { label, score };
}
