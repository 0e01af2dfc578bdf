import { createRequire } from 'node:module';
import type * as ZxcvbnCore from '@zxcvbn-ts/core';
import type * as CommonLanguage from '@zxcvbn-ts/language-common';
import type * as EnglishLanguage from '@zxcvbn-ts/language-en';
import { MIN_PASSWORD_LENGTH } from './passwords.js';

/** zxcvbn's scale: 3 is "safely unguessable: moderate protection from offline slow-hash attacks". */
const MIN_SCORE = 3;

// The dictionaries take about a second to load and index: only processes that check a password
// (not every CLI command or app start) pay for it, on the first check. Checks are synchronous (zod
// refinements), hence require rather than import().
const require = createRequire(import.meta.url);
let factory: ZxcvbnCore.ZxcvbnFactory | null = null;
function zxcvbn(): ZxcvbnCore.ZxcvbnFactory {
  if (factory) return factory;
  const { ZxcvbnFactory } = require('@zxcvbn-ts/core') as typeof ZxcvbnCore;
  const common = require('@zxcvbn-ts/language-common') as typeof CommonLanguage;
  const english = require('@zxcvbn-ts/language-en') as typeof EnglishLanguage;
  factory = new ZxcvbnFactory({ translations: english.translations, graphs: common.adjacencyGraphs, dictionary: { ...common.dictionary, ...english.dictionary } });
  return factory;
}

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
