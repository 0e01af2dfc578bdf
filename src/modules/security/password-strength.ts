import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonWords } from '@zxcvbn-ts/language-common';
import { dictionary as englishWords, translations } from '@zxcvbn-ts/language-en';
import { MIN_PASSWORD_LENGTH } from './passwords.js';
/** zxcvbn's scale: 3 is "safely unguessable: moderate protection from offline slow-hash attacks". */
const MIN_SCORE = 3;

let factory: ZxcvbnFactory | null = null;
// The dictionaries take a moment to index, so they are built on the first check, not at start-up.
const zxcvbn = () => (factory ??= new ZxcvbnFactory({ translations, graphs: adjacencyGraphs, dictionary: { ...commonWords, ...englishWords } }));

const sentence = (text: string) => text.trim().replace(/[.!]+$/, '');

/**
 * Why a new password is refused, or null when it is fine: too short, or too easy to guess by
 * zxcvbn's estimate (common passwords, keyboard walks, dates, the person's own e-mail …), with
 * zxcvbn's own hint on what to do instead.
 */
export function passwordProblem(password: string, personal: readonly string[] = []): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `use at least ${MIN_PASSWORD_LENGTH} characters`;
  const result = zxcvbn().check(password, [...personal]);
  if (result.score >= MIN_SCORE) return null;
  const why = [result.feedback.warning, ...result.feedback.suggestions].filter((s): s is string => Boolean(s)).map(sentence);
  const hint = why.length > 0 ? why.join('; ') : 'add more words that are less common';
  return `this password is too easy to guess (${hint}); a few unrelated words make a strong one`;
}
